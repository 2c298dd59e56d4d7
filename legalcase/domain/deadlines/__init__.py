"""The deadline engine: a claim's facts in, its deadlines out (RULES.md sections 1-5).

Pure: dates and rules only. The calendar is passed in.
"""

from __future__ import annotations

from datetime import date

from ..calendar import WorkCalendar
from .base import (
    _NO_ROLL,
    ASSET_KINDS,
    ASSET_LABELS,
    CLAIM_EVENT_TYPES,
    CN_JURISDICTIONS,
    EVENT_LABELS,
    EVENT_TYPES,
    EXPIRED,
    FOREIGN,
    FREEZE_YEARS,
    IN_PROCEEDINGS,
    JURISDICTIONS,
    LOST,
    RUNNING,
    SATISFIED,
    AssetKind,
    Claim,
    Deadline,
    Event,
    Jurisdiction,
    _ordered,
)
from .court import _judgment
from .guarantee import _guarantee
from .limitation import _limitation_cn, _limitation_foreign
from .preservation import _preservation


def compute(
    claim: Claim, as_of: date, cal: WorkCalendar, *, limitation: bool = True, per_event: bool = True
) -> list[Deadline]:
    """Every deadline the facts give rise to, limitation first, then per-event ones in event order.

    ``limitation`` and ``per_event`` leave out parts a caller computes elsewhere. Events whose
    ``debts`` do not cover the claim's ``debt_keys`` do not act on its limitation or guarantee.
    """
    full = _ordered(claim.events)
    ordered = full
    if claim.debt_keys is not None:
        ordered = [(i, e) for i, e in full if e.reaches(claim)]
    domestic = claim.jurisdiction in CN_JURISDICTIONS
    out = []
    if limitation:
        if domestic:
            out.append(_limitation_cn(claim, ordered, as_of, cal))
        else:
            out.append(_limitation_foreign(claim, ordered, as_of))
    if domestic and claim.guarantee_type in ("joint", "general"):
        out.extend(_guarantee(claim, ordered, as_of, cal))
    if not per_event:
        return out
    for idx, e in enumerate(claim.events):
        if e.type == "judgment":
            out.extend(_judgment(idx, e, full, as_of, cal if domestic else _NO_ROLL))
        elif e.type == "preservation":
            out.extend(_preservation(idx, e, full, as_of, cal if domestic else _NO_ROLL))
    return out


__all__ = [
    "ASSET_KINDS",
    "ASSET_LABELS",
    "AssetKind",
    "CLAIM_EVENT_TYPES",
    "CN_JURISDICTIONS",
    "Claim",
    "Deadline",
    "EVENT_LABELS",
    "EVENT_TYPES",
    "EXPIRED",
    "Event",
    "FOREIGN",
    "FREEZE_YEARS",
    "IN_PROCEEDINGS",
    "JURISDICTIONS",
    "Jurisdiction",
    "LOST",
    "RUNNING",
    "SATISFIED",
    "compute",
]
