"""Upload: a file hashed to disk as it arrives, checked (type from the bytes, PDFs that open,
e-mails parsed, their attachments kept as items of their own), stored under its hash."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docgen.inspect import BadFile, audio_duration, guess_type, parse_email, pdf_pages
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.evidence import ALLOWED_TYPES, KINDS
from legalcase.domain.stages import Stage
from legalcase.domain.values import OriginalOrCopy, TimestampedKind
from legalcase.models import Case, EvidenceItem, LedgerEntry, Receivable, User
from legalcase.models.base import utcnow
from storage import Storage, StorageError
from storage.hashing import Spooled, TooLarge, spool

from ..common import begin_case_write
from ..timestamps import stamp
from .custody import custody

HELD_STAGES = {Stage.LITIGATION, Stage.ARBITRATION, Stage.JUDGMENT, Stage.ENFORCEMENT}


@dataclass
class Checked:
    spooled: Spooled
    content_type: str
    page_count: int | None = None
    email_meta: dict | None = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    duration: float | None = None  # a recording's length in seconds


def _too_large(max_bytes: int) -> DomainError:
    return DomainError(
        "too_large",
        f"文件超过上限 {max_bytes // (1024 * 1024)} MB，未保存",
        {"file": "文件过大"},
    )


def spool_upload(stream: BinaryIO, tmp_dir: str | Path, max_bytes: int) -> Spooled:
    """The upload on disk with its SHA-256: the request already spooled it while it came in
    (``stream.spooled()``), or it is copied now. Too large or empty: refused."""
    try:
        if hasattr(stream, "spooled"):  # hashed to disk while the request body arrived
            spooled = stream.spooled()
        else:
            spooled = spool(stream, tmp_dir, max_bytes)
    except TooLarge:
        raise _too_large(max_bytes) from None
    if spooled.size > max_bytes:
        spooled.path.unlink(missing_ok=True)
        raise _too_large(max_bytes)
    if spooled.size == 0:
        spooled.path.unlink(missing_ok=True)
        raise DomainError("empty_file", "文件为空（0 字节），未保存", {"file": "文件为空"})
    return spooled


def _allowed_list() -> str:
    return "、".join(dict.fromkeys(label.split(" ")[0] for label, _ in ALLOWED_TYPES.values()))


def detect(head: bytes, filename: str | None) -> str:
    """The content type from the bytes; refuses what is not on the allow-list or is misnamed."""
    mime = guess_type(head)
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
    try:
        return pdf_pages(path)
    except BadFile as exc:
        if exc.code == "encrypted_pdf":
            raise DomainError(
                "encrypted_pdf",
                "PDF 已加密，需要密码才能打开；请上传去除密码后的版本",
                {"file": "PDF 已加密"},
            ) from None
        if exc.code == "no_pages":
            raise DomainError(
                "broken_pdf", "PDF 没有任何页面，未保存", {"file": "PDF 无页面"}
            ) from None
        raise DomainError(
            "broken_pdf",
            f"PDF 文件损坏或无法解析（{exc.detail}），未保存；可用 PDF 软件“另存为”后再上传",
            {"file": "PDF 无法解析"},
        ) from None


def check_upload(spooled: Spooled, filename: str | None) -> Checked:
    mime = detect(spooled.head, filename)
    checked = Checked(spooled, mime)
    if mime == "application/pdf":
        checked.page_count = inspect_pdf(spooled.path)
    elif mime in ("image/jpeg", "image/png"):
        checked.page_count = 1
    elif mime == "message/rfc822":
        mail = parse_email(spooled.path)
        checked.email_meta, checked.attachments = mail.meta, mail.attachments
    elif mime.startswith("audio/"):
        checked.duration = audio_duration(spooled.path)
    return checked


def is_electronic(content_type: str) -> bool:
    """E-mails and recordings: what the court gets is electronic data, not paper."""
    return content_type == "message/rfc822" or content_type.startswith("audio/")


def check_meta(meta: dict, content_type: str) -> None:
    """Defaults and limits of the evidence list's fields that depend on what the file is."""
    if meta.get("transcript") and not content_type.startswith("audio/"):
        raise ValidationFailed({"transcript": "只有录音可以填写文字整理"})
    if not meta.get("original_or_copy") and "is_original" not in meta:
        meta["original_or_copy"] = (
            OriginalOrCopy.ELECTRONIC if is_electronic(content_type) else OriginalOrCopy.COPY
        )


def object_key(case_id: int, sha256: str) -> str:
    return f"cases/{case_id}/{sha256}"


def _safe_name(filename: str | None) -> str | None:
    if not filename:
        return None
    name = Path(filename.replace("\\", "/")).name.strip()
    return name[:200] or None


