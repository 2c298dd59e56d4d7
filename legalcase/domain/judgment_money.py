"""Money after a judgment (RULES.md sections 6 and 8): payments applied to the judgment money
(costs, then the ordinary-interest part, then the rest) before the delayed-performance interest,
which runs segment by segment on the unpaid judgment money less its unpaid ordinary interest.

Pure: called by ``interest.compute_interest`` for its ``judgment`` input and by the case's
claim after judgment (services/judgments.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from .money import ZERO, to_fen

if TYPE_CHECKING:
    from .interest import Line, Payment

DELAYED_DAILY = Decimal("0.000175")  # 0.0175% per day, CPL 264; SPC 2014 interpretation art. 1
DELAYED_WHAT = "迟延履行期间的加倍部分债务利息（民事诉讼法第264条）"
DELAYED_RATE = "日万分之一点七五"


@dataclass
class JudgmentOutcome:
    costs_outstanding: Decimal  # costs and court fees awarded, unpaid
    ordinary_outstanding: Decimal  # the ordinary-interest part, unpaid
    rest_outstanding: Decimal  # the principal (the rest of the money awarded), unpaid
    delayed_interest: Decimal  # delayed-performance interest accrued and unpaid
    lines: list[Line]

    @property
    def judgment_outstanding(self) -> Decimal:
        return self.costs_outstanding + self.ordinary_outstanding + self.rest_outstanding


def judgment_money(
    amount: Decimal,
    ordinary_interest: Decimal,
    performance_due: date,
    payments: Iterable[Payment],
    as_of: date,
    costs: Decimal = ZERO,
) -> JudgmentOutcome:
    """What is owed on a judgment as of ``as_of``.

    ``amount`` is all money awarded; ``ordinary_interest`` and ``costs`` are parts of it.
    Delayed-performance interest accrues from the day after ``performance_due``; a payment on
    day D closes the segment ending on D (D counted), then is applied costs -> ordinary
    interest -> rest -> delayed-performance interest. Each segment is rounded half-up.
    """
    from .interest import Line  # interest.py imports this module

    left = {
        "costs": costs,
        "ordinary": ordinary_interest,
        "rest": amount - costs - ordinary_interest,
    }
    delayed = ZERO
    counted_to = performance_due
    lines: list[Line] = []

    def accrue(until: date) -> None:
        nonlocal delayed, counted_to
        if until <= counted_to:
            return
        base = left["costs"] + left["rest"]  # unpaid judgment money less its ordinary interest
        days = (until - counted_to).days
        if base <= ZERO:  # all paid but the ordinary interest: nothing accrues
            counted_to = until
            return
        part = to_fen(base * DELAYED_DAILY * days)
        lines.append(Line(DELAYED_WHAT, counted_to, until, days, base, DELAYED_RATE, part))
        delayed += part
        counted_to = until

    labels = (
        ("costs", "诉讼费等费用"),
        ("ordinary", "判决确定的一般债务利息"),
        ("rest", "判决确定的本金"),
    )
    for pay in sorted(payments, key=lambda p: p.date):
        if pay.date > as_of:
            continue
        accrue(pay.date)
        remaining = pay.amount
        for key, label in labels:
            part = min(remaining, left[key])
            if part > ZERO:
                lines.append(
                    Line(
                        f"{pay.date}判决后回款冲抵{label}",
                        pay.date,
                        pay.date,
                        0,
                        pay.amount,
                        None,
                        part,
                    )
                )
                left[key] -= part
                remaining -= part
        part = min(remaining, delayed)
        if part > ZERO:
            lines.append(
                Line(
                    f"{pay.date}判决后回款冲抵迟延履行利息",
                    pay.date,
                    pay.date,
                    0,
                    pay.amount,
                    None,
                    part,
                )
            )
            delayed -= part
            remaining -= part
        if remaining > ZERO:
            lines.append(
                Line(
                    f"{pay.date}判决后回款超出欠款（未冲抵）",
                    pay.date,
                    pay.date,
                    0,
                    pay.amount,
                    None,
                    remaining,
                )
            )
    accrue(as_of)
    return JudgmentOutcome(left["costs"], left["ordinary"], left["rest"], delayed, lines)
