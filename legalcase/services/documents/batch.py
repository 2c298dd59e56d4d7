"""Batch reminders: one letter per case of an aging tier, each its own unit of work, and a zip."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from docgen.fields import DOCUMENTS
from legalcase.domain.aging import Tier
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role
from legalcase.domain.stages import IN_COURT, Stage
from legalcase.models import Case, GeneratedDocument, User
from storage import Storage, hash_file

from ..cases import PortfolioFilter, list_cases
from .generate import generate

BATCH_TYPES = ("reminder_30", "reminder_60")

# (done, total, case, document or None, problem or None)
Progress = tuple[int, int, Case, GeneratedDocument | None, str | None]


def batch_types() -> dict[str, str]:
    """The letters that may be generated in a batch, with their titles."""
    return {k: DOCUMENTS[k]["title"] for k in BATCH_TYPES}


def batch_cases(
    session: Session,
    actor: User,
    tier: str | None,
    doc_type: str | None,
    as_of: date,
    include_in_court: bool = False,
) -> list[int]:
    """The open cases with money outstanding in ``tier`` (a collector's own cases only).

    A case in the court's hands (preservation, suit, arbitration, judgment, enforcement) gets
    no reminder unless asked: the lawyers speak for the creditor there."""
    if tier not in {t.value for t in Tier} or doc_type not in BATCH_TYPES:
        raise DomainError("bad_batch", "请选择账龄段和催款函类型")
    owner = actor.id if Role(actor.role) == Role.COLLECTOR else None
    rows, _ = list_cases(session, PortfolioFilter(tier=tier, owner_id=owner), as_of, 1, 10_000)
    return [
        c.id
        for c in rows
        if not c.stage.startswith("closed")
        and c.outstanding_amount > 0
        and (include_in_court or Stage(c.stage) not in IN_COURT)
    ]


def batch_letters(
    session: Session,
    storage: Storage,
    actor: User,
    case_ids: list[int],
    doc_type: str,
    *,
    as_of: date,
    config: dict,
) -> Iterator[Progress | str]:
    """Generate ``doc_type`` for every case; yields progress as (done, total, case,
    document or None, problem or None), and finally the zip's storage key.

    Each letter is its own unit of work: the caller commits after a document and rolls
    back after a problem, before asking for the next one; then the committed letter goes
    into the zip. The caller commits once more after the zip's key."""
    Path(config["UPLOAD_TMP"]).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=config["UPLOAD_TMP"], suffix=".zip", delete=False) as fh:
        zip_path = Path(fh.name)
    try:
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, case_id in enumerate(case_ids, start=1):
                case = session.get(Case, case_id)
                try:
                    doc = generate(
                        session, storage, actor, case, doc_type, as_of=as_of, config=config
                    )
                except DomainError as exc:
                    yield done, len(case_ids), case, None, exc.message
                    continue
                yield done, len(case_ids), case, doc, None
                with storage.open(doc.storage_key) as src:  # committed by now
                    archive.writestr(f"{doc.reference}-{case.debtor.name}.docx", src.read())
        with open(zip_path, "rb") as src:
            sha, _ = hash_file(src)
        key = f"batches/{sha}"
        storage.put_file(key, zip_path)
        yield key
    finally:
        zip_path.unlink(missing_ok=True)
