"""Repayment plans (还款协议): each instalment kept, late or broken by the payments, and the
acceleration clause (a missed instalment makes the whole balance due). Pure.

Payments made on or after the agreement's date go to the instalments in order (the earliest
first), each until it is paid in full. An instalment is

- kept: paid in full by its due date;
- late: paid in full after its due date but within the grace days;
- broken: not paid in full by the end of the grace days (its due date + ``grace_days``);
- open / grace: not yet due, or due and still within the grace days.

The first broken instalment accelerates the plan: the whole balance falls due on the last
day of its grace (``accelerated_due``), and that is the claim's new due date for limitation
(RULES.md section 2: the agreement itself is the debtor's acknowledgment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .errors import ValidationFailed
from .money import ZERO
from .values import InstalmentStatus, PlanStatus


@dataclass(frozen=True, slots=True)
class Due:
    seq: int
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


@dataclass(frozen=True, slots=True)
class Tracked:
    seq: int
    due_date: date
    amount: Decimal
    paid: Decimal  # paid towards it so far (to ``today``)
    paid_off_on: date | None  # the day it was paid in full
    status: InstalmentStatus

    @property
    def left(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True, slots=True)
class PlanState:
    status: PlanStatus
    instalments: tuple[Tracked, ...]
    accelerated_due: date | None  # the whole balance is due on this day (acceleration)
    broken_seq: int | None
    balance: Decimal  # what of the plan is unpaid

    @property
    def end_date(self) -> date | None:
        """The claim's due date under the plan: the acceleration day, else the last
        instalment's due date (CC 189)."""
        if self.accelerated_due is not None:
            return self.accelerated_due
        return self.instalments[-1].due_date if self.instalments else None


def check_instalments(agreed: date, dues: list[Due], grace_days: int) -> list[str]:
    """Reasons the plan cannot be recorded (field -> message pairs are the caller's)."""
    errors = []
    if not dues:
        errors.append("请至少填写一期还款")
    if grace_days < 0:
        errors.append("宽限天数不能为负数")
    dates = [d.due_date for d in dues]
    if len(set(dates)) != len(dates):
        errors.append("各期还款日不能重复")
    if any(d < agreed for d in dates):
        errors.append("还款日不能早于协议签订日")
    if any(d.principal < ZERO or d.interest < ZERO for d in dues):
        errors.append("金额不能为负数")
    if any(d.amount <= ZERO for d in dues):
        errors.append("每期金额须大于 0")
    return errors


def require_valid(agreed: date, dues: list[Due], grace_days: int) -> None:
    errors = check_instalments(agreed, dues, grace_days)
    if errors:
        raise ValidationFailed({"instalments": "；".join(errors)})


def track(
    agreed: date,
    dues: list[Due],
    payments: list[tuple[date, Decimal]],
    grace_days: int,
    today: date,
) -> PlanState:
    """Each instalment's status and the plan's, from the payments (date, amount) of the case."""
    dues = sorted(dues, key=lambda d: (d.due_date, d.seq))
    paid_in = sorted((day, amt) for day, amt in payments if agreed <= day <= today and amt > 0)
    grace = timedelta(days=grace_days)
    pool = list(paid_in)
    out: list[Tracked] = []
    broken: Tracked | None = None
    for d in dues:
        need, paid, off_on = d.amount, ZERO, None
        while pool and paid < need:
            day, amt = pool[0]
            take = min(amt, need - paid)
            paid += take
            if take == amt:
                pool.pop(0)
            else:
                pool[0] = (day, amt - take)
            if paid == need:
                off_on = day
        last_day = d.due_date + grace
        if off_on is not None and off_on <= d.due_date:
            status = InstalmentStatus.KEPT
        elif off_on is not None and off_on <= last_day:
            status = InstalmentStatus.LATE
        elif today > last_day:
            status = InstalmentStatus.BROKEN
        elif today > d.due_date:
            status = InstalmentStatus.GRACE
        else:
            status = InstalmentStatus.OPEN
        t = Tracked(d.seq, d.due_date, d.amount, paid, off_on, status)
        out.append(t)
        if status == InstalmentStatus.BROKEN and broken is None:
            broken = t
    balance = sum((t.left for t in out), ZERO)
    if broken is not None:
        return PlanState(
            PlanStatus.ACCELERATED, tuple(out), broken.due_date + grace, broken.seq, balance
        )
    status = PlanStatus.COMPLETED if out and balance == ZERO else PlanStatus.ACTIVE
    return PlanState(status, tuple(out), None, None, balance)


def reminder_date(due: date, remind_days: int) -> date:
    """The day the reminder of an instalment goes out (a task for the case owner)."""
    return due - timedelta(days=max(remind_days, 0))
