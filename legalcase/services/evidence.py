"""Evidence: streamed upload with hashing and checks, supersede/withdraw, custody, verification."""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO

import filetype
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.evidence import ALLOWED_TYPES, KINDS, sniff_text
from legalcase.domain.stages import Stage
from legalcase.models import (
    Case,
    CustodyEvent,
    EvidenceItem,
    LedgerEntry,
    Receivable,
    User,
)
from legalcase.models.base import utcnow
from storage import Storage, StorageError

from .common import begin_case_write

CHUNK = 1024 * 1024
HEAD = 8192
HELD_STAGES = {Stage.LITIGATION, Stage.ARBITRATION, Stage.JUDGMENT, Stage.ENFORCEMENT}
FILETYPE_ALIASES = {
    "audio/x-m4a": "audio/mp4",
    "video/mp4": "audio/mp4",
    "audio/wav": "audio/x-wav",
    "audio/x-amr": "audio/amr",
}


@dataclass
class Spooled:
    path: Path
    sha256: str
    size: int
    head: bytes


@dataclass
class Checked:
    spooled: Spooled
    content_type: str
    page_count: int | None = None
    email_meta: dict | None = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def spool(stream: BinaryIO, tmp_dir: str | Path, max_bytes: int) -> Spooled:
    """Copy an upload to a temporary file in chunks, hashing and counting as it goes."""
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DomainError(
                        "too_large",
                        f"文件超过上限 {max_bytes // (1024 * 1024)} MB，未保存",
                        {"file": "文件过大"},
                    )
                if len(head) < HEAD:
                    head += chunk[: HEAD - len(head)]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    if size == 0:
        os.unlink(name)
        raise DomainError("empty_file", "文件为空（0 字节），未保存", {"file": "文件为空"})
    return Spooled(Path(name), digest.hexdigest(), size, head)


def _allowed_list() -> str:
    return "、".join(dict.fromkeys(label.split(" ")[0] for label, _ in ALLOWED_TYPES.values()))


def detect(head: bytes, filename: str | None) -> str:
    """The content type from the bytes; refuses what is not on the allow-list or is misnamed."""
    kind = filetype.guess(head)
    mime = FILETYPE_ALIASES.get(kind.mime, kind.mime) if kind else sniff_text(head)
    if mime not in ALLOWED_TYPES:
        seen = f"（识别为 {mime}）" if mime else ""
        raise DomainError(
            "unsupported_type",
            f"不支持的文件类型{seen}；可上传：{_allowed_list()}",
            {"file": "类型不支持"},
        )
    ext = Path(filename or "").suffix.lower()
    label, extensions = ALLOWED_TYPES[mime]
    if ext and ext not in extensions:
        raise DomainError(
            "wrong_extension",
            f"文件扩展名 {ext} 与内容（{label}）不符；请确认是否选错了文件，或改正扩展名后再上传",
            {"file": "扩展名与内容不符"},
        )
    return mime


