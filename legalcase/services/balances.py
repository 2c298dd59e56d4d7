"""The figures stored for speed, each computed from its source by one function.

A receivable's ``paid_amount`` is what is booked to it: the sum of its payment allocations
plus what an import recorded as paid before it. A case's principal, paid, outstanding and
oldest unpaid due date add up its receivables as the case's one amount owed gives them
(``owed.stored_principal``, under the case's allocation setting, RULES.md s.6: the claim's
principal; instalments settled earliest first, ``domain.aging``); a case's
``next_deadline_date`` is stored and checked by ``next_deadline``. The services store them when they write (``refresh_balances`` for one
case, ``store_balances`` for many); ``legalcase check`` compares the stored figures with the
same functions (``balance_differences``) and ``write_differences`` corrects them
with an audit row (case, before, after) for every row changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, object_session

from legalcase.domain.aging import Slice, oldest_unpaid_due
from legalcase.domain.money import ZERO
from legalcase.models import (
    AuditEntry,
    Case,
    Instalment,
    PaymentAllocation,
    Promise,
    Receivable,
)
from legalcase.models.base import utcnow

from .judgments import judged_principal
from .owed import stored_principal

CASE_FIGURES = ("principal_amount", "paid_amount", "outstanding_amount", "oldest_unpaid_due_date")
LABELS = {
    "principal_amount": "应收本金",
    "paid_amount": "已收金额",
    "outstanding_amount": "尚欠金额",
    "oldest_unpaid_due_date": "最早未付到期日",
    "next_deadline_date": "下一期限日",
    "status": "状态",
}
CHUNK = 500  # ids per IN list


# ---- pure figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """One receivable as the balances see it: what it is, what of it is paid, when it falls due."""

    id: int
    case_id: int
    amount: Decimal
    paid: Decimal
    slices: tuple[Slice, ...]

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def oldest_due(self) -> date | None:
        return oldest_unpaid_due(self.slices, self.paid)


def slices_of(
    amount: Decimal, due_date: date, instalments: Iterable[tuple[int, date, Decimal]] = ()
) -> tuple[Slice, ...]:
    """The instalments of a receivable, or the whole of it due on its due date."""
    parts = tuple(Slice(seq, due, part) for seq, due, part in instalments)
    return parts or (Slice(0, due_date, amount),)


def owed(r: Receivable, paid: Decimal | None = None) -> Owed:
    """``r`` as an :class:`Owed`; ``paid`` (its allocations) defaults to what is stored on it.
    What an import recorded as paid before it (``paid_before_import``) counts as paid."""
    instalments = ((i.seq, i.due_date, i.amount) for i in r.instalments)
    return Owed(
        r.id,
        r.case_id,
        r.amount,
        r.paid_amount if paid is None else paid + (r.paid_before_import or ZERO),
        slices_of(r.amount, r.due_date, instalments),
    )


@dataclass(frozen=True)
class CaseFigures:
    principal_amount: Decimal
    paid_amount: Decimal
    outstanding_amount: Decimal
    oldest_unpaid_due_date: date | None


def case_figures(receivables: Iterable[Owed]) -> CaseFigures:
    """A case's balances from its receivables (``paid``: what of each principal is paid)."""
    principal = paid = ZERO
    dues = []
    for o in receivables:
        principal += o.amount
        paid += o.paid
        if (due := o.oldest_due) is not None:
            dues.append(due)
    return CaseFigures(principal, paid, principal - paid, min(dues) if dues else None)


def as_owed(session: Session, booked: dict[int, list[Owed]]) -> dict[int, list[Owed]]:
    """The receivables of each case (case id -> its receivables as booked) with ``paid`` what of
    their principal is paid under the case's allocation setting (the case's one amount owed)."""
    items = {cid: [(o.id, o.amount, o.paid) for o in owed] for cid, owed in booked.items()}
    left = stored_principal(session, items)
    return {
        cid: [replace(o, paid=o.amount - left.get(o.id, o.outstanding)) for o in owed]
        for cid, owed in booked.items()
    }


def allocate(amount: Decimal, pool: Iterable[Owed]) -> list[tuple[Owed, Decimal]]:
    """Spread a payment over ``pool``, earliest unpaid due date first (CC 560).

    Returns (receivable, part) for each receivable that takes a part; what exceeds the
    pool's outstanding total is left unplaced (the callers refuse such payments first).
    """
    remaining = amount
    parts = []
    for o in sorted(pool, key=lambda o: (o.oldest_due or date.max, o.id)):
        part = min(o.outstanding, remaining)
        if part <= ZERO:
            continue
        parts.append((o, part))
        remaining -= part
    return parts


