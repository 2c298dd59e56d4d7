"""What the 证据链 tab shows: items, the checklist per step, proven interruptions, bundles."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legalcase.domain.evidence import checklist, interruption_proven
from legalcase.domain.values import LegalEffect, TimestampedKind
from legalcase.models import Case, EvidenceBundle, EvidenceItem, LedgerEntry


@dataclass
class EvidencePage:
    items: list[EvidenceItem]
    checklist: list
    interruptions: list[dict]
    bundles: list[EvidenceBundle]
    # item id / bundle id -> its timestamp as shown (time, authority, status, verified offline)
    timestamps: dict[int, object] = field(default_factory=dict)
    bundle_timestamps: dict[int, object] = field(default_factory=dict)


def evidence_page(session: Session, case: Case) -> EvidencePage:
    """Items (newest first), the checklist per step, and which interruptions evidence proves."""
    items = list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.case_id == case.id)
            .options(
                selectinload(EvidenceItem.ledger_entries), selectinload(EvidenceItem.uploaded_by)
            )
            .order_by(EvidenceItem.id.desc())
        )
    )
    active = [i for i in items if i.status == "active"]
    linked: dict[int, set[str]] = {}
    for item in active:
        for entry in item.ledger_entries:
            linked.setdefault(entry.id, set()).add(item.kind)
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.case_id == case.id, LedgerEntry.legal_effect != LegalEffect.NONE)
        .order_by(LedgerEntry.contacted_at)
    )
    interruptions = [
        {"entry": e, "proven": interruption_proven(e.legal_effect, linked.get(e.id, ()))}
        for e in entries
    ]
    bundles = list(
        session.scalars(
            select(EvidenceBundle)
            .where(EvidenceBundle.case_id == case.id)
            .order_by(EvidenceBundle.id.desc())
        )
    )
    from ..timestamps import shown_timestamps

    return EvidencePage(
        items,
        checklist((i.id, i.kind) for i in active),
        interruptions,
        bundles,
        shown_timestamps(session, TimestampedKind.EVIDENCE, items),
        shown_timestamps(session, TimestampedKind.BUNDLE, bundles),
    )
