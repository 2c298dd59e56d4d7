"""Import of an ERP aging ledger (CSV or XLSX): a dry run first, then all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, PermissionDenied
from legalcase.domain.importer import Row, check_rows
from legalcase.domain.roles import Role
from legalcase.models import (
    AuditEntry,
    Case,
    Creditor,
    Instalment,
    Party,
    Payment,
    PaymentAllocation,
    Receivable,
    StageChange,
    User,
)
from legalcase.models.base import utcnow

from .audit import set_actor
from .clock import today as clock_today
from .deadlines import refresh_cases
from .receivables import refresh_balances


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Headers and rows (as text) of a CSV (UTF-8 or GB18030) or XLSX file."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = wb.active.iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        out = []
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            out.append({h: _cell(v) for h, v in zip(headers, values, strict=False)})
        return headers, out
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("bad_file", "文件既不是 Excel（.xlsx），也不是 UTF-8/GBK 编码的 CSV")
    reader = csv.DictReader(io.StringIO(text))
    return [h.strip() for h in reader.fieldnames or []], [dict(r) for r in reader]


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Plan:
    rows: list[Row]
    errors: list[tuple[int, str]]
    new_debtors: set[str] = field(default_factory=set)
    new_receivables: list[Row] = field(default_factory=list)
    updated: list[tuple[Row, int]] = field(default_factory=list)  # (row, receivable id)
    payments: list[tuple[Row, Decimal]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.new_receivables) + len(self.updated) + len(self.payments)


def plan(session: Session, creditor_id: int, raw: list[dict], mapping: dict[str, str]) -> Plan:
    from babel.numbers import list_currencies

    rows, errors = check_rows(raw, mapping, frozenset(list_currencies()))
    p = Plan(rows, errors)
    known = {
        r.invoice_no: r
        for r in session.execute(
            select(
                Receivable.id,
                Receivable.invoice_no,
                Receivable.amount,
                Receivable.issue_date,
                Receivable.due_date,
                Receivable.paid_amount,
            ).where(Receivable.creditor_id == creditor_id)
        )
    }
    codes = set(session.scalars(select(Party.id_code).where(Party.id_code.is_not(None))))
    names = set(session.scalars(select(Party.name)))
    for row in rows:
        if not (
            (row.debtor_code and row.debtor_code in codes)
            or (not row.debtor_code and row.debtor_name in names)
        ):
            p.new_debtors.add(row.debtor_code or row.debtor_name)
        old = known.get(row.invoice_no)
        if old is None:
            p.new_receivables.append(row)
            if row.paid_amount > 0:
                p.payments.append((row, row.paid_amount))
            continue
        if (old.amount, old.issue_date, old.due_date) != (row.amount, row.issue_date, row.due_date):
            if row.amount < old.paid_amount:
                p.errors.append((row.line, f"金额 {row.amount} 低于系统中已收的 {old.paid_amount}"))
                continue
            p.updated.append((row, old.id))
        if row.paid_amount > old.paid_amount:
            p.payments.append((row, row.paid_amount - old.paid_amount))
    p.errors.sort()
    bad = {line for line, _ in p.errors}
    p.new_receivables = [r for r in p.new_receivables if r.line not in bad]
    p.updated = [(r, i) for r, i in p.updated if r.line not in bad]
    p.payments = [(r, a) for r, a in p.payments if r.line not in bad]
    return p


def apply(
    session: Session,
    actor: User,
    creditor_id: int,
    p: Plan,
    skip_bad: bool = False,
    today: date | None = None,
) -> dict:
    """Write the plan in one transaction; refused while there are bad rows unless ``skip_bad``."""
    if Role(actor.role) not in (Role.ADMIN, Role.LEGAL):
        raise PermissionDenied("只有法务或管理员可以导入台账")
    if p.errors and not skip_bad:
        raise DomainError(
            "bad_rows", f"有 {len(p.errors)} 行有误，未导入；请改正后重试，或选择跳过错误行"
        )
    if session.get(Creditor, creditor_id) is None:
        raise DomainError("not_found", "债权主体不存在")
    today = today or clock_today()
    set_actor(session, actor.id)
    now = utcnow()
    debtors = _debtors(session, p)
    cases = _cases(session, actor, creditor_id, debtors, p, now)
    r_table, pay_table, alloc_table = (
        Receivable.__table__,
        Payment.__table__,
        PaymentAllocation.__table__,
    )
    conn = session.connection()
    audit = []
    if p.new_receivables:
        values = [
            {
                "case_id": cases[_debtor_key(r)],
                "creditor_id": creditor_id,
                "invoice_no": r.invoice_no,
                "amount": r.amount,
                "currency": r.currency,
                "issue_date": r.issue_date,
                "due_date": r.due_date,
                "paid_amount": Decimal(0),
                "created_at": now,
                "updated_at": now,
            }
            for r in p.new_receivables
        ]
        ids = conn.execute(
            insert(r_table).returning(r_table.c.id, sort_by_parameter_order=True), values
        )
        for v, (rid,) in zip(values, ids, strict=True):
            audit.append(
                _audit(
                    now,
                    actor.id,
                    v["case_id"],
                    "receivables",
                    rid,
                    "create",
                    {
                        "invoice_no": v["invoice_no"],
                        "amount": str(v["amount"]),
                        "source": "import",
                    },
                )
            )
    if p.updated:
        conn.execute(
            update(r_table)
            .where(r_table.c.id == bindparam("rid"))
            .values(
                amount=bindparam("amount"),
                issue_date=bindparam("issue_date"),
                due_date=bindparam("due_date"),
                updated_at=now,
            ),
            [
                {
                    "rid": rid,
                    "amount": r.amount,
                    "issue_date": r.issue_date,
                    "due_date": r.due_date,
                }
                for r, rid in p.updated
            ],
        )
        for r, rid in p.updated:
            audit.append(
                _audit(
                    now,
                    actor.id,
                    None,
                    "receivables",
                    rid,
                    "update",
                    {
                        "amount": str(r.amount),
                        "due_date": r.due_date.isoformat(),
                        "source": "import",
                    },
                )
            )
    if p.payments:
        invoice_ids = dict(
            session.execute(
                select(Receivable.invoice_no, Receivable.id).where(
                    Receivable.creditor_id == creditor_id,
                    Receivable.invoice_no.in_([r.invoice_no for r, _ in p.payments]),
                )
            ).all()
        )
        case_of = dict(
            session.execute(
                select(Receivable.id, Receivable.case_id).where(
                    Receivable.id.in_(list(invoice_ids.values()))
                )
            ).all()
        )
        values = [
            {
                "case_id": case_of[invoice_ids[r.invoice_no]],
                "paid_date": r.payment_date or today,
                "amount": amount,
                "currency": r.currency,
                "method": "bank",
                "reference": f"导入 {r.invoice_no}",
                "recorded_by_id": actor.id,
                "created_at": now,
            }
            for r, amount in p.payments
        ]
        pay_ids = conn.execute(
            insert(pay_table).returning(pay_table.c.id, sort_by_parameter_order=True), values
        )
        allocations = [
            {"payment_id": pid, "receivable_id": invoice_ids[r.invoice_no], "amount": amount}
            for (pid,), (r, amount) in zip(pay_ids, p.payments, strict=True)
        ]
        conn.execute(insert(alloc_table), allocations)
        conn.execute(
            update(r_table)
            .where(r_table.c.id == bindparam("rid"))
            .values(paid_amount=r_table.c.paid_amount + bindparam("add")),
            [{"rid": a["receivable_id"], "add": a["amount"]} for a in allocations],
        )
        for v, a in zip(values, allocations, strict=True):
            audit.append(
                _audit(
                    now,
                    actor.id,
                    v["case_id"],
                    "payments",
                    a["payment_id"],
                    "create",
                    {"amount": str(v["amount"]), "source": "import"},
                )
            )
    if audit:
        conn.execute(insert(AuditEntry.__table__), audit)
    touched = sorted(set(cases.values()))
    _balances(session, touched)
    for i in range(0, len(touched), 500):
        refresh_cases(session, touched[i : i + 500], today)
    return {
        "debtors": len(p.new_debtors),
        "receivables": len(p.new_receivables),
        "updated": len(p.updated),
        "payments": len(p.payments),
        "skipped": len(p.errors),
    }


def _audit(at, user_id, case_id, entity, entity_id, action, after) -> dict:
    return {
        "at": at,
        "user_id": user_id,
        "case_id": case_id,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "before": None,
        "after": after,
    }


def _debtor_key(row: Row) -> str:
    return row.debtor_code or row.debtor_name


def _debtors(session: Session, p: Plan) -> dict[str, int]:
    by_code = dict(
        session.execute(select(Party.id_code, Party.id).where(Party.id_code.is_not(None))).all()
    )
    by_name = {}
    for pid, name in session.execute(select(Party.id, Party.name).order_by(Party.id)):
        by_name.setdefault(name, pid)
    out = {}
    for row in p.rows:
        key = _debtor_key(row)
        if key in out:
            continue
        pid = by_code.get(row.debtor_code) if row.debtor_code else by_name.get(row.debtor_name)
        if pid is None:
            party = Party(kind="company", name=row.debtor_name, id_code=row.debtor_code)
            session.add(party)
            session.flush()
            pid = party.id
        out[key] = pid
    return out


def _cases(
    session: Session, actor: User, creditor_id: int, debtors: dict[str, int], p: Plan, now
) -> dict[str, int]:
    """The open case of each debtor with this creditor, opened when there is none."""
    open_cases = {}
    for cid, did in session.execute(
        select(Case.id, Case.debtor_id)
        .where(Case.creditor_id == creditor_id, ~Case.stage.startswith("closed"))
        .order_by(Case.id)
    ):
        open_cases.setdefault(did, cid)
    needed = (
        {_debtor_key(r) for r in p.new_receivables}
        | {_debtor_key(r) for r, _ in p.payments}
        | {_debtor_key(r) for r, _ in p.updated}
    )
    out = {}
    for key in needed:
        did = debtors[key]
        if did not in open_cases:
            name = session.get(Party, did).name
            case = Case(
                creditor_id=creditor_id,
                debtor_id=did,
                owner_id=actor.id,
                title=f"{name}货款",
                stage="pre_legal",
                risk_level="medium",
                currency="CNY",
            )
            session.add(case)
            session.flush()
            session.add(
                StageChange(
                    case_id=case.id,
                    from_stage=None,
                    to_stage="pre_legal",
                    user_id=actor.id,
                    reason="由台账导入立案",
                    changed_at=now,
                )
            )
            open_cases[did] = case.id
        out[key] = open_cases[did]
    session.flush()
    return out


def _balances(session: Session, case_ids: list[int]) -> None:
    """Principal, paid, outstanding and oldest unpaid due date of the touched cases, in SQL."""
    r = Receivable.__table__
    sums = session.execute(
        select(
            r.c.case_id,
            func.sum(r.c.amount),
            func.sum(r.c.paid_amount),
            func.min(r.c.due_date).filter(r.c.amount > r.c.paid_amount),
        )
        .where(r.c.case_id.in_(case_ids))
        .group_by(r.c.case_id)
    ).all()
    values = [
        {
            "cid": cid,
            "principal": principal,
            "paid": paid,
            "outstanding": principal - paid,
            "oldest": oldest,
        }
        for cid, principal, paid, oldest in sums
    ]
    if values:
        c = Case.__table__
        session.connection().execute(
            update(c)
            .where(c.c.id == bindparam("cid"))
            .values(
                principal_amount=bindparam("principal"),
                paid_amount=bindparam("paid"),
                outstanding_amount=bindparam("outstanding"),
                oldest_unpaid_due_date=bindparam("oldest"),
            ),
            values,
        )
    # cases with instalment schedules: the oldest unpaid instalment counts, as everywhere else
    with_instalments = set(
        session.scalars(
            select(Receivable.case_id)
            .join(Instalment, Instalment.receivable_id == Receivable.id)
            .where(Receivable.case_id.in_(case_ids))
        )
    )
    for cid in sorted(with_instalments):
        case = session.get(Case, cid)
        session.refresh(case)
        refresh_balances(case)
    session.flush()
