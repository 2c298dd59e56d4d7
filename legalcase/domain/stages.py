"""The ladder a case climbs, and the moves allowed between its stages."""

from __future__ import annotations

from enum import StrEnum

from .errors import DomainError


class Stage(StrEnum):
    PRE_LEGAL = "pre_legal"
    DEMAND = "demand"
    MEDIATION = "mediation"  # 诉前调解: between demand and suit
    PRESERVATION = "preservation"
    LITIGATION = "litigation"
    ARBITRATION = "arbitration"
    JUDGMENT = "judgment"
    ENFORCEMENT = "enforcement"
    CLOSED_RECOVERED = "closed_recovered"
    CLOSED_SETTLED = "closed_settled"
    CLOSED_WRITTEN_OFF = "closed_written_off"


STAGE_LABELS: dict[Stage, str] = {
    Stage.PRE_LEGAL: "诉前催收",
    Stage.DEMAND: "函件催告",
    Stage.MEDIATION: "诉前调解",
    Stage.PRESERVATION: "财产保全",
    Stage.LITIGATION: "诉讼",
    Stage.ARBITRATION: "仲裁",
    Stage.JUDGMENT: "判决/裁决",
    Stage.ENFORCEMENT: "强制执行",
    Stage.CLOSED_RECOVERED: "结案（已回收）",
    Stage.CLOSED_SETTLED: "结案（和解）",
    Stage.CLOSED_WRITTEN_OFF: "结案（核销）",
}

CLOSED = frozenset({Stage.CLOSED_RECOVERED, Stage.CLOSED_SETTLED, Stage.CLOSED_WRITTEN_OFF})
# In the court's hands: collection tasks and reminders stop, deadlines keep being watched.
IN_COURT = frozenset(
    {
        Stage.PRESERVATION,
        Stage.LITIGATION,
        Stage.ARBITRATION,
        Stage.JUDGMENT,
        Stage.ENFORCEMENT,
    }
)

# Not yet sued or before an arbitral body: a preservation now is a pre-suit one (30 days to sue).
BEFORE_SUIT = frozenset({Stage.PRE_LEGAL, Stage.DEMAND, Stage.MEDIATION, Stage.PRESERVATION})
# Judged or in enforcement: a new complaint is not the way forward.
JUDGED = frozenset({Stage.JUDGMENT, Stage.ENFORCEMENT})

_FORWARD: dict[Stage, frozenset[Stage]] = {
    Stage.PRE_LEGAL: frozenset({Stage.DEMAND}),
    Stage.DEMAND: frozenset(
        {Stage.MEDIATION, Stage.PRESERVATION, Stage.LITIGATION, Stage.ARBITRATION}
    ),
    # mediation failed: preserve, sue or arbitrate; a confirmed mediation agreement is an
    # effective document like a judgment: performed, or enforced
    Stage.MEDIATION: frozenset(
        {Stage.PRESERVATION, Stage.LITIGATION, Stage.ARBITRATION, Stage.JUDGMENT, Stage.ENFORCEMENT}
    ),
    Stage.PRESERVATION: frozenset({Stage.LITIGATION, Stage.ARBITRATION}),
    Stage.LITIGATION: frozenset({Stage.JUDGMENT}),
    Stage.ARBITRATION: frozenset({Stage.JUDGMENT}),
    Stage.JUDGMENT: frozenset({Stage.ENFORCEMENT}),
    Stage.ENFORCEMENT: frozenset(),
}


def allowed_moves(current: Stage) -> frozenset[Stage]:
    """Stages reachable from ``current``: the next rungs, or closing; closed is final."""
    if current in CLOSED:
        return frozenset()
    return _FORWARD[current] | CLOSED


def check_move(current: Stage, target: Stage, reason: str) -> None:
    """Raise a DomainError unless ``current -> target`` is allowed and a reason is given."""
    if not reason or not reason.strip():
        raise DomainError("reason_required", "请填写变更阶段的原因", {"reason": "请填写原因"})
    if target not in allowed_moves(current):
        allowed = "、".join(STAGE_LABELS[s] for s in sorted(allowed_moves(current))) or "无"
        raise DomainError(
            "illegal_stage_move",
            f"案件不能从“{STAGE_LABELS[current]}”转到“{STAGE_LABELS[target]}”；可转入：{allowed}",
            {"stage": "不允许的阶段变更"},
        )