def _links(session: Session, case: Case, receivable_ids: Iterable[int], ledger_ids: Iterable[int]):
    receivable_ids, ledger_ids = list(receivable_ids), list(ledger_ids)
    receivables = list(session.scalars(select(Receivable).where(Receivable.id.in_(receivable_ids))))
    entries = list(session.scalars(select(LedgerEntry).where(LedgerEntry.id.in_(ledger_ids))))
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
    reason = meta.pop("reason", None) or "上传了新版本"
    spooled = spool_upload(stream, tmp_dir, max_bytes)
    try:  # a rollback of the unit of work removes what was new in storage
        checked = check_upload(spooled, filename)
        check_meta(meta, checked.content_type)
        _refuse_duplicate(session, case, spooled.sha256)
        item = _store(session, storage, actor, case, checked, _safe_name(filename), meta)
        item.receivables = receivables
        item.ledger_entries = entries
        if supersedes is not None:
            item.supersedes_id = supersedes.id
            supersedes.status = "superseded"
            supersedes.status_reason = reason
            custody(session, case.id, "supersede", actor.id, supersedes.id, by=item.id)
        for name, payload in checked.attachments:
            _attachment(session, storage, actor, case, item, name, payload, tmp_dir, max_bytes)
        session.flush()
    finally:
        spooled.path.unlink(missing_ok=True)
    return item


class DuplicateEvidence(DomainError):
    """The same file (same SHA-256) is already an active item of the case: evidence is
    append-only, so a second copy would stay in the list (and in bundles) for good."""

    status = 409

    def __init__(self, existing: EvidenceItem, number: int) -> None:
        msg = (
            f"该文件与第{number}项证据“{existing.title}”内容相同（SHA-256 相同），未重复上传；"
            "如需换一个说明，请修改该项的证据目录信息"
        )
        super().__init__("duplicate_evidence", msg, {"file": f"与第{number}项证据内容相同"})
        self.existing_id = existing.id
        self.number = number


def item_number(session: Session, item: EvidenceItem) -> int:
    """第N项: the item's place among the case's items in upload order (never renumbered:
    items are never deleted)."""
    q = select(func.count()).where(EvidenceItem.case_id == item.case_id, EvidenceItem.id <= item.id)
    return session.scalar(q) or 0


def _refuse_duplicate(session: Session, case: Case, sha256: str) -> None:
    existing = session.scalars(
        select(EvidenceItem)
        .where(
            EvidenceItem.case_id == case.id,
            EvidenceItem.sha256 == sha256,
            EvidenceItem.status == "active",
        )
        .order_by(EvidenceItem.id)
        .limit(1)
    ).first()
    if existing is not None:
        raise DuplicateEvidence(existing, item_number(session, existing))


def _store(session, storage, actor, case, checked: Checked, filename, meta) -> EvidenceItem:
    sp = checked.spooled
    key = object_key(case.id, sp.sha256)
    try:
        storage.put_file(key, sp.path)
    except StorageError as exc:
        raise DomainError("storage_failed", f"文件未能保存到存储：{exc}") from exc
    if Stage(case.stage) in HELD_STAGES:
        storage.set_legal_hold(key, True)
    item = EvidenceItem(
        case_id=case.id,
        storage_key=key,
        sha256=sp.sha256,
        size=sp.size,
        content_type=checked.content_type,
        original_filename=filename,
        page_count=checked.page_count,
        email_meta=checked.email_meta,
        duration_seconds=checked.duration,
        uploaded_by_id=actor.id,
        uploaded_at=utcnow(),
        status="active",
        title=meta.pop("title", None) or filename or KINDS[meta["kind"]],
        **meta,
    )
    session.add(item)
    session.flush()
    # never refused over a timestamp: pending (待补时间戳) when the authority fails
    ts = stamp(session, TimestampedKind.EVIDENCE, item, actor.id, log_custody=False)
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
        timestamp=ts.status,
        timestamp_time=ts.gen_time.isoformat() if ts.gen_time else None,
    )
    return item


def _attachment(
    session, storage, actor, case, parent: EvidenceItem, name, payload: bytes, tmp_dir, max_bytes
) -> None:
    try:
        sp = spool_upload(io.BytesIO(payload), tmp_dir, max_bytes)
    except DomainError as exc:
        _skipped(parent, name, exc)
        return
    try:
        try:
            checked = check_upload(sp, name)
        except DomainError as exc:  # an attachment we cannot take is noted on the e-mail, not fatal
            _skipped(parent, name, exc)
            return
        child = _store(
            session,
            storage,
            actor,
            case,
            checked,
            _safe_name(name),
            {
                "kind": "other",
                "title": f"{parent.title} 附件：{_safe_name(name)}",
                "source": parent.source,
                "purpose": parent.purpose,
                "document_date": parent.document_date,
                "original_or_copy": parent.original_or_copy,
            },
        )
        child.parent_id = parent.id
    finally:
        sp.path.unlink(missing_ok=True)


def _skipped(parent: EvidenceItem, name: str, exc: DomainError) -> None:
    meta = parent.email_meta or {}
    parent.email_meta = {**meta, "skipped": [*meta.get("skipped", []), f"{name}：{exc.message}"]}


def hold_case_evidence(session: Session, storage: Storage, case: Case) -> int:
    """Legal hold on every object of the case (when it enters litigation); returns how many."""
    keys = set(
        session.scalars(select(EvidenceItem.storage_key).where(EvidenceItem.case_id == case.id))
    )
    return sum(1 for key in sorted(keys) if storage.set_legal_hold(key, True))
