"""Batch letters: the cases of a batch, one letter per case (its own unit of work, run by
the ``letters.batch`` job), and the zip of the letters generated."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.fields import DOCUMENTS
from docgen.pdf import ConversionUnavailable, soffice
from legalcase.domain.aging import Tier
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.domain.stages import IN_COURT, Stage
from legalcase.models import Case, GeneratedDocument, User
from storage import Storage, hash_file

from ..cases import PortfolioFilter, list_cases
from ..disputes import paused_case_ids
from .generate import generate, pdf_for

BATCH_TYPES = ("reminder_30", "reminder_60")
PAGE = 1000


def batch_types() -> dict[str, str]:
    """The letters that may be generated in a batch, with their titles."""
    return {k: DOCUMENTS[k]["title"] for k in BATCH_TYPES}


def check_batch_type(doc_type: str | None) -> str:
    if doc_type not in BATCH_TYPES:
        raise ValidationFailed({"doc_type": "请选择催款函类型：" + "、".join(BATCH_TYPES)})
    return doc_type


def batch_cases(
    session: Session,
    actor: User,
    tier: str | None,
    doc_type: str | None,
    as_of: date,
    include_in_court: bool = False,
) -> list[int]:
    """The open cases with money outstanding in ``tier`` (a collector's own cases only),
    however many there are.

    A case in the court's hands (preservation, suit, arbitration, judgment, enforcement) gets
    no reminder unless asked: the lawyers speak for the creditor there. A case paused by
    disputes (every receivable it owes disputed) gets none."""
    if tier not in {t.value for t in Tier} or doc_type not in BATCH_TYPES:
        raise DomainError("bad_batch", "请选择账龄段和催款函类型")
    owner = actor.id if Role(actor.role) == Role.COLLECTOR else None
    picked: list[int] = []
    page = 1
    while True:
        rows, total = list_cases(
            session, PortfolioFilter(tier=tier, owner_id=owner), as_of, page, PAGE
        )
        picked += [
            c.id
            for c in rows
            if not c.stage.startswith("closed")
            and c.outstanding_amount > 0
            and (include_in_court or Stage(c.stage) not in IN_COURT)
        ]
        if page * PAGE >= total or not rows:
            # a case whose every owed receivable is disputed gets no reminder (issue 16)
            paused = paused_case_ids(session, picked)
            return [cid for cid in picked if cid not in paused]
        page += 1


def visible_cases(session: Session, case_ids: list[int]) -> list[int]:
    """``case_ids`` checked against what the session's user may reach (in their order);
    an unknown or hidden case is refused by its number."""
    ids = [int(i) for i in case_ids]
    found = set(session.scalars(select(Case.id).where(Case.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            {"case_ids": "案件不存在：" + "、".join(str(i) for i in missing[:20])}
        )
    return list(dict.fromkeys(ids))


def require_pdf() -> None:
    """PDFs were asked for: LibreOffice must be there (else the whole batch is refused)."""
    try:
        soffice()
    except ConversionUnavailable as exc:
        raise DomainError("pdf_unavailable", str(exc)) from exc


def batch_letter(
    session: Session,
    storage: Storage,
    actor: User,
    case_id: int,
    doc_type: str,
    *,
    as_of: date,
    config: dict,
    override_reason: str | None = None,
    pdf: bool = False,
) -> GeneratedDocument:
    """One case's letter (and its PDF), in the caller's unit of work."""
    case = session.get(Case, case_id)
    if case is None:
        raise DomainError("not_found", f"案件 {case_id} 不存在")
    doc = generate(
        session,
        storage,
        actor,
        case,
        doc_type,
        as_of=as_of,
        config=config,
        override_reason=override_reason,
    )
    if pdf:
        try:
            pdf_for(session, storage, doc, config["UPLOAD_TMP"])
        except ConversionUnavailable as exc:
            raise DomainError("pdf_unavailable", str(exc)) from exc
    return doc


def batch_zip(session: Session, storage: Storage, document_ids: list[int], config: dict) -> str:
    """A zip of the documents (Word, and PDF where there is one) in storage; its key."""
    Path(config["UPLOAD_TMP"]).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=config["UPLOAD_TMP"], suffix=".zip", delete=False) as fh:
        zip_path = Path(fh.name)
    try:
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for doc_id in document_ids:
                doc = session.get(GeneratedDocument, doc_id)
                name = f"{doc.reference}-{session.get(Case, doc.case_id).debtor.name}"
                with storage.open(doc.storage_key) as src:
                    archive.writestr(f"{name}.docx", src.read())
                if doc.pdf_key:
                    with storage.open(doc.pdf_key) as src:
                        archive.writestr(f"{name}.pdf", src.read())
        with open(zip_path, "rb") as src:
            sha, _ = hash_file(src)
        key = f"batches/{sha}"
        storage.put_file(key, zip_path)
        return key
    finally:
        zip_path.unlink(missing_ok=True)
