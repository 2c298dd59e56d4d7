"""Build realistic records through the services, as a user would.

Each factory is one earlier action of a user: it ends its unit of work with a commit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from legalcase.domain.identity import uscc_check_char
from legalcase.models import Creditor
from legalcase.services import cases, parties, receivables
from legalcase.services.auth import create_user

PASSWORD = "secret-pass-1"
_seq = count(1)


def _done(session, obj):
    session.commit()
    return obj


def user(session, role: str = "admin", username: str | None = None, name: str | None = None):
    n = next(_seq)
    return _done(
        session,
        create_user(session, username or f"{role}{n}", PASSWORD, role, name or f"{role}用户{n}"),
    )


def creditor(session, name: str = "华东精密机械制造有限公司") -> Creditor:
    c = Creditor(name=f"{name}{next(_seq)}" if name == "华东精密机械制造有限公司" else name)
    session.add(c)
    session.commit()
    return c


def uscc(n: int) -> str:
    body = f"9131011{n:010d}"
    return body + uscc_check_char(body)


def debtor(session, actor, name: str = "苏州恒达机电设备有限公司"):
    n = next(_seq)
    return _done(
        session,
        parties.create_party(
            session,
            actor,
            {
                "kind": "company",
                "name": name,
                "id_code": uscc(n),
                "legal_rep": "王强",
                "registered_address": "苏州市工业园区星湖街 328 号",
            },
        ),
    )


def case(session, actor, owner=None, debtor_party=None, cred=None, title: str = "苏州恒达货款纠纷"):
    cred = cred or creditor(session)
    debtor_party = debtor_party or debtor(session, actor)
    return _done(
        session,
        cases.open_case(
            session,
            actor,
            {
                "title": title,
                "creditor_id": cred.id,
                "debtor_id": debtor_party.id,
                "owner_id": (owner or actor).id,
                "risk_level": "medium",
                "currency": "CNY",
            },
        ),
    )


def receivable(
    session,
    actor,
    c,
    invoice_no: str = "INV-001",
    amount: str = "100000.00",
    issue: date = date(2026, 1, 1),
    due: date = date(2026, 3, 2),
    **extra,
):
    return _done(
        session,
        receivables.add_receivable(
            session,
            actor,
            c,
            {
                "invoice_no": invoice_no,
                "amount": Decimal(amount),
                "issue_date": issue,
                "due_date": due,
                **extra,
            },
        ),
    )
