"""A case's deadlines from its recorded facts: one limitation per open receivable, the guarantee
of each guaranteed contract, and the deadlines each court event gives rise to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import WorkCalendar
from .deadlines import Claim, Deadline, Event, compute

KIND_LABELS = {
    "limitation": "诉讼时效",
    "guarantee_period": "保证期间",
    "guarantor_limitation": "保证人诉讼时效",
    "appeal": "上诉期限",
    "enforcement_application": "申请执行期限",
    "sue_after_preservation": "诉前保全后起诉期限",
    "freeze_expiry": "保全期限届满",
    "freeze_renewal_apply_by": "申请续行保全截止",
}
STATUS_LABELS = {
    "running": "进行中",
    "expired": "已届满",
    "interrupted_by_proceedings": "诉讼/仲裁中",
    "satisfied": "已满足",
    "lost": "已丧失",
}


@dataclass(frozen=True, slots=True)
class Debt:
    key: str  # e.g. "receivable:12"
    label: str  # shown in the basis, e.g. the invoice number
    due_date: date  # due date, or the last instalment's (CC 189)
    jurisdiction: str = "CN"


@dataclass(frozen=True, slots=True)
class Guarantee:
    key: str  # e.g. "guarantee:3" (one per guarantor of a contract)
    label: str  # names the contract and the guarantor
    type: str  # joint | general
    period_end: date | None
    due_date: date  # the earliest unpaid due date of the guaranteed debt
    jurisdiction: str = "CN"
    party_id: int | None = None  # the guarantor (a demand on another guarantor does not count)


@dataclass(frozen=True, slots=True)
class KeyedDeadline:
    source_key: str
    deadline: Deadline


def derive(
    debts: list[Debt],
    guarantees: list[Guarantee],
    events: list[tuple[str, Event]],
    as_of: date,
    cal: WorkCalendar,
) -> list[KeyedDeadline]:
    """``events`` pairs a source key (e.g. "court_event:4") with each event."""
    plain = tuple(e for _, e in events)
    out: list[KeyedDeadline] = []
    for debt in debts:
        (lim,) = compute(
            Claim(debt.jurisdiction, debt.due_date, plain), as_of, cal, per_event=False
        )
        lim.basis = f"{debt.label}：{lim.basis}"
        out.append(KeyedDeadline(debt.key, lim))
    for g in guarantees:
        claim = Claim(g.jurisdiction, g.due_date, plain, g.type, g.period_end, g.party_id)
        for d in compute(claim, as_of, cal, limitation=False, per_event=False):
            d.basis = f"{g.label}：{d.basis}"
            out.append(KeyedDeadline(g.key, d))
    if any(e.type in ("judgment", "preservation") for e in plain):
        anchor = debts[0].due_date if debts else as_of
        for d in compute(Claim("CN", anchor, plain), as_of, cal, limitation=False):
            out.append(KeyedDeadline(events[d.ref][0], d))
    return out