# ---- reading the sources -----------------------------------------------------------


def chunks(ids: Sequence[int] | None, size: int = CHUNK) -> Iterator[list[int] | None]:
    """``ids`` in IN-list sized pieces; ``None`` (every case) stays one piece."""
    if ids is None:
        yield None
        return
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def allocated(session: Session, where: ColumnElement[bool] | None = None) -> dict[int, Decimal]:
    """Receivable id -> the sum of its payment allocations, for the receivables ``where``
    selects (a condition on ``Receivable``; None: all)."""
    a = PaymentAllocation
    stmt = select(a.receivable_id, func.sum(a.amount)).group_by(a.receivable_id)
    if where is not None:
        stmt = stmt.join(Receivable, Receivable.id == a.receivable_id).where(where)
    return {rid: total for rid, total in session.execute(stmt)}


def _instalments(session: Session, where: ColumnElement[bool] | None) -> dict[int, list]:
    stmt = select(Instalment.receivable_id, Instalment.seq, Instalment.due_date, Instalment.amount)
    if where is not None:
        stmt = stmt.join(Receivable, Receivable.id == Instalment.receivable_id).where(where)
    out: dict[int, list] = defaultdict(list)
    for rid, seq, due, amount in session.execute(stmt.order_by(Instalment.seq)):
        out[rid].append((seq, due, amount))
    return out


# ---- one case, through the ORM (the screens) ---------------------------------------


def refresh_balances(case: Case) -> None:
    """Store the figures of ``case`` and its receivables: what is booked to each receivable,
    and the case's figures under its allocation setting (``as_owed``).

    Flushes first, so the allocations made in this unit of work count. Changes go through
    the ORM, so the audit log records them.
    """
    session = object_session(case)
    session.flush()
    sums = allocated(session, Receivable.case_id == case.id)
    items = []
    for r in case.receivables:
        o = owed(r, sums.get(r.id, ZERO))
        if r.paid_amount != o.paid:
            r.paid_amount = o.paid
        items.append(o)
    figures = figures_of(session, {case.id: items})[case.id]
    for name in CASE_FIGURES:
        if getattr(case, name) != getattr(figures, name):
            setattr(case, name, getattr(figures, name))


def figures_of(session: Session, booked: dict[int, list[Owed]]) -> dict[int, CaseFigures]:
    """Each case's stored figures: from its receivables under its allocation setting, or,
    after a money judgment, the principal the judgment awarded and what of it is unpaid
    (``judgments.judged_principal``): the claim's ``principal_outstanding`` either way."""
    out = {cid: case_figures(items) for cid, items in as_owed(session, booked).items()}
    for cid, (awarded, left) in judged_principal(session, list(out)).items():
        due = out[cid].oldest_unpaid_due_date if left > ZERO else None
        out[cid] = CaseFigures(awarded, awarded - left, left, due)
    return out


# ---- many cases, in sets (the importer and the check) ------------------------------


@dataclass(frozen=True)
class Difference:
    """A stored figure that is not what its source gives."""

    case_id: int
    entity: str  # the table: cases | receivables | promises
    entity_id: int
    field: str
    stored: object
    expected: object
    what: str  # in Chinese, e.g. "应收款 INV-1 的已收金额"


def _receivables(
    session: Session, where: ColumnElement[bool] | None
) -> list[tuple[Owed, str, Decimal]]:
    """(receivable as its allocations make it, invoice number, stored paid amount)."""
    r = Receivable
    stmt = select(
        r.id, r.case_id, r.invoice_no, r.amount, r.due_date, r.paid_amount, r.paid_before_import
    )
    if where is not None:
        stmt = stmt.where(where)
    sums = allocated(session, where)
    instalments = _instalments(session, where)
    out = []
    for rid, cid, invoice_no, amount, due, stored, before in session.execute(stmt):
        paid = sums.get(rid, ZERO) + before  # allocations + paid before import
        o = Owed(rid, cid, amount, paid, slices_of(amount, due, instalments[rid]))
        out.append((o, invoice_no, stored))
    return out


