"""Generating a document from a case (DOCX, numbered, stored) and its PDF."""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.fields import DOCUMENTS
from docgen.pdf import convert
from legalcase.domain.errors import DomainError, PermissionDenied, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.domain.values import TimestampedKind
from legalcase.models import Case, GeneratedDocument, User
from legalcase.models.base import utcnow
from storage import Storage, hash_file

from ..common import begin_case_write
from ..confirmations import statement_qr
from ..timestamps import stamp
from .context import document_context, firm_profile, missing_for, seal_image
from .numbering import COURT_FILINGS, issuer_for, next_number
from .parties_context import COURT_MISSING, is_real_court, issuer_context
from .templates import current_template, render_template


def case_documents(session: Session, case: Case) -> list[GeneratedDocument]:
    """The case's documents, newest first."""
    return list(
        session.scalars(
            select(GeneratedDocument)
            .where(GeneratedDocument.case_id == case.id)
            .order_by(GeneratedDocument.id.desc())
        )
    )


def _allow_missing(actor: User, doc_type: str, missing: list[str], reason: str | None) -> None:
    """Refuse while something is missing, unless a lawyer gives a reason to go ahead."""
    if not missing:
        return
    if not reason or not reason.strip():
        raise DomainError(
            "preconditions",
            f"{DOCUMENTS[doc_type]['title']}暂不能生成，缺少：" + "；".join(missing),
            {"missing": "；".join(missing)},
        )
    if Role(actor.role) not in (Role.LEGAL, Role.ADMIN):
        raise PermissionDenied("只有法务可以在材料不全时强制生成文书")


def _require_court(doc_type: str, context: dict) -> None:
    """A court filing names the court chosen on the case: without one it is refused (no
    override), never printed with a placeholder court."""
    if doc_type not in COURT_FILINGS:
        return
    title, court = DOCUMENTS[doc_type]["title"], context["case"]["court"]
    if not court:
        raise DomainError(
            "preconditions",
            f"{title}暂不能生成，缺少：{COURT_MISSING}",
            {"missing": COURT_MISSING, "court": "请选择或填写受理法院"},
        )
    if not is_real_court(court):
        raise DomainError(
            "preconditions",
            f"{title}暂不能生成：受理法院“{court}”不是具体法院的名称，"
            "请在案件的“受理法院”字段填写法院全称（如 上海市闵行区人民法院）",
            {"missing": COURT_MISSING, "court": "应为具体法院的全称"},
        )


def generate(
    session: Session,
    storage: Storage,
    actor: User,
    case: Case,
    doc_type: str,
    *,
    as_of: date,
    config: dict,
    override_reason: str | None = None,
    pay_days: int = 15,
) -> GeneratedDocument:
    """Render ``doc_type`` for the case, number it and store it, in the caller's transaction.

    Everything that can be refused (type, preconditions, template, seal) is checked before
    the number is taken; a rollback of the caller's unit of work returns the number and
    removes the stored file.
    """
    begin_case_write(session, actor, case)
    if doc_type not in DOCUMENTS:
        raise ValidationFailed({"doc_type": "未知的文书类型"})
    context = document_context(session, case, as_of, firm_profile(config), pay_days)
    context.update(issuer_context(doc_type, case, context["firm"]))
    _require_court(doc_type, context)
    missing = missing_for(session, case, doc_type, context)
    _allow_missing(actor, doc_type, missing, override_reason)
    template, version = current_template(session, storage, config, doc_type)
    images = seal_image(config)
    context.setdefault("firm_seal", "")
    if doc_type == "statement":  # the debtor may confirm it online: a link as a QR code
        images.update(statement_qr(session, actor, case, config, context))
    context.setdefault("confirm_qr", "")
    context.setdefault("confirm_url", "")
    Path(config["UPLOAD_TMP"]).mkdir(parents=True, exist_ok=True)
    path = None
    try:  # the number is taken in the caller's transaction: all or nothing, so no gaps
        issuer = issuer_for(doc_type, case.creditor, config["FIRM_CODE"])
        context["letter_number"] = next_number(session, issuer, as_of.year) or ""
        data = render_template(template, context, images)
        with tempfile.NamedTemporaryFile(
            dir=config["UPLOAD_TMP"], suffix=".docx", delete=False
        ) as fh:
            fh.write(data)
            path = Path(fh.name)
        sha, size = hash_file(io.BytesIO(data))
        key = f"cases/{case.id}/documents/{sha}"
        storage.put_file(key, path)
        doc = GeneratedDocument(
            case_id=case.id,
            doc_type=doc_type,
            letter_number=context["letter_number"] or None,  # none on a court filing
            as_of=as_of,
            template_version=version,
            storage_key=key,
            sha256=sha,
            size=size,
            override_reason=override_reason.strip() if missing else None,
            created_by_id=actor.id,
            created_at=utcnow(),
        )
        session.add(doc)
        session.flush()
        stamp(session, TimestampedKind.DOCUMENT, doc, actor.id)
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
    return doc


def pdf_for(session: Session, storage: Storage, doc: GeneratedDocument, tmp_dir: str) -> str:
    """The document as PDF (converted once with LibreOffice, then kept); returns its key.

    Raises ``docgen.pdf.ConversionUnavailable`` when LibreOffice is not installed.
    """
    if doc.pdf_key and storage.exists(doc.pdf_key):
        return doc.pdf_key
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=tmp_dir, prefix="pdf-"))
    try:
        source = work / f"{doc.doc_type}.docx"
        with storage.open(doc.storage_key) as src, open(source, "wb") as dst:
            shutil.copyfileobj(src, dst)
        (pdf,) = convert([source], work / "out")
        with open(pdf, "rb") as fh:
            sha, _ = hash_file(fh)
        key = f"cases/{doc.case_id}/documents/pdf-{sha}"
        storage.put_file(key, pdf)
        doc.pdf_key, doc.pdf_sha256 = key, sha
        return key
    finally:
        shutil.rmtree(work, ignore_errors=True)
