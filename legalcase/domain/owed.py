"""A case's one amount owed (RULES.md section 6): principal left per receivable and in total,
interest and costs, under the case's allocation setting. Pure: the LPR table is passed in.

- ``booked`` (default): a payment reduces the receivable(s) it is booked to (its allocations),
  as in the creditor's and the debtor's books; interest runs on what remains.
- ``statutory``: each payment goes costs -> interest -> principal (CC 561), across the case's
  receivables earliest due first (CC 560), whatever it was booked to.

Under either setting what an import recorded as paid before it (no date, no legal effect)
lowers its receivable from the start. The principal left does not depend on ``as_of`` (every
payment counts): only interest grows with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from .interest import (
    InterestInput,
    InterestResult,
    Line,
    LprTable,
    Payment,
    Principal,
    Rate,
    compute_interest,
)
from .money import ZERO
from .values import Allocation, WaiverKind


@dataclass(frozen=True, slots=True)
class Debt:
    """One receivable of the case."""

    id: int
    ref: str  # its invoice number, as the claim's lines name it
    amount: Decimal
    due_date: date
    rate: Rate  # the late-payment rate its contract sets
    before: Decimal = ZERO  # paid before import (no date, no legal effect)


@dataclass(frozen=True, slots=True)
class Paid:
    """One payment of the case and the parts of it booked to receivables (debt id, part)."""

    date: date
    amount: Decimal
    booked: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class Waived:
    """An approved waiver (减免) of the case: ``kind`` one of ``WaiverKind`` but principal."""

    id: int
    kind: str
    amount: Decimal
    approved_on: date
    approved_by: str


@dataclass
class Owing:
    """The case's figures: ``principal`` (debt id -> principal left); ``result`` the interest
    engine's figures and lines (None when only the principal was asked for)."""

    allocation: str
    principal: dict[int, Decimal]
    result: InterestResult | None = None
    notes: list[Line] = field(default_factory=list)  # lines the engine does not write
    waived: Decimal = ZERO  # what approved waivers took off the interest and costs

    @property
    def principal_outstanding(self) -> Decimal:
        return sum(self.principal.values(), ZERO)


def _refs(debts: list[Debt]) -> dict[int, str]:
    """A distinct ref per debt (its invoice number; ``#id`` added when two share one)."""
    seen: dict[str, int] = {}
    for d in debts:
        seen[d.ref] = seen.get(d.ref, 0) + 1
    return {d.id: d.ref if seen[d.ref] == 1 else f"{d.ref}#{d.id}" for d in debts}


def owing(
    debts: list[Debt],
    payments: list[Paid],
    allocation: str,
    as_of: date | None = None,
    lpr: LprTable | None = None,
    waivers: Sequence[Waived] = (),
) -> Owing:
    """The case's figures under ``allocation``; with ``as_of`` and ``lpr`` also its interest
    as of that date, itemised. Under ``booked`` the principal is plain arithmetic, so without
    ``lpr`` the engine is not run; ``statutory`` needs the engine (and ``lpr``) either way.

    Approved ``waivers`` lower the interest (penalty interest, late fees) and the costs, each
    with a line saying so, never below zero and never the principal (``apply_waivers``).

    Raises ``ValidationFailed`` (from the engine) when a rate cannot be fixed.
    """
    debts = sorted(debts, key=lambda d: (d.due_date, d.id))  # one order, however read
    refs = _refs(debts)
    notes = [
        Line(f"导入前已付 {refs[d.id]}（无付款日期，不影响时效）", d.due_date, d.due_date, 0,
             d.amount, None, d.before)
        for d in debts
        if d.before > ZERO
    ]  # fmt: skip
    booked = allocation != Allocation.STATUTORY
    if booked:
        principal = {d.id: d.amount - d.before for d in debts}
        for p in payments:
            for debt_id, part in p.booked:
                if debt_id in principal:
                    principal[debt_id] -= part
        if lpr is None or as_of is None:
            return Owing(allocation, principal, None, notes)
    elif lpr is None:
        raise ValueError("the statutory allocation needs the LPR table")
    by_id = {d.id: d for d in debts}
    items = tuple(
        Principal(refs[d.id], d.amount - d.before, d.due_date, rate=d.rate) for d in debts
    )
    if booked:
        paid = tuple(
            Payment(p.date, part, ref=refs[debt_id])
            for p in payments
            for debt_id, part in p.booked
            if debt_id in by_id
        )
        for p in payments:
            unbooked = p.amount - sum((part for _, part in p.booked), ZERO)
            if unbooked > ZERO:
                notes.append(
                    Line(f"{p.date}回款未入账部分（未冲抵）", p.date, p.date, 0, p.amount,
                         None, unbooked)
                )  # fmt: skip
    else:
        paid = tuple(Payment(p.date, p.amount) for p in payments)
    day = as_of if as_of is not None else max((p.date for p in payments), default=date.min)
    rate = debts[0].rate if debts else Rate("annual", ZERO)
    result = compute_interest(InterestInput(day, rate, items, paid), lpr)
    principal = {d.id: result.principal_by_ref.get(refs[d.id], ZERO) for d in debts}
    result, waived = apply_waivers(result, waivers, day)
    return Owing(allocation, principal, result, notes, waived)


def apply_waivers(
    result: InterestResult, waivers: Sequence[Waived], as_of: date
) -> tuple[InterestResult, Decimal]:
    """``result`` with the approved waivers dated on or before ``as_of`` taken off its
    interest or costs (what is left of each, at most), a line for each; and the total taken."""
    interest, costs = result.interest_outstanding, result.costs_outstanding
    lines, total = [], ZERO
    for w in sorted(waivers, key=lambda w: (w.approved_on, w.id)):
        if w.approved_on > as_of or w.kind == WaiverKind.PRINCIPAL:
            continue
        on_costs = w.kind == WaiverKind.COSTS
        left = costs if on_costs else interest
        take = min(w.amount, left)
        if on_costs:
            costs -= take
        else:
            interest -= take
        total += take
        what = (
            f"经批准减免{WaiverKind(w.kind).label}（减免单第{w.id}号，{w.approved_by}"
            f"于{w.approved_on}批准）"
        )
        if take < w.amount:
            what += f"；批准减免 {w.amount:,.2f}，以尚欠数额为限"
        lines.append(Line(what, w.approved_on, w.approved_on, 0, left, None, -take))
    if not lines:
        return result, ZERO
    changed = replace(
        result,
        interest_outstanding=interest,
        costs_outstanding=costs,
        lines=[*result.lines, *lines],
    )
    return changed, total
