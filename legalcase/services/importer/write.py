"""The import itself, in the caller's unit of work, through the services the screens use.

Debtors are created by ``parties.create_parties`` and cases opened by ``cases.open_cases``
(the batch forms of ``create_party`` and ``open_case``); receivables, payments and
allocations are written in sets (the speed of a 100,000-row ledger needs it), each with an
audit row that names its case. Only a paid amount the file dates becomes a payment, allocated
to the invoice of its row alone (so it interrupts limitation of that invoice only, RULES s.2);
a paid amount without a date is added to the invoice's ``paid_before_import``: it lowers what
is owed but is no payment and has no legal effect. Each payment is placed by the allocation rule of
``record_payment`` (``balances.allocate``) and a new invoice is stored with what its payment
allocates to it; then ``balances.store_balances`` brings every paid amount and case balance
in line with the allocations (audited), ``refresh_promises`` re-judges the promises of the
cases that were paid and ``refresh_cases`` their deadlines, as after a payment on a screen.
The existing cases the import changes are locked first. Nothing is committed here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, PermissionDenied
from legalcase.domain.importer import Row
from legalcase.domain.money import ZERO
from legalcase.domain.roles import Role
from legalcase.models import (
    AuditEntry,
    Case,
    Creditor,
    Party,
    Payment,
    PaymentAllocation,
    Receivable,
    User,
)
from legalcase.models.base import utcnow

from ..allocation import allocate_new_cases
from ..audit import set_actor
from ..balances import Owed, allocate, chunks, load_owed, slices_of, store_balances
from ..cases import open_cases
from ..clock import today as clock_today
from ..deadlines import refresh_cases
from ..parties import create_parties
from ..promises import refresh_promises
from ..scope import UNSCOPED
from ..uow import lock_cases
from .plan import Plan


def require_importer(actor: User) -> None:
    """Only legal staff and admins bring ledgers in (the upload is refused before it is read)."""
    if Role(actor.role) not in (Role.ADMIN, Role.LEGAL):
        raise PermissionDenied("只有法务或管理员可以导入台账")


def refuse_bad_rows(p: Plan, skip_bad: bool) -> None:
    """An import with bad rows goes ahead only when the user chose to skip them."""
    if p.errors and not skip_bad:
        raise DomainError(
            "bad_rows", f"有 {len(p.errors)} 行有误，未导入；请改正后重试，或选择跳过错误行"
        )


def apply(
    session: Session,
    actor: User,
    creditor_id: int,
    p: Plan,
    skip_bad: bool = False,
    today: date | None = None,
) -> dict:
    """Write the plan in the caller's transaction; refused while there are bad rows unless
    ``skip_bad``. Returns counts of what was done."""
    require_importer(actor)
    refuse_bad_rows(p, skip_bad)
    if session.get(Creditor, creditor_id) is None:
        raise DomainError("not_found", "债权主体不存在")
    today = today or clock_today()
    matched = _match_debtors(session, p)
    case_of_debtor = _cases_by_debtor(session, creditor_id)
    needed = {_key(r) for r in p.new_receivables}  # debtors that get new invoices
    existing = {case_of_debtor[d] for k in needed if (d := matched[k]) in case_of_debtor}
    lock_cases(session, sorted(existing | p.known_cases))
    set_actor(session, actor.id)
    debtors = _create_debtors(session, actor, p, matched)
    before = set(case_of_debtor.values())
    cases = _cases(session, actor, creditor_id, debtors, case_of_debtor, needed, p)
    opened = sorted(set(cases.values()) - before)
    now = utcnow()
    audit = _Audit(now, actor.id)
    _update_receivables(session, p, now, audit)
    _paid_before_known(session, p, now, audit)
    targets = _allocate(session, p)
    new_ids = _insert_receivables(session, creditor_id, cases, p, targets, now, audit)
    paid_cases = _insert_payments(session, actor, p, targets, new_ids, now, audit)
    audit.write(session)
    touched = sorted(set(cases.values()) | p.known_cases)
    store_balances(session, touched, actor.id)
    promises = refresh_promises(session, today=today, recheck=True, case_ids=paid_cases)
    for chunk in chunks(touched):
        refresh_cases(session, chunk, today)
    # the new cases go to collectors by the allocation rules, as a run from 分案 would
    allocated = allocate_new_cases(session, actor, opened, today) if opened else None
    session.flush()
    return {
        "cases": len(opened),
        "allocated": len(allocated.given) if allocated else 0,
        "debtors": len(p.new_debtors),
        "receivables": len(p.new_receivables),
        "updated": len(p.updated),
        "payments": len(p.payments),
        "paid_before": len(p.paid_before),
        "promises": promises,
        "skipped": len(p.errors),
    }


def _plain(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {
        k: str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v
        for k, v in values.items()
    }


class _Audit:
    """Audit rows of what is written in sets, each with its case; inserted at once."""

    def __init__(self, now: datetime, user_id: int) -> None:
        self.now, self.user_id, self.rows = now, user_id, []

    def add(self, case_id, entity, entity_id, action, before, after) -> None:
        self.rows.append(
            {
                "at": self.now,
                "user_id": self.user_id,
                "case_id": case_id,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "before": _plain(before),
                "after": _plain(after),
            }
        )

    def write(self, session: Session) -> None:
        if self.rows:
            _insert(session, AuditEntry.__table__, self.rows)


# psycopg caches the conversion of a statement of at most 50 parameters only; converting a
# 1,000-row INSERT anew costs more than the round trips that pages of a few rows add
# (30,000 receivables on PostgreSQL: 7.5 s in pages of 1,000 rows, 3.3 s in pages of 5).
_PG_PARAMS_PER_STATEMENT = 50


def _insert(session: Session, table: Table, rows: list[dict], returning: bool = False):
    """Insert many rows in one executemany; with ``returning``, their ids in order."""
    stmt = insert(table)
    if returning:
        stmt = stmt.returning(table.c.id, sort_by_parameter_order=True)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        page = max(1, _PG_PARAMS_PER_STATEMENT // len(rows[0]))
        stmt = stmt.execution_options(insertmanyvalues_page_size=page)
    return conn.execute(stmt, rows)


def _key(row: Row) -> str:
    return row.debtor_code or row.debtor_name


def _match_debtors(session: Session, p: Plan) -> dict[str, int | None]:
    """Each debtor of the file -> the party it is (by code, or by name without one), or None."""
    by_code = dict(
        # By code across every creditor (the code is unique): a debtor another subsidiary
        # already chases is linked, not created twice (services.scope).
        session.execute(
            select(Party.id_code, Party.id)
            .where(Party.id_code.is_not(None))
            .execution_options(**UNSCOPED)
        ).all()
    )
    by_name: dict[str, int] = {}
    for pid, name in session.execute(select(Party.id, Party.name).order_by(Party.id)):
        by_name.setdefault(name, pid)
    return {
        _key(row): by_code.get(row.debtor_code) if row.debtor_code else by_name.get(row.debtor_name)
        for row in p.rows
    }


def _create_debtors(
    session: Session, actor: User, p: Plan, matched: dict[str, int | None]
) -> dict[str, int]:
    """Each debtor of the file -> its party, created (``create_parties``) when unknown."""
    new = {}
    for row in p.rows:
        key = _key(row)
        if matched[key] is None and key not in new:
            new[key] = {"kind": "company", "name": row.debtor_name, "id_code": row.debtor_code}
    created = create_parties(session, actor, list(new.values())) if new else []
    ids = {key: party.id for key, party in zip(new, created, strict=True)}
    return {key: pid if pid is not None else ids[key] for key, pid in matched.items()}


def _cases_by_debtor(session: Session, creditor_id: int) -> dict[int, int]:
    """Debtor id -> its oldest open case with this creditor."""
    out: dict[int, int] = {}
    for cid, did in session.execute(
        select(Case.id, Case.debtor_id)
        .where(Case.creditor_id == creditor_id, ~Case.stage.startswith("closed"))
        .order_by(Case.id)
    ):
        out.setdefault(did, cid)
    return out


def _cases(
    session: Session,
    actor: User,
    creditor_id: int,
    debtors: dict[str, int],
    case_of_debtor: dict[int, int],
    needed: set[str],
    p: Plan,
) -> dict[str, int]:
    """The open case of each debtor with new invoices, opened (``open_cases``) if there is none."""
    first_row = {}
    for row in p.rows:
        first_row.setdefault(_key(row), row)
    missing = {}  # debtor id -> the first of its rows (a debtor may be named two ways)
    for key in sorted(needed):
        if debtors[key] not in case_of_debtor:
            missing.setdefault(debtors[key], first_row[key])
    items = [
        {
            "creditor_id": creditor_id,
            "debtor_id": did,
            "owner_id": actor.id,
            "title": f"{row.debtor_name}货款",
            "risk_level": "medium",
            "currency": row.currency,
        }
        for did, row in missing.items()
    ]
    if items:
        for case in open_cases(
            session, actor, items, reason="由台账导入立案", debtors_known_by_code=True
        ):
            case_of_debtor[case.debtor_id] = case.id
    return {key: case_of_debtor[debtors[key]] for key in needed}


_UPDATED = ("amount", "issue_date", "due_date")


def _update_receivables(session: Session, p: Plan, now, audit: _Audit) -> None:
    if not p.updated:
        return
    table = Receivable.__table__
    old = {}
    for chunk in chunks([rid for _, rid in p.updated]):
        stmt = select(table.c.id, table.c.case_id, *(table.c[f] for f in _UPDATED))
        old.update({row.id: row for row in session.execute(stmt.where(table.c.id.in_(chunk)))})
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("rid"))
        .values(
            amount=bindparam("v_amount"),
            issue_date=bindparam("v_issue_date"),
            due_date=bindparam("v_due_date"),
            updated_at=now,
        ),
        [{"rid": rid, **{f"v_{f}": getattr(r, f) for f in _UPDATED}} for r, rid in p.updated],
    )
    for r, rid in p.updated:
        before = {
            f: getattr(old[rid], f) for f in _UPDATED if getattr(old[rid], f) != getattr(r, f)
        }
        after = {f: getattr(r, f) for f in before}
        audit.add(
            old[rid].case_id, "receivables", rid, "update", before, {**after, "source": "import"}
        )


def _paid_before_known(session: Session, p: Plan, now, audit: _Audit) -> None:
    """Add the undated paid amounts of known invoices to their ``paid_before_import`` (their
    ``paid_amount`` and the case figures follow in ``store_balances``)."""
    new = {r.invoice_no for r in p.new_receivables}
    known = [(p.known_ids[r.invoice_no], a) for r, a in p.paid_before if r.invoice_no not in new]
    if not known:
        return
    table = Receivable.__table__
    old = {}
    for chunk in chunks([rid for rid, _ in known]):
        stmt = select(table.c.id, table.c.case_id, table.c.paid_before_import)
        old.update({row.id: row for row in session.execute(stmt.where(table.c.id.in_(chunk)))})
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("rid"))
        .values(paid_before_import=bindparam("v_paid", type_=table.c.paid_before_import.type))
        .values(updated_at=now),
        [{"rid": rid, "v_paid": old[rid].paid_before_import + a} for rid, a in known],
    )
    for rid, a in known:
        before = {"paid_before_import": old[rid].paid_before_import}
        after = {"paid_before_import": old[rid].paid_before_import + a, "source": "import"}
        audit.add(old[rid].case_id, "receivables", rid, "update", before, after)


def _allocate(session: Session, p: Plan) -> list[tuple[Row, Decimal, Owed]]:
    """Each payment with the receivable it settles, placed by the allocation rule of
    ``record_payment``. A new invoice is the ``Owed`` its row describes (id 0, nothing paid)."""
    known = load_owed(session, sorted(set(p.known_ids.values())))
    new = {r.invoice_no for r in p.new_receivables}
    out = []
    for row, amount in p.payments:
        if row.invoice_no in new:
            target = Owed(0, 0, row.amount, ZERO, slices_of(row.amount, row.due_date))
        else:
            target = known[p.known_ids[row.invoice_no]]
        placed = allocate(amount, [target])
        if sum((part for _, part in placed), ZERO) != amount:
            raise DomainError(
                "changed", f"发票 {row.invoice_no} 的回款在预览后有变化，请重新预览后再导入"
            )
        out.append((row, amount, target))
        if target.id:
            known[target.id] = replace(target, paid=target.paid + amount)
    return out


def _insert_receivables(
    session: Session,
    creditor_id: int,
    cases: dict[str, int],
    p: Plan,
    targets: list[tuple[Row, Decimal, Owed]],
    now: datetime,
    audit: _Audit,
) -> dict[str, tuple[int, int]]:
    """The new invoices, each stored with what its payment (inserted next) allocates to it.

    Returns invoice number -> (receivable id, case id)."""
    if not p.new_receivables:
        return {}
    paid = {row.invoice_no: amount for row, amount, target in targets if not target.id}
    before = {row.invoice_no: amount for row, amount in p.paid_before}
    table = Receivable.__table__
    values = [
        {
            "case_id": cases[_key(r)],
            "creditor_id": creditor_id,
            "invoice_no": r.invoice_no,
            "amount": r.amount,
            "currency": r.currency,
            "issue_date": r.issue_date,
            "due_date": r.due_date,
            "paid_amount": paid.get(r.invoice_no, ZERO) + before.get(r.invoice_no, ZERO),
            "paid_before_import": before.get(r.invoice_no, ZERO),
            "created_at": now,
            "updated_at": now,
        }
        for r in p.new_receivables
    ]
    ids = _insert(session, table, values, returning=True)
    out = {}
    for v, (rid,) in zip(values, ids, strict=True):
        audit.add(v["case_id"], "receivables", rid, "create", None, {**v, "source": "import"})
        out[v["invoice_no"]] = (rid, v["case_id"])
    return out


def _insert_payments(
    session: Session,
    actor: User,
    p: Plan,
    targets: list[tuple[Row, Decimal, Owed]],
    new_ids: dict[str, tuple[int, int]],
    now: datetime,
    audit: _Audit,
) -> list[int]:
    """The new payments and their allocations; returns the cases that were paid."""
    if not targets:
        return []
    payments, allocations = [], []
    for row, amount, target in targets:
        rid, cid = (target.id, target.case_id) if target.id else new_ids[row.invoice_no]
        allocations.append({"receivable_id": rid, "amount": amount})
        payments.append(
            {
                "case_id": cid,
                "paid_date": row.payment_date,  # the plan makes only dated rows payments
                "amount": amount,
                "currency": row.currency,
                "method": "bank",
                "reference": f"导入 {row.invoice_no}",
                "recorded_by_id": actor.id,
                "created_at": now,
            }
        )
    table = Payment.__table__
    ids = _insert(session, table, payments, returning=True)
    for v, (pid,), a in zip(payments, ids, allocations, strict=True):
        a["payment_id"] = pid
        allocated = [{"receivable_id": a["receivable_id"], "amount": str(a["amount"])}]
        after = {**v, "allocations": allocated, "source": "import"}
        audit.add(v["case_id"], "payments", pid, "create", None, after)
    _insert(session, PaymentAllocation.__table__, allocations)
    return sorted({v["case_id"] for v in payments})
