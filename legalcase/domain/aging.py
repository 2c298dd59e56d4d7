"""Aging: days overdue, tiers, and how payments settle receivables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .money import ZERO


class Tier(StrEnum):
    CURRENT = "current"
    D1_30 = "1-30"
    D31_60 = "31-60"
    D61_90 = "61-90"
    D90_PLUS = "90+"


TIER_LABELS = {
    Tier.CURRENT: "未逾期",
    Tier.D1_30: "逾期1-30天",
    Tier.D31_60: "逾期31-60天",
    Tier.D61_90: "逾期61-90天",
    Tier.D90_PLUS: "逾期90天以上",
}

# Inclusive bounds of days overdue for each tier (None = open-ended).
TIER_BOUNDS: dict[Tier, tuple[int | None, int | None]] = {
    Tier.CURRENT: (None, 0),
    Tier.D1_30: (1, 30),
    Tier.D31_60: (31, 60),
    Tier.D61_90: (61, 90),
    Tier.D90_PLUS: (91, None),
}


def days_overdue(due: date | None, today: date) -> int:
    """Days past ``due``; 0 when not yet due or nothing is owed."""
    if due is None:
        return 0
    return max(0, (today - due).days)


def tier_for(days: int) -> Tier:
    for tier, (low, high) in TIER_BOUNDS.items():
        if (low is None or days >= low) and (high is None or days <= high):
            return tier
    raise AssertionError(days)  # pragma: no cover - the bounds cover every int


@dataclass(frozen=True)
class Slice:
    """One instalment (or a whole receivable) of a debt: what is due and when."""

    key: object
    due_date: date
    amount: Decimal


def allocate(slices: Sequence[Slice], paid: Decimal) -> list[tuple[Slice, Decimal]]:
    """Settle ``paid`` against ``slices`` earliest due first (CC 560); return what stays open."""
    remaining = paid
    open_parts: list[tuple[Slice, Decimal]] = []
    for s in sorted(slices, key=lambda s: (s.due_date, str(s.key))):
        covered = min(s.amount, remaining)
        remaining -= covered
        left = s.amount - covered
        if left > ZERO:
            open_parts.append((s, left))
    return open_parts


def oldest_unpaid_due(slices: Sequence[Slice], paid: Decimal) -> date | None:
    """Due date of the earliest slice not fully paid, or None when all is paid."""
    open_parts = allocate(slices, paid)
    return open_parts[0][0].due_date if open_parts else None


def overdue_amount(slices: Sequence[Slice], paid: Decimal, today: date) -> Decimal:
    return sum((left for s, left in allocate(slices, paid) if s.due_date < today), ZERO)
