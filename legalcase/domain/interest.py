"""Claim amounts as of a date (RULES.md sections 6 and 8): interest, allocation, judgment interest.

Pure: the LPR table is passed in.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .errors import ValidationFailed
from .interest_checks import Warning, interest_warnings
from .judgment_money import judgment_money
from .money import ZERO, to_fen

LPR_START = date(2019, 8, 20)
DELAYED_DAILY = Decimal("0.000175")  # 0.0175% per day, CPL 264
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Principal:
    ref: str
    amount: Decimal
    due_date: date
    rate: Rate | None = None  # its own rate (a case's receivables under several contracts)


@dataclass(frozen=True, slots=True)
class Rate:
    type: str  # lpr_markup | annual | daily
    value: Decimal  # the markup (0.5 = +50%) or the percent


@dataclass(frozen=True, slots=True)
class Payment:
    date: date
    amount: Decimal
    ref: str | None = None  # booked to this principal item: reduces it, not costs or interest


@dataclass(frozen=True, slots=True)
class Judgment:
    amount: Decimal  # all money awarded
    performance_due: date
    ordinary_interest: Decimal = ZERO  # the part of amount that is ordinary interest
    payments: tuple[Payment, ...] = ()  # paid after the judgment
    costs: Decimal = ZERO  # the part of amount that is costs and court fees


@dataclass(frozen=True, slots=True)
class InterestInput:
    as_of: date
    rate: Rate
    principal: tuple[Principal, ...] = ()
    payments: tuple[Payment, ...] = ()
    costs: Decimal = ZERO
    day_count: int = 365
    judgment: Judgment | None = None


class LprTable:
    """One-year LPR in percent per year, each value in force from its date until the next."""

    def __init__(
        self, rows: list[tuple[date, Decimal]], checked_through: date | None = None
    ) -> None:
        rows = sorted(rows)
        self.dates = [d for d, _ in rows]
        self.rates = [r for _, r in rows]
        # every rate change up to this day is in the table (None: unknown)
        self.checked_through = checked_through

    def on(self, day: date) -> Decimal | None:
        i = bisect_right(self.dates, day)
        return self.rates[i - 1] if i else None


@dataclass
class Line:
    what: str
    start: date
    end: date
    days: int
    base: Decimal
    rate: str | None
    amount: Decimal

    def to_json(self) -> dict:
        return {
            "what": self.what,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "base": f"{self.base:.2f}",
            "rate": self.rate,
            "amount": f"{self.amount:.2f}",
        }


@dataclass
class InterestResult:
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    costs_outstanding: Decimal
    judgment_outstanding: Decimal
    delayed_performance_interest: Decimal
    lines: list[Line]
    warnings: list[Warning] = field(default_factory=list)  # RULES s.6: never refusals
    principal_by_ref: dict[str, Decimal] = field(default_factory=dict)  # item ref -> left

    @property
    def total(self) -> Decimal:
        return (
            self.principal_outstanding
            + self.interest_outstanding
            + self.costs_outstanding
            + self.judgment_outstanding
            + self.delayed_performance_interest
        )

    def to_json(self) -> dict:
        return {
            "principal_outstanding": f"{self.principal_outstanding:.2f}",
            "interest_outstanding": f"{self.interest_outstanding:.2f}",
            "costs_outstanding": f"{self.costs_outstanding:.2f}",
            "judgment_outstanding": f"{self.judgment_outstanding:.2f}",
            "delayed_performance_interest": f"{self.delayed_performance_interest:.2f}",
            "total": f"{self.total:.2f}",
            "lines": [line.to_json() for line in self.lines],
            "warnings": [w.to_json() for w in self.warnings],
        }


def _pct(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _item_rate(item: Principal, i: int, rate: Rate, lpr: LprTable) -> tuple[Decimal, bool, str]:
    """(rate as a fraction, per_day?, how it was fixed) for one principal item."""
    if rate.type == "daily":
        return rate.value / HUNDRED, True, f"约定日利率 {_pct(rate.value)}%"
    if rate.type == "annual":
        return rate.value / HUNDRED, False, f"约定年利率 {_pct(rate.value)}%"
    first_default = item.due_date + timedelta(days=1)
    base = lpr.on(first_default) if first_default >= LPR_START else None
    if base is None:
        raise ValidationFailed(
            {
                f"principal[{i}].due_date": f"违约始于{first_default}，早于2019-08-20，没有LPR可用，请改用约定利率"
            }
        )
    annual = base * (1 + rate.value)
    return (
        annual / HUNDRED,
        False,
        f"违约之日（{first_default}）一年期LPR {_pct(base)}% ×（1+{_pct(rate.value)}）= {_pct(annual)}%/年",
    )


def compute_interest(inp: InterestInput, lpr: LprTable) -> InterestResult:
    items = sorted(enumerate(inp.principal), key=lambda p: (p[1].due_date, p[0]))
    rates = {i: _item_rate(item, i, item.rate or inp.rate, lpr) for i, item in items}
    outstanding = {i: item.amount for i, item in items}
    counted_to = {i: item.due_date for i, item in items}  # interest counted up to this day
    interest = ZERO
    costs = inp.costs
    lines: list[Line] = []

    def accrue(until: date) -> None:
        nonlocal interest
        new = ZERO
        for i, item in items:
            start = counted_to[i]
            if until <= start:
                continue
            days = (until - start).days
            base = outstanding[i]
            counted_to[i] = until
            if base <= ZERO:
                continue
            fraction, per_day, how = rates[i]
            amount = base * fraction * days if per_day else base * fraction * days / inp.day_count
            new += amount
            per = "" if per_day else f"，按{inp.day_count}天/年"
            lines.append(
                Line(f"逾期利息 {item.ref}", start, until, days, base, how + per, to_fen(amount))
            )
        interest += to_fen(new)

    for pay in sorted(inp.payments, key=lambda p: p.date):
        accrue(pay.date)
        left = pay.amount
        if pay.ref is not None:  # booked to one item (allocation ``booked``, RULES s.6)
            for i, item in items:
                part = min(left, outstanding[i]) if item.ref == pay.ref else ZERO
                if part > ZERO:
                    what = f"{pay.date}回款按入账冲抵本金 {item.ref}"
                    lines.append(Line(what, pay.date, pay.date, 0, pay.amount, None, part))
                    outstanding[i] -= part
                    left -= part
            if left > ZERO:
                what = f"{pay.date}回款超出 {pay.ref} 欠款（未冲抵）"
                lines.append(Line(what, pay.date, pay.date, 0, pay.amount, None, left))
            continue
        for what, owed in (("费用", costs), ("利息", interest)):
            part = min(left, owed)
            if part > ZERO:
                lines.append(
                    Line(f"{pay.date}回款冲抵{what}", pay.date, pay.date, 0, pay.amount, None, part)
                )
                left -= part
                if what == "费用":
                    costs -= part
                else:
                    interest -= part
        for i, item in items:
            part = min(left, outstanding[i])
            if part > ZERO:
                lines.append(
                    Line(
                        f"{pay.date}回款冲抵本金 {item.ref}",
                        pay.date,
                        pay.date,
                        0,
                        pay.amount,
                        None,
                        part,
                    )
                )
                outstanding[i] -= part
                left -= part
        if left > ZERO:
            lines.append(
                Line(
                    f"{pay.date}回款超出欠款（未冲抵）",
                    pay.date,
                    pay.date,
                    0,
                    pay.amount,
                    None,
                    left,
                )
            )
    accrue(inp.as_of)

    judgment_left = ZERO
    delayed = ZERO
    if inp.judgment is not None:
        j = inp.judgment
        owed = judgment_money(
            j.amount, j.ordinary_interest, j.performance_due, j.payments, inp.as_of, j.costs
        )
        judgment_left, delayed = owed.judgment_outstanding, owed.delayed_interest
        lines.extend(owed.lines)
    return InterestResult(
        principal_outstanding=sum(outstanding.values(), ZERO),
        interest_outstanding=interest,
        costs_outstanding=costs,
        judgment_outstanding=judgment_left,
        delayed_performance_interest=delayed,
        lines=lines,
        warnings=interest_warnings(inp, lpr),
        principal_by_ref={item.ref: outstanding[i] for i, item in items},
    )
