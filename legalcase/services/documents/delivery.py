"""Recording that a document went out: one unit of work in the caller's transaction.

``mark_sent`` stores the delivery proof and the letter as evidence, adds the demand to the
ledger and refreshes the case's deadlines (a demand interrupts the limitation period). It
never commits: the caller's unit of work commits all of it or, on any failure, rolls all of
it back, which also removes the storage objects that were new in it.
"""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from docgen.fields import DOCUMENTS
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.values import Addressee, EvidenceKind, LegalEffect, Outcome
from legalcase.models import Case, EvidenceItem, GeneratedDocument, LedgerEntry, User
from legalcase.models.base import utcnow
from storage import Storage

from .. import evidence, ledger
from ..common import begin_case_write


def _demand(data: dict) -> dict:
    """The ledger entry a sent document makes: a demand on the debtor, effective on arrival."""
    return {
        "contacted_at": data["sent_at"],
        "channel": data["channel"],
        "outcome": Outcome.REACHED,
        "legal_effect": LegalEffect.DEMAND,
        "addressee": Addressee.DEBTOR,
        "arrival_date": data.get("arrival_date"),
    }


def mark_sent(
    session: Session,
    storage: Storage,
    actor: User,
    doc: GeneratedDocument,
    data: dict,
    proof: tuple[BinaryIO, str | None] | None,
    *,
    tmp_dir: str,
    max_bytes: int,
) -> tuple[LedgerEntry, EvidenceItem]:
    """Record that the document went out; returns the demand entry and the letter as evidence.

    The steps, all in the caller's transaction: (1) lock the case and check the dates,
    (2) store the delivery proof, then (3) the letter, as evidence, (4) add the demand to
    the ledger and refresh the deadlines, (5) link the evidence to the entry and mark the
    document sent. What can be refused is checked before anything is written; a failure at
    any later step leaves nothing once the caller rolls back.
    """
    case = session.get(Case, doc.case_id)
    begin_case_write(session, actor, case)
    if doc.ledger_entry_id is not None:
        raise DomainError("already_sent", "该文书已登记为已发送")
    entry_data = _demand(data)
    problems = ledger.contact_problems(session, case, entry_data, utcnow())
    if problems:
        raise ValidationFailed(
            {"sent_at" if k == "contacted_at" else k: v for k, v in problems.items()}
        )
    title = DOCUMENTS[doc.doc_type]["title"]
    items = []
    if proof is not None:
        stream, filename = proof
        meta = {
            "kind": "delivery_proof",
            "title": f"{title}送达凭证",
            "source": "快递/邮件系统",
            "purpose": "证明催告已送达，诉讼时效中断",
        }
        items.append(
            evidence.add_evidence(
                session,
                storage,
                actor,
                case,
                stream,
                filename,
                meta,
                tmp_dir=tmp_dir,
                max_bytes=max_bytes,
            )
        )
    with storage.open(doc.storage_key) as fh:
        letter = evidence.add_evidence(
            session,
            storage,
            actor,
            case,
            fh,
            f"{doc.reference}.docx",
            {
                "kind": EvidenceKind.LETTER,
                "title": f"{title}（{doc.reference}）",
                "source": "本方发出",
                "purpose": "证明已向债务人主张权利",
            },
            tmp_dir=tmp_dir,
            max_bytes=max_bytes,
        )
    items.append(letter)
    # the entry, then the case's deadlines recomputed with it (ledger.record_contact)
    entry = ledger.record_contact(
        session, actor, case, {**entry_data, "summary": f"发送{title}（{doc.reference}）"}
    )
    for item in items:
        item.ledger_entries.append(entry)
    doc.ledger_entry_id = entry.id
    doc.sent_at = data["sent_at"]
    session.flush()
    return entry, letter
