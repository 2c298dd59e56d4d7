"""Promises to pay: kept or broken by themselves, from payments and the calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


PROMISE_LABELS = {
    PromiseStatus.OPEN: "待履行",
    PromiseStatus.KEPT: "已兑现",
    PromiseStatus.BROKEN: "已违约",
}


def promise_status(
    amount: Decimal, due: date, paid_since_promise: Decimal, today: date
) -> PromiseStatus:
    """Kept once payments since the promise reach its amount; broken the day after ``due``."""
    if paid_since_promise >= amount:
        return PromiseStatus.KEPT
    if today > due:
        return PromiseStatus.BROKEN
    return PromiseStatus.OPEN
