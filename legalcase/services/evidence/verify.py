"""Verification: every stored object that a row knows is read again and re-hashed: evidence
items (each check in the custody log), bundles, generated documents (Word and PDF) and
uploaded templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.models import EvidenceBundle, EvidenceItem, GeneratedDocument, TemplateVersion
from legalcase.models.base import utcnow
from storage import Storage, StorageError
from storage.hashing import hash_stream

from .custody import mismatch_message, record_check


def check_object(storage: Storage, key: str, sha256: str, size: int | None = None) -> str | None:
    """None when the object under ``key`` has exactly the registered SHA-256 (and size);
    else what is wrong, in words for the user."""
    try:
        with storage.open(key) as fh:
            actual, actual_size = hash_stream(fh)
    except StorageError:
        return mismatch_message(sha256, None)
    if actual != sha256:
        return mismatch_message(sha256, actual)
    if size is not None and actual_size != size:
        return f"大小不符：应为 {size} 字节，实为 {actual_size}"
    return None


@dataclass
class VerifyResult:
    checked: int
    problems: list[tuple[EvidenceItem, str]]


def verify(
    session: Session,
    storage: Storage,
    case_id: int | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> VerifyResult:
    """Re-read every evidence item's object, re-hash it, record the check in the custody log;
    report mismatches and missing objects."""
    stmt = select(EvidenceItem).order_by(EvidenceItem.id)
    if case_id is not None:
        stmt = stmt.where(EvidenceItem.case_id == case_id)
    problems = []
    items = list(session.scalars(stmt))
    now = now or utcnow()
    for item in items:
        problem = check_object(storage, item.storage_key, item.sha256, item.size)
        record_check(session, item, actor_id, problem, now)
        if problem:
            problems.append((item, problem))
    session.flush()
    return VerifyResult(len(items), problems)


@dataclass
class ObjectProblem:
    """A stored object other than an item whose bytes are not the registered ones."""

    kind: str  # "bundle", "document", "document_pdf", "template"
    row: EvidenceBundle | GeneratedDocument | TemplateVersion
    key: str
    problem: str


@dataclass
class OtherObjects:
    checked: dict[str, int]  # kind -> how many were re-hashed
    problems: list[ObjectProblem]


def verify_other_objects(
    session: Session,
    storage: Storage,
    case_id: int | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> OtherObjects:
    """Bundles (each check in the custody log), generated documents (Word, and the PDF once
    made) and, when not limited to a case, uploaded template versions."""
    now = now or utcnow()
    result = OtherObjects({"bundle": 0, "document": 0, "document_pdf": 0, "template": 0}, [])

    def check(kind: str, row, key: str, sha256: str, size: int | None = None) -> str | None:
        result.checked[kind] += 1
        problem = check_object(storage, key, sha256, size)
        if problem:
            result.problems.append(ObjectProblem(kind, row, key, problem))
        return problem

    bundles = select(EvidenceBundle).order_by(EvidenceBundle.id)
    documents = select(GeneratedDocument).order_by(GeneratedDocument.id)
    if case_id is not None:
        bundles = bundles.where(EvidenceBundle.case_id == case_id)
        documents = documents.where(GeneratedDocument.case_id == case_id)
    for bundle in session.scalars(bundles):
        problem = check("bundle", bundle, bundle.storage_key, bundle.sha256, bundle.size)
        record_check(session, bundle, actor_id, problem, now)
    for doc in session.scalars(documents):
        check("document", doc, doc.storage_key, doc.sha256, doc.size)
        if doc.pdf_key and doc.pdf_sha256:
            check("document_pdf", doc, doc.pdf_key, doc.pdf_sha256)
    if case_id is None:
        for tpl in session.scalars(select(TemplateVersion).order_by(TemplateVersion.id)):
            check("template", tpl, tpl.storage_key, tpl.sha256)
    session.flush()
    return result


def known_keys(session: Session) -> set[str]:
    """Every storage key a row refers to."""
    keys: set[str] = set()
    for column in (
        EvidenceItem.storage_key,
        EvidenceBundle.storage_key,
        GeneratedDocument.storage_key,
        GeneratedDocument.pdf_key,
        TemplateVersion.storage_key,
    ):
        keys.update(k for k in session.scalars(select(column).distinct()) if k)
    return keys


def is_known(session: Session, key: str) -> bool:
    """Whether any row refers to ``key`` (read afresh)."""
    for column in (
        EvidenceItem.storage_key,
        EvidenceBundle.storage_key,
        GeneratedDocument.storage_key,
        GeneratedDocument.pdf_key,
        TemplateVersion.storage_key,
    ):
        if session.scalar(select(column).where(column == key).limit(1)) is not None:
            return True
    return False
