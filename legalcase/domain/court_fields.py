"""Which fields of a court event belong to which kind (the form shows only those)."""

from __future__ import annotations

# On every kind: the court (or arbitration body), its document's number, a note.
COMMON_FIELDS = ("kind", "court_name", "document_number", "note")

_DATED = ("event_date",)
_JUDGMENT = (
    "served_date",
    "effective_date",
    "performance_due",
    "is_foreign_party",
    "awarded_principal",
    "awarded_interest",
    "awarded_costs",
)
_PRESERVATION = ("event_date", "is_pre_suit", "asset_kind", "expires_date")
# A mediation agreement confirmed by the court (司法确认裁定) or a mediation document (调解书):
# effective on its date and not open to appeal (no service date asked), enforceable like a
# judgment: the amounts it settles and the last day to perform them (RULES.md section 4).
_MEDIATION = (
    "effective_date",
    "performance_due",
    "awarded_principal",
    "awarded_interest",
    "awarded_costs",
)

KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "filing": _DATED,
    "proceedings_ended": _DATED,
    "judgment": _JUDGMENT,
    "ruling": _JUDGMENT,
    "preservation": _PRESERVATION,
    "settlement": _DATED,
    "enforcement_applied": _DATED,
    "enforcement_terminated": _DATED,
    "mediation_confirmed": _MEDIATION,
}

# Effective documents enforceable for money (services.judgments): a judgment or ruling (an
# arbitral award, a mediation document), and a confirmed mediation agreement.
ENFORCEABLE_KINDS = ("judgment", "ruling", "mediation_confirmed")

# Fields whose "nothing" is False rather than empty (checkboxes).
FLAGS = ("is_foreign_party", "is_pre_suit")


def kinds_of(field: str) -> tuple[str, ...] | None:
    """The kinds a field belongs to; None for a field of every kind."""
    if field in COMMON_FIELDS:
        return None
    return tuple(k for k, names in KIND_FIELDS.items() if field in names)


def stray_fields(kind: str, data: dict) -> list[str]:
    """Fields given a value that the kind has no use for (a judgment's served date on a
    filing, say), in the order given."""
    own = set(COMMON_FIELDS) | set(KIND_FIELDS.get(kind, ()))
    return [
        name for name, value in data.items() if name not in own and value not in (None, "", False)
    ]
