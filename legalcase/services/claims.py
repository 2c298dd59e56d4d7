"""A case's claim amount as of a date, itemised, from its receivables, payments and contract terms.

``claim_for_case`` is the one entry point: after a money judgment it is the judgment money
(``judgments``); before, it is the case's one amount owed (``owed.case_owing``) under the
case's allocation setting, so its principal is the one the header, the portfolio and the
documents show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from legalcase.domain.interest import InterestResult, Line
from legalcase.domain.money import ZERO
from legalcase.domain.values import Allocation
from legalcase.models import Case, Receivable
from legalcase.models import Payment as PaymentRow

from .judgments import judgment_claim
from .owed import DEFAULT_RATE, case_owing, contract_rate

__all__ = ["DEFAULT_RATE", "CaseClaim", "claim_for_case", "contract_rate"]


@dataclass
class CaseClaim(InterestResult):
    """The claim before a judgment: the engine's figures and lines, the allocation used and the
    principal left of each receivable (id -> amount; they add up to ``principal_outstanding``)."""

    allocation: str = Allocation.BOOKED.value
    by_receivable: dict[int, Decimal] = field(default_factory=dict)

    @property
    def allocation_label(self) -> str:
        return Allocation(self.allocation).label

    def to_json(self) -> dict:
        out = super().to_json()
        out["allocation"] = self.allocation
        out["allocation_label"] = self.allocation_label
        out["receivables"] = [
            {"receivable_id": rid, "principal_outstanding": f"{left:.2f}"}
            for rid, left in self.by_receivable.items()
        ]
        return out


def claim_for_case(
    session: Session,
    case: Case,
    as_of: date,
    receivables: list[Receivable] | None = None,
    payments: list[PaymentRow] | None = None,
    court_events: list | None = None,
    waived: list | None = None,
) -> InterestResult:
    """Principal, interest and how each figure was reached, per RULES.md sections 6 and 8.

    Under the case's allocation (``booked``: each payment reduces the receivables it is booked
    to; ``statutory``: costs -> interest -> principal, earliest due first); each receivable at
    the rate its contract sets. The first line names the allocation; a line per payment part
    says where it went.
    """
    judged = judgment_claim(session, case, as_of, payments, court_events)  # issue 12 point 3
    if judged is not None:  # after a money judgment the claim is the judgment money
        return judged
    owing = case_owing(session, case, as_of, receivables, payments, waived=waived)
    r = owing.result
    allocation = Allocation(owing.allocation)
    heading = Line(f"冲抵方式：{allocation.label}", as_of, as_of, 0, ZERO, None, ZERO)
    if r is None:  # no receivables and no payments: nothing owed
        return CaseClaim(ZERO, ZERO, ZERO, ZERO, ZERO, [heading], allocation=allocation.value)
    return CaseClaim(
        principal_outstanding=owing.principal_outstanding,
        interest_outstanding=r.interest_outstanding,
        costs_outstanding=r.costs_outstanding,
        judgment_outstanding=r.judgment_outstanding,
        delayed_performance_interest=r.delayed_performance_interest,
        lines=[heading, *owing.notes, *r.lines],
        principal_by_ref=r.principal_by_ref,
        allocation=allocation.value,
        by_receivable=owing.principal,
    )
