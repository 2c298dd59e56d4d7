"""The case page's later panels (异议, 还款计划, 减免, 诉前调解), read with what the page has.

Which of them the case has is known from the page's first query (``flag_columns`` is folded
into it: one EXISTS per table); only those are read here. The receivables the page loaded
tell whether the case is paused, and the waivers read for the 减免 panel are the ones the
claim takes off (``approved``), so neither is read twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.owed import Waived
from legalcase.models import Dispute
from legalcase.models.mediation import Mediation
from legalcase.models.plans import RepaymentPlan
from legalcase.models.waivers import Waiver

from .disputes import case_disputes
from .mediation import case_mediations
from .owed import waived_of
from .plans import PlanView, case_plans

PANELS = {"disputes": Dispute, "plans": RepaymentPlan, "waivers": Waiver, "mediations": Mediation}


def flag_columns(case_id: int) -> list:
    """One EXISTS column per panel table, in ``PANELS`` order, to add to the case's query."""
    return [
        select(model.id).where(model.case_id == case_id).exists().label(f"has_{name}")
        for name, model in PANELS.items()
    ]


def flags_of(values) -> dict[str, bool]:
    return dict(zip(PANELS, map(bool, values), strict=True))


@dataclass
class CasePanels:
    disputes: list[Dispute] = field(default_factory=list)
    paused: bool = False  # every receivable the case still owes is under an open dispute
    plans: list[PlanView] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    mediations: list[Mediation] = field(default_factory=list)

    @property
    def approved(self) -> list[Waived]:
        """The approved waivers, as the claim takes them off (services.owed)."""
        return waived_of(self.waivers)


def case_panels(session: Session, page) -> CasePanels:
    """``page``: the case page's read model (services.queries.CasePage)."""
    has, case_id = page.has, page.case.id
    out = CasePanels()
    if has.get("disputes"):
        out.disputes = case_disputes(session, case_id)
        disputed = {d.receivable_id for d in out.disputes if d.is_open}
        owing = {r.id for r in page.receivables if r.outstanding > 0}
        out.paused = bool(owing) and owing <= disputed
    if has.get("plans"):
        out.plans = case_plans(session, case_id, page.today, page.payments)
    if has.get("waivers"):
        out.waivers = list(
            session.scalars(
                select(Waiver)
                .where(Waiver.case_id == case_id)
                .options(joinedload(Waiver.decided_by))
                .order_by(Waiver.id.desc())
            )
        )
    if has.get("mediations"):
        out.mediations = case_mediations(session, case_id, details=False)
    return out
