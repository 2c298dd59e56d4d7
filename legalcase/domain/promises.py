"""Promises to pay: kept, partly kept or broken by themselves, from payments and the calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    # some but not all of the promised amount paid by the promised date (the stored code is
    # short: the status column holds 8 characters)
    PARTLY_KEPT = "partial"
    BROKEN = "broken"


PROMISE_LABELS = {
    PromiseStatus.OPEN: "待履行",
    PromiseStatus.KEPT: "已兑现",
    PromiseStatus.PARTLY_KEPT: "部分兑现",
    PromiseStatus.BROKEN: "已违约",
}

# Settled: the promised date has passed (or the whole amount is paid).
SETTLED = (PromiseStatus.KEPT, PromiseStatus.PARTLY_KEPT, PromiseStatus.BROKEN)


def promise_status(
    amount: Decimal, due: date, paid_since_promise: Decimal, today: date
) -> PromiseStatus:
    """Kept once payments since the promise reach its amount; the day after ``due`` partly
    kept if something but not all of it was paid by then, broken if nothing was."""
    if paid_since_promise >= amount:
        return PromiseStatus.KEPT
    if today > due:
        return PromiseStatus.PARTLY_KEPT if paid_since_promise > 0 else PromiseStatus.BROKEN
    return PromiseStatus.OPEN
