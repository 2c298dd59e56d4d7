"""A case's claim amount as of a date, itemised, from its receivables, payments and contract terms."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legalcase.domain.interest import (
    InterestInput,
    InterestResult,
    Payment,
    Principal,
    Rate,
    compute_interest,
)
from legalcase.domain.money import ZERO
from legalcase.models import Case, Contract, Receivable
from legalcase.models import Payment as PaymentRow

from .judgments import judgment_claim
from .lpr import lpr_table

# Without an agreed rate: one-year LPR + 50%, the top of the range courts allow in sales
# (SPC sales interpretation 2020 Art. 18); the lawyer may lower it in the calculator.
DEFAULT_RATE = Rate("lpr_markup", Decimal("0.5"))


def contract_rate(contract: Contract | None) -> Rate:
    if contract is not None and contract.late_fee_rate is not None:
        if contract.late_fee_type == "daily_rate":
            return Rate("daily", contract.late_fee_rate)
        if contract.late_fee_type == "annual_rate":
            return Rate("annual", contract.late_fee_rate)
    return DEFAULT_RATE


def claim_for_case(
    session: Session,
    case: Case,
    as_of: date,
    receivables: list[Receivable] | None = None,
    payments: list[PaymentRow] | None = None,
) -> InterestResult:
    """Principal, interest and how each figure was reached, per RULES.md sections 6 and 8.

    Receivables are grouped by the rate their contract sets; each payment goes to the group
    of the receivables it was allocated to, and within a group costs -> interest -> principal.
    """
    if receivables is None:  # the case page passes what it has already loaded
        receivables = list(
            session.scalars(
                select(Receivable)
                .where(Receivable.case_id == case.id)
                .options(selectinload(Receivable.contract))
            )
        )
    if payments is None:
        payments = list(
            session.scalars(
                select(PaymentRow)
                .where(PaymentRow.case_id == case.id)
                .options(selectinload(PaymentRow.allocations))
            )
        )
    judged = judgment_claim(session, case, as_of, payments)  # issue 12 point 3
    if judged is not None:  # after a money judgment the claim is the judgment money
        return judged
    group_of: dict[int, Rate] = {}
    principal: dict[Rate, list[Principal]] = defaultdict(list)
    for r in receivables:
        rate = contract_rate(r.contract)
        group_of[r.id] = rate
        principal[rate].append(Principal(r.invoice_no, r.amount, r.due_date))
    paid: dict[Rate, list[Payment]] = defaultdict(list)
    for p in payments:
        for a in p.allocations:
            paid[group_of[a.receivable_id]].append(Payment(p.paid_date, a.amount))
    table = lpr_table(session)
    results = [
        compute_interest(InterestInput(as_of, rate, tuple(items), tuple(paid[rate])), table)
        for rate, items in principal.items()
    ]
    if not results:
        return InterestResult(ZERO, ZERO, ZERO, ZERO, ZERO, [])
    total = results[0]
    for other in results[1:]:
        total.principal_outstanding += other.principal_outstanding
        total.interest_outstanding += other.interest_outstanding
        total.lines.extend(other.lines)
    return total
