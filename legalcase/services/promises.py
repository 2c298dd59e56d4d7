"""Promises to pay become kept, partly kept or broken by themselves.

Partly kept (``PromiseStatus.PARTLY_KEPT``): by the promised date something but not all of
the promised amount was paid. It is its own final status, neither kept nor broken."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, object_session

from legalcase.domain.money import ZERO, format_money
from legalcase.domain.promises import PROMISE_LABELS, PromiseStatus, promise_status
from legalcase.models import Case, Payment, Promise
from legalcase.models.base import utcnow

from .balances import Difference, chunks
from .clock import today as clock_today


def effective_status(promise: Promise, today: date, paid: Decimal | None = None) -> PromiseStatus:
    """The status a person should see today, even before the nightly sweep has run: an open
    promise past its date is partly kept or broken by what was ``paid`` in its window (read
    from the promise's session when not given)."""
    status = PromiseStatus(promise.status)
    if status == PromiseStatus.OPEN and today > promise.due_date:
        if paid is None:
            paid = _paid_in_window(object_session(promise), promise)
        return promise_status(promise.amount, promise.due_date, paid, today)
    return status


def _paid_in_window(session: Session | None, promise: Promise) -> Decimal:
    if session is None:
        return ZERO
    total = session.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.case_id == promise.case_id,
            Payment.paid_date >= promise.made_date,
            Payment.paid_date <= promise.due_date,
        )
    )
    return total or ZERO


def paid_in_windows(session: Session, case_ids: list[int] | None) -> dict[int, Decimal]:
    """Promise id -> what its case was paid from the day it was made to its due date, for
    the promises of ``case_ids`` (None: all) that were paid anything."""
    stmt = (
        select(Promise.id, func.sum(Payment.amount))
        .join(
            Payment,
            and_(
                Payment.case_id == Promise.case_id,
                Payment.paid_date >= Promise.made_date,
                Payment.paid_date <= Promise.due_date,
            ),
        )
        .group_by(Promise.id)
    )
    if case_ids is not None:
        stmt = stmt.where(Promise.case_id.in_(case_ids))
    return {pid: total for pid, total in session.execute(stmt)}


def judge(promise: Promise, paid: dict[int, Decimal], today: date) -> PromiseStatus:
    """The status ``promise`` has by its payments (``paid_in_windows``) and the calendar."""
    return promise_status(promise.amount, promise.due_date, paid.get(promise.id, ZERO), today)


def refresh_promises(
    session: Session,
    case: Case | None = None,
    today: date | None = None,
    recheck: bool = False,
    case_ids: Sequence[int] | None = None,
) -> int:
    """Settle open promises (of one case, of ``case_ids``, or all): kept by payments, broken
    once overdue.

    With ``recheck`` (after a payment was recorded or corrected) every promise of the cases
    is judged again. The caller owns the commit. Returns how many promises changed.
    """
    today = today or clock_today()
    if case is not None:
        case_ids = [case.id]
    changed = 0
    for chunk in chunks(case_ids):
        stmt = select(Promise)
        if not recheck:
            stmt = stmt.where(Promise.status == PromiseStatus.OPEN.value)
        if chunk is not None:
            stmt = stmt.where(Promise.case_id.in_(chunk))
        promises = list(session.scalars(stmt))
        paid = paid_in_windows(session, chunk) if promises else {}
        for p in promises:
            status = judge(p, paid, today)
            if status.value != p.status:
                p.status = status.value
                p.status_changed_at = utcnow()
                changed += 1
    return changed


def promise_differences(
    session: Session, case_ids: Sequence[int] | None = None, today: date | None = None
) -> list[Difference]:
    """Promises whose stored status is not what their payments make it.

    An open promise past its due date is not counted: the nightly sweep (or the next
    payment) marks it partly kept or broken, and every screen shows it so meanwhile.
    """
    today = today or clock_today()
    out = []
    p = Promise
    for chunk in chunks(case_ids):
        stmt = select(p.id, p.case_id, p.amount, p.due_date, p.status).order_by(p.id)
        if chunk is not None:
            stmt = stmt.where(p.case_id.in_(chunk))
        paid = paid_in_windows(session, chunk)
        for row in session.execute(stmt):
            expected = judge(row, paid, today)
            if effective_status(row, today, paid.get(row.id, ZERO)) != expected:
                what = f"{row.due_date} 到期的还款承诺 {format_money(row.amount)} 的状态"
                out.append(
                    Difference(
                        row.case_id, "promises", row.id, "status", row.status, expected.value, what
                    )
                )
    return out


def status_label(value: str) -> str:
    return PROMISE_LABELS[PromiseStatus(value)]
