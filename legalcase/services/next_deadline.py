"""A case's next deadline: the earliest open deadline, passed or not, until it is handled.

A deadline is open while it is active (the facts still give it), unhandled (nobody has marked
it handled with a note) and still to be acted on: running, or passed (expired, lost). A
passed deadline therefore stays the case's next deadline, shown as "已过 N 天", until someone
marks it handled (issue 12 point 7). A provisional deadline (RULES s.1) acts on the earlier of
its date and its unadjusted date. The case's ``next_deadline_date`` is stored by
``store_next_deadlines`` in the transaction that changed the deadlines, and ``legalcase
check`` compares it with ``deadline_differences``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.orm import Session

from legalcase.domain.deadlines import EXPIRED, LOST, RUNNING
from legalcase.models import Case, CaseDeadline

from .balances import LABELS, Difference, _expire, chunks

# Statuses that still call for action: running, or passed without having been met.
OPEN_STATUSES = (RUNNING, EXPIRED, LOST)


class _Dated(Protocol):
    due_date: date | None
    unadjusted_date: date | None
    is_provisional: bool


def acts_on(d: _Dated) -> date | None:
    """The day a stored deadline acts on: its date, or for a provisional one the earlier of its
    date and unadjusted date (RULES s.1)."""
    if d.is_provisional and d.unadjusted_date is not None and d.due_date is not None:
        return min(d.due_date, d.unadjusted_date)
    return d.due_date


def acts_on_expr() -> ColumnElement[date]:
    """:func:`acts_on` in SQL, over ``case_deadlines``."""
    d = CaseDeadline
    return case(
        (
            and_(
                d.is_provisional.is_(True),
                d.unadjusted_date.is_not(None),
                d.unadjusted_date < d.due_date,
            ),
            d.unadjusted_date,
        ),
        else_=d.due_date,
    )


def is_open_expr() -> ColumnElement[bool]:
    """Active, unhandled, dated and still to be acted on (running or passed)."""
    d = CaseDeadline
    return and_(
        d.is_active.is_(True),
        d.is_handled.is_(False),
        d.status.in_(OPEN_STATUSES),
        d.due_date.is_not(None),
    )


def is_open(d: CaseDeadline) -> bool:
    return bool(d.is_active and not d.is_handled and d.status in OPEN_STATUSES and d.due_date)


def next_of(deadlines: Iterable[CaseDeadline]) -> CaseDeadline | None:
    """The case's next deadline among its loaded deadlines (the same rule as the stored date)."""
    open_ = [d for d in deadlines if is_open(d)]
    return min(open_, key=lambda d: (acts_on(d), d.id)) if open_ else None


def days_left(d: _Dated, today: date) -> int:
    """Days until the deadline acts (negative: days since it passed)."""
    return (acts_on(d) - today).days


def next_deadline_expr(case_id: ColumnElement) -> ColumnElement:
    """The case's next deadline: the earliest day its open deadlines act on, passed or not."""
    d = CaseDeadline
    return (
        select(func.min(acts_on_expr()))
        .where(d.case_id == case_id, is_open_expr())
        .scalar_subquery()
    )


def store_next_deadlines(session: Session, case_ids: list[int]) -> None:
    """Set ``next_deadline_date`` of ``case_ids`` from their stored deadlines."""
    cases = Case.__table__
    conn = session.connection()
    for chunk in chunks(case_ids):
        conn.execute(
            update(cases)
            .where(cases.c.id.in_(chunk))
            .values(next_deadline_date=next_deadline_expr(cases.c.id))
        )
    _expire(session, {("cases", cid) for cid in case_ids}, ["next_deadline_date"])


def deadline_differences(
    session: Session, case_ids: Sequence[int] | None = None
) -> list[Difference]:
    """Cases whose stored next deadline is not the one in their deadlines table."""
    out = []
    for chunk in chunks(case_ids):
        stmt = select(Case.id, Case.next_deadline_date, next_deadline_expr(Case.id))
        if chunk is not None:
            stmt = stmt.where(Case.id.in_(chunk))
        for cid, stored, expected in session.execute(stmt):
            if stored != expected:
                field = "next_deadline_date"
                out.append(Difference(cid, "cases", cid, field, stored, expected, LABELS[field]))
    return out
