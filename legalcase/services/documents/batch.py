"""Batch letters: the cases of a batch, one letter per case (its own unit of work, run by
the ``letters.batch`` job), and the zip of the letters generated."""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
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
from ..plans import cases_on_plan
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


# why a batch passes a case by (shown on the job's page); "include" names what the user may
# explicitly ask to include anyway (disputes never)
SKIP_REASONS = {
    "in_court": "已进入司法程序（保全、诉讼、仲裁、判决或执行），由律师对外沟通",
    "mediation": "诉前调解中",
    "on_plan": "已签订还款协议且正在按期履行",
    "disputed": "欠款均有未解决的异议，催收暂停",
}


@dataclass(frozen=True)
class BatchInclude:
    """What the user explicitly asked a batch to include despite the rule."""

    in_court: bool = False
    mediation: bool = False
    on_plan: bool = False


def batch_skips(
    session: Session, cases: list[Case], as_of: date, include: BatchInclude = BatchInclude()
) -> dict[int, str]:
    """The one rule of who a batch of reminders passes by: case id -> reason key
    (``SKIP_REASONS``). In the court's hands (the lawyers speak for the creditor there), in
    诉前调解, or on a repayment plan in good standing (demanding the whole balance would
    contradict the plan), unless asked; paused by disputes (every owed receivable disputed)
    always."""
    out: dict[int, str] = {}
    for c in cases:
        stage = Stage(c.stage)
        if stage in IN_COURT and not include.in_court:
            out[c.id] = "in_court"
        elif stage == Stage.MEDIATION and not include.mediation:
            out[c.id] = "mediation"
    rest = [c.id for c in cases if c.id not in out]
    if not include.on_plan:
        out |= dict.fromkeys(sorted(cases_on_plan(session, rest, as_of)), "on_plan")
        rest = [cid for cid in rest if cid not in out]
    # a case whose every owed receivable is disputed gets no reminder (issue 16)
    out |= dict.fromkeys(sorted(paused_case_ids(session, rest)), "disputed")
    return out


def pick_batch(
    session: Session,
    actor: User,
    tier: str | None,
    doc_type: str | None,
    as_of: date,
    include: BatchInclude = BatchInclude(),
) -> tuple[list[int], list[dict]]:
    """The open cases with money outstanding in ``tier`` (a collector's own cases only),
    however many there are, split into those that get a letter and those the batch passes
    by (``batch_skips``), each as {"case_id", "reason"} in Chinese."""
    if tier not in {t.value for t in Tier} or doc_type not in BATCH_TYPES:
        raise DomainError("bad_batch", "请选择账龄段和催款函类型")
    owner = actor.id if Role(actor.role) == Role.COLLECTOR else None
    candidates: list[Case] = []
    page = 1
    while True:
        rows, total = list_cases(
            session, PortfolioFilter(tier=tier, owner_id=owner), as_of, page, PAGE
        )
        candidates += [
            c for c in rows if not c.stage.startswith("closed") and c.outstanding_amount > 0
        ]
        if page * PAGE >= total or not rows:
            break
        page += 1
    skips = batch_skips(session, candidates, as_of, include)
    picked = [c.id for c in candidates if c.id not in skips]
    skipped = [
        {"case_id": c.id, "reason": SKIP_REASONS[skips[c.id]]} for c in candidates if c.id in skips
    ]
    return picked, skipped


def batch_cases(
    session: Session,
    actor: User,
    tier: str | None,
    doc_type: str | None,
    as_of: date,
    include_in_court: bool = False,
) -> list[int]:
    """The cases of ``pick_batch`` that get a letter."""
    include = BatchInclude(in_court=include_in_court)
    return pick_batch(session, actor, tier, doc_type, as_of, include)[0]


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
