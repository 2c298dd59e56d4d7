"""Collection KPIs by month and targets' achievement, from plain values (pure).

For a month M:
- contact rate within 30 days: of the receivables that fell overdue in M (not settled by
  their due date, payments settling the earliest due first), the share whose case had a
  contact within 30 days of the due date; known once 30 days have passed;
- commitment rate within 60 days: the same receivables, a promise made within 60 days;
- recovery rate: paid in M / (owed at the start of M + invoiced in M);
- promise-kept rate: of the promises due in M (settled), the share kept in full;
- bad-debt rate: what the cases written off in M still owe / owed at the start of M.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import ZERO

CONTACT_TARGET = Decimal("0.85")
COMMITMENT_TARGET = Decimal("0.40")


@dataclass(frozen=True)
class CaseFacts:
    receivables: Sequence[tuple[date, date, Decimal]]  # (issued, due, amount)
    payments: Sequence[tuple[date, Decimal]]
    promises: Sequence[tuple[date, date, str]]  # (made, due, status)
    contacts: Sequence[date]
    written_off: tuple[date, Decimal] | None = None  # (day, what it still owed)


@dataclass(frozen=True)
class MonthKpi:
    month: str  # 2026-11
    fell_overdue: int
    contact_rate: Decimal | None
    commitment_rate: Decimal | None
    recovery_rate: Decimal | None
    promise_kept_rate: Decimal | None
    bad_debt_rate: Decimal | None


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(key: str) -> tuple[date, date]:
    """(first day, first day of the next month)."""
    y, m = int(key[:4]), int(key[5:7])
    return date(y, m, 1), date(y + m // 12, m % 12 + 1, 1)


def last_months(today: date, n: int) -> list[str]:
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def fell_overdue(c: CaseFacts) -> list[date]:
    """The due dates of the receivables not settled by their due date (earliest first)."""
    pays = sorted(c.payments)
    out = []
    owed_before = ZERO
    for _issued, due, amount in sorted(c.receivables, key=lambda r: r[1]):
        owed_before += amount
        paid_by_due = sum((a for d, a in pays if d <= due), ZERO)
        if paid_by_due < owed_before:
            out.append(due)
    return out


def _ratio(num, den) -> Decimal | None:
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001")) if den else None


def _owed_at(c: CaseFacts, day: date) -> Decimal:
    inv = sum((a for i, _, a in c.receivables if i < day), ZERO)
    paid = sum((a for d, a in c.payments if d < day), ZERO)
    return max(inv - paid, ZERO)


def month_kpi(cases: Sequence[CaseFacts], key: str, today: date) -> MonthKpi:
    start, end = month_bounds(key)
    cohort = [(c, due) for c in cases for due in fell_overdue(c) if start <= due < end]
    seen30 = [(c, d) for c, d in cohort if d + timedelta(days=30) <= today]
    seen60 = [(c, d) for c, d in cohort if d + timedelta(days=60) <= today]
    contacted = sum(
        1 for c, d in seen30 if any(d <= x <= d + timedelta(days=30) for x in c.contacts)
    )
    committed = sum(
        1 for c, d in seen60 if any(d <= m <= d + timedelta(days=60) for m, _, _ in c.promises)
    )
    owed_start = sum((_owed_at(c, start) for c in cases), ZERO)
    invoiced = sum((a for c in cases for i, _, a in c.receivables if start <= i < end), ZERO)
    paid = sum((a for c in cases for d, a in c.payments if start <= d < end), ZERO)
    due = [s for c in cases for _, d, s in c.promises if start <= d < end and s != "open"]
    written = sum(
        (c.written_off[1] for c in cases if c.written_off and start <= c.written_off[0] < end),
        ZERO,
    )
    return MonthKpi(
        key,
        len(cohort),
        _ratio(contacted, len(seen30)),
        _ratio(committed, len(seen60)),
        _ratio(paid, owed_start + invoiced),
        _ratio(sum(1 for s in due if s == "kept"), len(due)),
        _ratio(written, owed_start),
    )


def trends(cases: Sequence[CaseFacts], today: date, months: int = 12) -> list[MonthKpi]:
    return [month_kpi(cases, key, today) for key in last_months(today, months)]


@dataclass(frozen=True)
class Achievement:
    """A month's target against what was done; ``share`` None without a target."""

    what: str
    target: Decimal
    actual: Decimal

    @property
    def share(self) -> Decimal | None:
        return _ratio(self.actual, self.target) if self.target > 0 else None


def achievements(
    target: tuple[int, int, Decimal] | None, actual: tuple[int, int, Decimal]
) -> list[Achievement]:
    """(contacts, commitments, recovered) targeted against done."""
    t = target or (0, 0, ZERO)
    names = ("联系次数", "还款承诺", "回款金额")
    return [
        Achievement(n, Decimal(tv), Decimal(av)) for n, tv, av in zip(names, t, actual, strict=True)
    ]