def _of_cases(chunk: list[int] | None) -> ColumnElement[bool] | None:
    return None if chunk is None else Receivable.case_id.in_(chunk)


def load_owed(session: Session, receivable_ids: Sequence[int]) -> dict[int, Owed]:
    """Receivable id -> the receivable as its allocations make it, for many at once."""
    return {
        o.id: o
        for chunk in chunks(receivable_ids)
        for o, _, _ in _receivables(session, Receivable.id.in_(chunk))
    }


def balance_differences(
    session: Session, case_ids: Sequence[int] | None = None
) -> list[Difference]:
    """Receivables' paid amounts and cases' balances that differ from their sources."""
    out: list[Difference] = []
    for chunk in chunks(case_ids):
        by_case: dict[int, list[Owed]] = defaultdict(list)
        for o, invoice_no, stored in _receivables(session, _of_cases(chunk)):
            by_case[o.case_id].append(o)
            if stored != o.paid:
                what = f"应收款 {invoice_no} 的已收金额"
                out.append(
                    Difference(o.case_id, "receivables", o.id, "paid_amount", stored, o.paid, what)
                )
        cstmt = select(Case.id, *(getattr(Case, f) for f in CASE_FIGURES))
        if chunk is not None:
            cstmt = cstmt.where(Case.id.in_(chunk))
        stored_rows = session.execute(cstmt).all()
        for cid, *_ in stored_rows:
            by_case.setdefault(cid, [])
        figures_by_case = figures_of(session, by_case)
        for cid, *stored in stored_rows:
            figures = figures_by_case[cid]
            for name, value in zip(CASE_FIGURES, stored, strict=True):
                expected = getattr(figures, name)
                if value != expected:
                    out.append(Difference(cid, "cases", cid, name, value, expected, LABELS[name]))
    return out


def _expire(session: Session, keys: set[tuple[str, int]], fields: list[str] | None = None) -> None:
    """Expire the loaded objects of rows written with SQL, so they are read again."""
    for (cls, ident, _token), obj in list(session.identity_map.items()):
        if (cls.__tablename__, ident[0]) in keys:
            session.expire(obj, fields)


# ---- writing corrections -----------------------------------------------------------

_TABLES = {"cases": Case, "receivables": Receivable, "promises": Promise}


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def write_differences(
    session: Session, differences: Iterable[Difference], actor_id: int | None
) -> int:
    """Store the expected figures, with an audit row (case, before, after) per row changed.

    Set-based (one executemany per table and set of fields), for many rows at once; the
    caller holds the locks of the cases and owns the commit. Returns the rows changed.
    """
    now = utcnow()
    rows: dict[tuple[str, int], dict] = {}
    for d in differences:
        row = rows.setdefault(
            (d.entity, d.entity_id), {"case_id": d.case_id, "before": {}, "after": {}}
        )
        row["before"][d.field] = d.stored
        row["after"][d.field] = d.expected
    groups: dict[tuple[str, tuple[str, ...]], list[dict]] = defaultdict(list)
    for (entity, entity_id), row in rows.items():
        fields = tuple(sorted(row["after"]))
        groups[(entity, fields)].append(
            {"_id": entity_id, **{f"v_{f}": row["after"][f] for f in fields}}
        )
    conn = session.connection()
    for (entity, fields), params in groups.items():
        table = _TABLES[entity].__table__
        values = {f: bindparam(f"v_{f}", type_=table.c[f].type) for f in fields}
        values["updated_at"] = now
        if entity == "promises":
            values["status_changed_at"] = now
        conn.execute(update(table).where(table.c.id == bindparam("_id")).values(values), params)
    audit = [
        {
            "at": now,
            "user_id": actor_id,
            "case_id": row["case_id"],
            "entity": entity,
            "entity_id": entity_id,
            "action": "update",
            "before": {k: _plain(v) for k, v in row["before"].items()},
            "after": {k: _plain(v) for k, v in row["after"].items()},
        }
        for (entity, entity_id), row in rows.items()
    ]
    if audit:
        conn.execute(insert(AuditEntry.__table__), audit)
    _expire(session, set(rows))
    return len(rows)


def store_balances(session: Session, case_ids: Sequence[int], actor_id: int | None) -> int:
    """Bring the balances of many cases in line with their sources (the importer's bulk step)."""
    return write_differences(session, balance_differences(session, case_ids), actor_id)