def inspect_pdf(path: Path) -> int:
    """Page count of a readable, unencrypted PDF; a clear refusal otherwise."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DomainError(
                "encrypted_pdf",
                "PDF 已加密，需要密码才能打开；请上传去除密码后的版本",
                {"file": "PDF 已加密"},
            )
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - every page must be readable
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DomainError(
            "broken_pdf",
            f"PDF 文件损坏或无法解析（{type(exc).__name__}），未保存；可用 PDF 软件“另存为”后再上传",
            {"file": "PDF 无法解析"},
        ) from None
    if pages == 0:
        raise DomainError("broken_pdf", "PDF 没有任何页面，未保存", {"file": "PDF 无页面"})
    return pages


def parse_eml(path: Path) -> tuple[dict, list[tuple[str, bytes]]]:
    """Date, from, to, subject and attachments (name, bytes) of an e-mail."""
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    sent = msg.get("Date")
    try:
        sent_at = parsedate_to_datetime(sent).isoformat() if sent else None
    except (TypeError, ValueError):
        sent_at = None
    meta = {
        "date": sent_at,
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "cc": str(msg.get("Cc", "") or ""),
        "subject": str(msg.get("Subject", "")),
    }
    attachments = []
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if payload:
            attachments.append((part.get_filename() or "attachment", payload))
    return meta, attachments


def check_upload(spooled: Spooled, filename: str | None) -> Checked:
    mime = detect(spooled.head, filename)
    checked = Checked(spooled, mime)
    if mime == "application/pdf":
        checked.page_count = inspect_pdf(spooled.path)
    elif mime in ("image/jpeg", "image/png"):
        checked.page_count = 1
    elif mime == "message/rfc822":
        checked.email_meta, checked.attachments = parse_eml(spooled.path)
    return checked


def _key(case_id: int, sha256: str) -> str:
    return f"cases/{case_id}/{sha256}"


def custody(
    session: Session,
    case_id: int,
    action: str,
    user_id: int | None,
    evidence_id: int | None = None,
    bundle_id: int | None = None,
    **detail,
) -> None:
    session.add(
        CustodyEvent(
            case_id=case_id,
            evidence_id=evidence_id,
            bundle_id=bundle_id,
            action=action,
            user_id=user_id,
            at=utcnow(),
            detail=detail or None,
        )
    )


def _safe_name(filename: str | None) -> str | None:
    if not filename:
        return None
    name = Path(filename.replace("\\", "/")).name.strip()
    return name[:200] or None


def _links(session: Session, case: Case, receivable_ids: Iterable[int], ledger_ids: Iterable[int]):
    receivables = list(
        session.scalars(select(Receivable).where(Receivable.id.in_(list(receivable_ids))))
    )
    entries = list(session.scalars(select(LedgerEntry).where(LedgerEntry.id.in_(list(ledger_ids)))))
    errors = {}
    if any(r.case_id != case.id for r in receivables) or len(receivables) != len(
        set(receivable_ids)
    ):
        errors["receivable_ids"] = "应收款不属于本案"
    if any(e.case_id != case.id for e in entries) or len(entries) != len(set(ledger_ids)):
        errors["ledger_entry_ids"] = "催收记录不属于本案"
    if errors:
        raise ValidationFailed(errors)
    return receivables, entries


def add_evidence(
    session: Session,
    storage: Storage,
    actor: User,
    case: Case,
    stream: BinaryIO,
    filename: str | None,
    meta: dict,
    *,
    tmp_dir: str | Path,
    max_bytes: int,
    supersedes: EvidenceItem | None = None,
) -> EvidenceItem:
    """Store an upload as evidence of ``case``: all of it (object, row, links, custody) or nothing."""
    begin_case_write(session, actor, case)
    meta = dict(meta)
    if meta.get("kind") not in KINDS:
        raise ValidationFailed({"kind": "请选择证据类型"})
    receivables, entries = _links(
        session, case, meta.pop("receivable_ids", ()) or (), meta.pop("ledger_entry_ids", ()) or ()
    )
    spooled = spool(stream, tmp_dir, max_bytes)
    stored: list[str] = []
    try:
        checked = check_upload(spooled, filename)
        item = _store(session, storage, actor, case, checked, _safe_name(filename), meta, stored)
        item.receivables = receivables
        item.ledger_entries = entries
        if supersedes is not None:
            item.supersedes_id = supersedes.id
            supersedes.status = "superseded"
            supersedes.status_reason = meta.get("reason") or "上传了新版本"
            custody(session, case.id, "supersede", actor.id, supersedes.id, by=item.id)
        for name, payload in checked.attachments:
            _attachment(
                session, storage, actor, case, item, name, payload, tmp_dir, max_bytes, stored
            )
        session.commit()
    except BaseException:
        session.rollback()
        for key in stored:  # nothing half-stored: objects new to this write go again
            if not session.scalar(
                select(func.count())
                .select_from(EvidenceItem)
                .where(EvidenceItem.storage_key == key)
            ):
                storage.discard(key)
        raise
    finally:
        spooled.path.unlink(missing_ok=True)
    return item


def _store(
    session, storage, actor, case, checked: Checked, filename, meta, stored: list[str]
) -> EvidenceItem:
    sp = checked.spooled
    key = _key(case.id, sp.sha256)
    existed = storage.exists(key)
    try:
        storage.put_file(key, sp.path)
    except StorageError as exc:
        raise DomainError("storage_failed", f"文件未能保存到存储：{exc}") from exc
    if not existed:
        stored.append(key)
    if Stage(case.stage) in HELD_STAGES:
        storage.set_legal_hold(key, True)
    meta.pop("reason", None)
    item = EvidenceItem(
        case_id=case.id,
        storage_key=key,
        sha256=sp.sha256,
        size=sp.size,
        content_type=checked.content_type,
        original_filename=filename,
        page_count=checked.page_count,
        email_meta=checked.email_meta,
        uploaded_by_id=actor.id,
        uploaded_at=utcnow(),
        status="active",
        title=meta.pop("title", None) or filename or KINDS[meta["kind"]],
        **meta,
    )
    session.add(item)
    session.flush()
    custody(
        session,
        case.id,
        "upload",
        actor.id,
        item.id,
        sha256=sp.sha256,
        size=sp.size,
        content_type=checked.content_type,
        filename=filename,
    )
    return item


def _attachment(
    session,
    storage,
    actor,
    case,
    parent: EvidenceItem,
    name: str,
    payload: bytes,
    tmp_dir,
    max_bytes,
    stored,
) -> None:
    import io

    sp = spool(io.BytesIO(payload), tmp_dir, max_bytes)
    try:
        try:
            checked = check_upload(sp, name)
        except DomainError as exc:  # an attachment we cannot take is noted on the e-mail, not fatal
            parent.email_meta = {
                **(parent.email_meta or {}),
                "skipped": [
                    *(parent.email_meta or {}).get("skipped", []),
                    f"{name}：{exc.message}",
                ],
            }
            return
        kind = "other"
        child = _store(
            session,
            storage,
            actor,
            case,
            checked,
            _safe_name(name),
            {
                "kind": kind,
                "title": f"{parent.title} 附件：{_safe_name(name)}",
                "source": parent.source,
                "purpose": parent.purpose,
                "document_date": parent.document_date,
                "is_original": False,
            },
            stored,
        )
        child.parent_id = parent.id
    finally:
        sp.path.unlink(missing_ok=True)


def withdraw(session: Session, actor: User, item: EvidenceItem, reason: str) -> EvidenceItem:
    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    if not reason or not reason.strip():
        raise ValidationFailed({"reason": "请填写撤回原因"})
    if item.status != "active":
        raise DomainError("not_active", "该证据已被替换或撤回")
    item.status = "withdrawn"
    item.status_reason = reason.strip()
    custody(session, case.id, "withdraw", actor.id, item.id, reason=reason.strip())
    session.commit()
    return item


def record_access(session: Session, actor: User, item: EvidenceItem, action: str) -> None:
    """A view or download, in the custody log (its own commit: the read happens regardless)."""
    custody(session, item.case_id, action, actor.id, item.id)
    session.commit()


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
    """Re-read every stored object, re-hash it and report mismatches and missing objects."""
    stmt = select(EvidenceItem).order_by(EvidenceItem.id)
    if case_id is not None:
        stmt = stmt.where(EvidenceItem.case_id == case_id)
    problems = []
    items = list(session.scalars(stmt))
    now = now or utcnow()
    for item in items:
        try:
            with storage.open(item.storage_key) as fh:
                digest = hashlib.sha256()
                size = 0
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            if digest.hexdigest() != item.sha256:
                problem = f"内容已被改动：SHA-256 应为 {item.sha256}，实为 {digest.hexdigest()}"
            elif size != item.size:
                problem = f"大小不符：应为 {item.size} 字节，实为 {size}"
            else:
                problem = None
        except StorageError:
            problem = "存储中找不到该文件"
        item.last_verified_at = now
        item.is_last_verify_ok = problem is None
        custody(
            session, item.case_id, "verify", actor_id, item.id, ok=problem is None, problem=problem
        )
        if problem:
            problems.append((item, problem))
    session.commit()
    return VerifyResult(len(items), problems)


def hold_case_evidence(session: Session, storage: Storage, case: Case) -> int:
    """Legal hold on every object of the case (when it enters litigation); returns how many."""
    keys = set(
        session.scalars(select(EvidenceItem.storage_key).where(EvidenceItem.case_id == case.id))
    )
    held = sum(1 for key in sorted(keys) if storage.set_legal_hold(key, True))
    return held
