"""A case's claim after a money judgment (RULES.md section 6): the judgment money still unpaid
plus delayed-performance interest, itemised.

The case's money judgment is its latest judgment or ruling (incl. a mediation document) that
records what it awarded, with an effective date and a performance date. Payments dated on or
after its effective date are payments after the judgment: they go to the judgment money
(costs, then the ordinary-interest part, then the rest), and only when that is all paid to the
delayed-performance interest, which runs at 0.0175% a day on the unpaid judgment money less
its unpaid ordinary interest from the day after the performance period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.chinese import amount_in_capitals
from legalcase.domain.court_fields import ENFORCEABLE_KINDS
from legalcase.domain.interest import InterestResult, Judgment, Line, Payment
from legalcase.domain.judgment_money import judgment_money
from legalcase.domain.money import ZERO
from legalcase.models import Case, CourtEvent
from legalcase.models import Payment as PaymentRow

# judgments, rulings and confirmed mediation agreements (domain.court_fields)
MONEY_JUDGMENT_KINDS = ENFORCEABLE_KINDS


def money_judgment(
    session: Session, case_id: int, court_events: list[CourtEvent] | None = None
) -> CourtEvent | None:
    """The case's latest judgment or ruling that records money awarded, or None (from
    ``court_events`` when the caller has loaded them: the case page)."""
    if court_events is not None:
        money = [
            e
            for e in court_events
            if e.kind in MONEY_JUDGMENT_KINDS
            and e.awarded_principal is not None
            and e.effective_date is not None
            and e.performance_due is not None
        ]
        return max(money, key=lambda e: (e.effective_date, e.id), default=None)
    return session.scalar(
        select(CourtEvent)
        .where(
            CourtEvent.case_id == case_id,
            CourtEvent.kind.in_(MONEY_JUDGMENT_KINDS),
            CourtEvent.awarded_principal.is_not(None),
            CourtEvent.effective_date.is_not(None),
            CourtEvent.performance_due.is_not(None),
        )
        .order_by(CourtEvent.effective_date.desc(), CourtEvent.id.desc())
        .limit(1)
    )


def judgment_of(event: CourtEvent, payments: list[PaymentRow], as_of: date) -> Judgment:
    """The interest engine's judgment input (RULES.md section 8) for ``event``."""
    after = tuple(
        Payment(p.paid_date, p.amount)
        for p in sorted(payments, key=lambda p: (p.paid_date, p.id or 0))
        if event.effective_date <= p.paid_date <= as_of
    )
    return Judgment(
        amount=event.awarded_total,
        performance_due=event.performance_due,
        ordinary_interest=event.awarded_interest or ZERO,
        payments=after,
        costs=event.awarded_costs or ZERO,
    )


@dataclass
class JudgmentClaim(InterestResult):
    """The claim after a judgment: ``judgment_outstanding`` and ``delayed_performance_interest``.
    The judgment replaced the claim before it; ``principal_outstanding``, ``interest_outstanding``
    and ``costs_outstanding`` are the unpaid parts of the judgment money (the principal awarded
    is the case's amount owed on every screen, as before a judgment)."""

    event: CourtEvent | None = None
    awarded_principal: Decimal = ZERO
    awarded_interest: Decimal = ZERO
    awarded_costs: Decimal = ZERO
    paid_after: Decimal = ZERO  # payments on or after the effective date, up to as_of
    costs_left: Decimal = ZERO
    ordinary_left: Decimal = ZERO
    principal_left: Decimal = ZERO
    items: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def awarded_total(self) -> Decimal:
        return self.awarded_principal + self.awarded_interest + self.awarded_costs

    @property
    def total(self) -> Decimal:
        """The unpaid judgment money and the delayed-performance interest: the principal,
        ordinary interest and costs left are parts of the judgment money, not added to it."""
        return self.judgment_outstanding + self.delayed_performance_interest

    def to_json(self) -> dict:
        out = super().to_json()
        e = self.event
        out["judgment"] = {
            "court_event_id": e.id if e else None,
            "kind": e.kind if e else None,
            "court": e.court_name if e else None,
            "document_number": e.document_number if e else None,
            "effective_date": e.effective_date.isoformat() if e else None,
            "performance_due": e.performance_due.isoformat() if e else None,
            "awarded_principal": f"{self.awarded_principal:.2f}",
            "awarded_interest": f"{self.awarded_interest:.2f}",
            "awarded_costs": f"{self.awarded_costs:.2f}",
            "awarded_total": f"{self.awarded_total:.2f}",
            "paid_after_judgment": f"{self.paid_after:.2f}",
            "costs_outstanding": f"{self.costs_left:.2f}",
            "ordinary_interest_outstanding": f"{self.ordinary_left:.2f}",
            "principal_outstanding": f"{self.principal_left:.2f}",
        }
        return out


