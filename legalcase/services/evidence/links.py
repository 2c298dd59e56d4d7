"""Which demand or acknowledgment in the collection ledger an item of evidence proves.

The link is a row of ``evidence_ledger_entries``; making or removing it never touches the
stored file, its hash or the evidence list's fields, and each change is a custody event
("link" / "unlink") with the ledger entry it concerns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.evidence import KINDS, interruption_proven
from legalcase.domain.values import LegalEffect
from legalcase.models import Case, EvidenceItem, LedgerEntry, User
from legalcase.models.evidence import evidence_ledger_entries

from ..common import begin_case_write
from .custody import custody


@dataclass(frozen=True)
class Proof:
    """An active item of evidence linked to a ledger entry."""

    evidence_id: int
    title: str
    kind: str

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class EntryProof:
    """What proves one ledger entry with a legal effect: ``proven`` when a linked item is of
    a kind that proves that effect (delivery proof, e-mail, signed acknowledgment…)."""

    proofs: tuple[Proof, ...]
    proven: bool


def _entry(session: Session, case: Case, entry_id: int | str | None) -> LedgerEntry:
    entry = session.get(LedgerEntry, int(entry_id)) if str(entry_id or "").isdigit() else None
    if entry is None or entry.case_id != case.id:
        raise ValidationFailed({"ledger_entry_id": "请选择本案的催收记录"})
    if entry.legal_effect in (None, LegalEffect.NONE):
        raise ValidationFailed(
            {"ledger_entry_id": "该催收记录没有时效效果（催告或确认），无需证明"}
        )
    return entry


def link_evidence(
    session: Session, actor: User, item: EvidenceItem, entry_id: int | str | None
) -> LedgerEntry:
    """Record that ``item`` proves the ledger entry ``entry_id`` (a demand or acknowledgment)."""
    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    if item.status != "active":
        raise DomainError("not_active", "已替换或撤回的证据不能关联催收记录")
    entry = _entry(session, case, entry_id)
    if entry in item.ledger_entries:
        raise DomainError("already_linked", "该证据已关联这条催收记录")
    item.ledger_entries.append(entry)
    custody(session, case.id, "link", actor.id, item.id, ledger_entry_id=entry.id)
    session.flush()
    return entry


def unlink_evidence(
    session: Session, actor: User, item: EvidenceItem, entry_id: int | str | None
) -> LedgerEntry:
    """Remove the link between ``item`` and the ledger entry ``entry_id``."""
    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    entry = next((e for e in item.ledger_entries if str(e.id) == str(entry_id)), None)
    if entry is None:
        raise DomainError("not_linked", "该证据没有关联这条催收记录")
    item.ledger_entries.remove(entry)
    custody(session, case.id, "unlink", actor.id, item.id, ledger_entry_id=entry.id)
    session.flush()
    return entry


def proofs_by_entry(session: Session, case: Case, entries=None) -> dict[int, EntryProof]:
    """For each ledger entry of ``case`` with a legal effect: the active evidence linked to it
    and whether it proves the entry. Entries without a legal effect are left out.
    ``entries``: the case's ledger rows the caller has loaded; when none of them has a legal
    effect nothing is read."""
    if entries is not None and all(e.legal_effect in (None, LegalEffect.NONE) for e in entries):
        return {}
    rows = session.execute(
        select(
            LedgerEntry.id,
            LedgerEntry.legal_effect,
            EvidenceItem.id,
            EvidenceItem.title,
            EvidenceItem.kind,
        )
        .select_from(LedgerEntry)
        .outerjoin(
            evidence_ledger_entries, evidence_ledger_entries.c.ledger_entry_id == LedgerEntry.id
        )
        .outerjoin(
            EvidenceItem,
            (EvidenceItem.id == evidence_ledger_entries.c.evidence_id)
            & (EvidenceItem.status == "active"),
        )
        .where(LedgerEntry.case_id == case.id, LedgerEntry.legal_effect != LegalEffect.NONE)
        .order_by(LedgerEntry.id, EvidenceItem.id)
    )
    effects: dict[int, str] = {}
    proofs: dict[int, list[Proof]] = {}
    for entry_id, effect, item_id, title, kind in rows:
        effects[entry_id] = effect
        bucket = proofs.setdefault(entry_id, [])
        if item_id is not None:
            bucket.append(Proof(item_id, title, kind))
    return {
        eid: EntryProof(
            tuple(proofs[eid]), interruption_proven(effect, (p.kind for p in proofs[eid]))
        )
        for eid, effect in effects.items()
    }
