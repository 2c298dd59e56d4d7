"""One search box: cases (title, court case number), parties (name, credit code or ID
number), contacts (phone, e-mail), invoices and contracts (number). Each hit names its case.

The user's creditor scope applies as to every query (services.scope): a hit on another
subsidiary's case is never returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.values import SEARCH_KINDS
from legalcase.models import Case, Contact, Contract, Party, Receivable

MAX_QUERY = 100
PER_KIND = 20
KIND_LABELS = SEARCH_KINDS


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    case_id: int | None
    label: str


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column, term: str) -> ColumnElement[bool]:
    return column.like(_like(term), escape="\\")


def _digits(column) -> ColumnElement:
    """A phone number as its digits (spaces, dashes and brackets removed)."""
    for ch in (" ", "-", "(", ")", "+"):
        column = func.replace(column, ch, "")
    return column


def _first_case(session: Session, party_ids: list[int]) -> dict[int, int]:
    """Each party's most recent visible case as debtor (a hit links to its case)."""
    if not party_ids:
        return {}
    rows = session.execute(
        select(Case.debtor_id, func.max(Case.id))
        .where(Case.debtor_id.in_(party_ids))
        .group_by(Case.debtor_id)
    ).all()
    return dict(rows)


def search(session: Session, q: str | None) -> list[Hit]:
    term = (q or "").strip()
    if not term:
        return []
    if len(term) > MAX_QUERY or "\x00" in term:
        raise ValidationFailed({"q": f"搜索词最多 {MAX_QUERY} 个字符"})
    hits: list[Hit] = []
    for c in session.scalars(
        select(Case)
        .where(or_(_contains(Case.title, term), _contains(Case.case_number, term)))
        .order_by(Case.id.desc())
        .limit(PER_KIND)
    ):
        number = f"（{c.case_number}）" if c.case_number else ""
        hits.append(Hit("case", c.id, c.id, f"{c.title}{number}"))
    parties = list(
        session.scalars(
            select(Party)
            .where(or_(_contains(Party.name, term), Party.id_code == term.upper()))
            .order_by(Party.id.desc())
            .limit(PER_KIND)
        )
    )
    digits = "".join(ch for ch in term if ch.isdigit())
    contact_match = _contains(Contact.email, term)
    if len(digits) >= 4:
        contact_match = or_(contact_match, _contains(_digits(Contact.phone), digits))
    contacts = list(
        session.scalars(select(Contact).where(contact_match).order_by(Contact.id).limit(PER_KIND))
    )
    cases_of = _first_case(session, [p.id for p in parties] + [c.party_id for c in contacts])
    for p in parties:
        code = f"（{p.id_code}）" if p.id_code else ""
        hits.append(Hit("party", p.id, cases_of.get(p.id), f"{p.name}{code}"))
    for c in contacts:
        reach = " ".join(x for x in (c.phone, c.email) if x)
        hits.append(Hit("contact", c.id, cases_of.get(c.party_id), f"{c.name} {reach}"))
    for r in session.scalars(
        select(Receivable)
        .where(_contains(Receivable.invoice_no, term))
        .order_by(Receivable.id.desc())
        .limit(PER_KIND)
    ):
        hits.append(Hit("invoice", r.id, r.case_id, f"发票 {r.invoice_no}"))
    for k in session.scalars(
        select(Contract)
        .where(_contains(Contract.number, term))
        .order_by(Contract.id.desc())
        .limit(PER_KIND)
    ):
        hits.append(Hit("contract", k.id, k.case_id, f"合同 {k.number}"))
    return hits