def judgment_claim(
    session: Session,
    case: Case,
    as_of: date,
    payments: list[PaymentRow] | None = None,
    court_events: list[CourtEvent] | None = None,
) -> JudgmentClaim | None:
    """The case's claim after its money judgment as of ``as_of``, or None without one."""
    event = money_judgment(session, case.id, court_events)
    if event is None:
        return None
    if payments is None:
        payments = list(session.scalars(select(PaymentRow).where(PaymentRow.case_id == case.id)))
    j = judgment_of(event, payments, as_of)
    owed = judgment_money(
        j.amount, j.ordinary_interest, j.performance_due, j.payments, as_of, j.costs
    )
    principal = event.awarded_principal or ZERO
    awarded = Line(
        f"生效法律文书确定的金额（{event.document_number or '判决'}）：本金 {principal:,.2f}、"
        f"一般债务利息 {j.ordinary_interest:,.2f}、诉讼费等 {j.costs:,.2f}",
        event.effective_date,
        event.performance_due,
        0,
        j.amount,
        None,
        j.amount,
    )
    result = JudgmentClaim(  # the parts of the unpaid judgment money (see ``total``)
        principal_outstanding=owed.rest_outstanding,
        interest_outstanding=owed.ordinary_outstanding,
        costs_outstanding=owed.costs_outstanding,
        judgment_outstanding=owed.judgment_outstanding,
        delayed_performance_interest=owed.delayed_interest,
        lines=[awarded, *owed.lines],
        event=event,
        awarded_principal=principal,
        awarded_interest=j.ordinary_interest,
        awarded_costs=j.costs,
        paid_after=sum((p.amount for p in j.payments), ZERO),
        costs_left=owed.costs_outstanding,
        ordinary_left=owed.ordinary_outstanding,
        principal_left=owed.rest_outstanding,
    )
    result.items = [
        ("尚欠诉讼费、保全费等", owed.costs_outstanding),
        ("尚欠判决确定的一般债务利息", owed.ordinary_outstanding),
        ("尚欠判决确定的本金", owed.rest_outstanding),
        ("迟延履行期间的加倍部分债务利息", owed.delayed_interest),
    ]
    return result


def judgment_figures(claim: InterestResult) -> dict:
    """The judgment's figures for documents (the 强制执行申请书's ``judgment``): empty strings
    and ``awarded`` False when the claim is not a claim after a money judgment."""
    keys = (
        "awarded_principal",
        "awarded_interest",
        "awarded_costs",
        "awarded_total",
        "paid",
        "costs_outstanding",
        "interest_outstanding",
        "principal_outstanding",
        "outstanding",
        "delayed_interest",
        "total",
    )
    if not isinstance(claim, JudgmentClaim):
        return {"awarded": False} | dict.fromkeys(keys, "") | {"outstanding_cn": "", "total_cn": ""}
    values = (
        claim.awarded_principal,
        claim.awarded_interest,
        claim.awarded_costs,
        claim.awarded_total,
        claim.paid_after,
        claim.costs_left,
        claim.ordinary_left,
        claim.principal_left,
        claim.judgment_outstanding,
        claim.delayed_performance_interest,
        claim.total,
    )
    out: dict = {"awarded": True}
    out |= {k: f"{v:,.2f}" for k, v in zip(keys, values, strict=True)}
    out["outstanding_cn"] = amount_in_capitals(claim.judgment_outstanding)
    out["total_cn"] = amount_in_capitals(claim.total)
    return out


def judgment_outstanding(session: Session, case_ids: list[int]) -> dict[int, Decimal]:
    """Case id -> its unpaid judgment money (costs, ordinary interest and principal awarded,
    less every payment since the effective date), for the cases of ``case_ids`` that have a
    money judgment. It does not depend on a date (the delayed-performance interest does)."""
    return {cid: m.judgment_outstanding for cid, (_, m) in _judged(session, case_ids).items()}


def judged_principal(session: Session, case_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Case id -> (principal awarded, principal of it still unpaid) for the cases with a money
    judgment: the case's stored figures after judgment (services.balances). Payments go to
    costs, then ordinary interest, then the rest, and only then to the delayed-performance
    interest, so what is left of the principal does not depend on a date."""
    return {
        cid: (event.awarded_principal or ZERO, m.rest_outstanding)
        for cid, (event, m) in _judged(session, case_ids).items()
    }


def _judged(session: Session, case_ids: list[int]) -> dict[int, tuple[CourtEvent, object]]:
    out: dict[int, tuple[CourtEvent, object]] = {}
    for chunk in (case_ids[i : i + 500] for i in range(0, len(case_ids), 500)):
        events = session.scalars(
            select(CourtEvent)
            .where(
                CourtEvent.case_id.in_(chunk),
                CourtEvent.kind.in_(MONEY_JUDGMENT_KINDS),
                CourtEvent.awarded_principal.is_not(None),
                CourtEvent.effective_date.is_not(None),
                CourtEvent.performance_due.is_not(None),
            )
            .order_by(CourtEvent.effective_date, CourtEvent.id)
        )
        latest = {e.case_id: e for e in events}  # the last one per case wins
        if not latest:
            continue
        paid: dict[int, list[PaymentRow]] = {cid: [] for cid in latest}
        for p in session.scalars(select(PaymentRow).where(PaymentRow.case_id.in_(list(latest)))):
            paid[p.case_id].append(p)
        for cid, event in latest.items():
            as_of = max([event.effective_date, *(p.paid_date for p in paid[cid])])
            j = judgment_of(event, paid[cid], as_of)
            owed = judgment_money(
                j.amount, j.ordinary_interest, j.performance_due, j.payments, as_of, j.costs
            )
            out[cid] = (event, owed)
    return out
