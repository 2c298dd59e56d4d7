"""Promises to pay become kept or broken by themselves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalcase.domain.money import ZERO
from legalcase.domain.promises import PromiseStatus, promise_status
from legalcase.models import Case, Payment, Promise
from legalcase.models.base import utcnow

from .clock import today as clock_today


def effective_status(promise: Promise, today: date) -> PromiseStatus:
    """The status a person should see today, even before the nightly sweep has run."""
    status = PromiseStatus(promise.status)
    if status == PromiseStatus.OPEN and today > promise.due_date:
        return PromiseStatus.BROKEN
    return status


def _paid_between(session: Session, case_id: int, start: date, end: date) -> Decimal:
    total = session.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.case_id == case_id, Payment.paid_date >= start, Payment.paid_date <= end
        )
    )
    return total or ZERO


def refresh_promises(
    session: Session, case: Case | None = None, today: date | None = None, recheck: bool = False
) -> int:
    """Settle open promises (of one case, or all): kept by payments, broken once overdue.

    With ``recheck`` (after a payment was corrected) every promise of the case is judged
    again. The caller owns the commit. Returns how many promises changed.
    """
    today = today or clock_today()
    stmt = select(Promise)
    if not recheck:
        stmt = stmt.where(Promise.status == PromiseStatus.OPEN.value)
    if case is not None:
        stmt = stmt.where(Promise.case_id == case.id)
    changed = 0
    for p in session.scalars(stmt):
        paid = _paid_between(session, p.case_id, p.made_date, p.due_date)
        status = promise_status(p.amount, p.due_date, paid, today)
        if status.value != p.status:
            p.status = status.value
            p.status_changed_at = utcnow()
            changed += 1
    return changed
