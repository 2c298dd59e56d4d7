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
from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.evidence import ALLOWED_TYPES, KINDS, sniff_text
from legalcase.domain.stages import Stage
from legalcase.models import (
    Case,
    CustodyEvent,
    EvidenceBundle,
    EvidenceItem,
    LedgerEntry,
    Receivable,
    User,
)
from legalcase.models.base import utcnow
from storage import Storage, StorageError, hash_file

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
                _check_size(size, max_bytes)
                if len(head) < HEAD:
                    head += chunk[: HEAD - len(head)]
                digest.update(chunk)
                out.write(chunk)
        _check_size(size, max_bytes, final=True)
    except BaseException:
        os.unlink(name)
        raise
    return Spooled(Path(name), digest.hexdigest(), size, head)


def _check_size(size: int, max_bytes: int, final: bool = False) -> None:
    if size > max_bytes:
        raise DomainError(
            "too_large",
            f"文件超过上限 {max_bytes // (1024 * 1024)} MB，未保存",
            {"file": "文件过大"},
        )
    if final and size == 0:
        raise DomainError("empty_file", "文件为空（0 字节），未保存", {"file": "文件为空"})


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
    reason = meta.pop("reason", None) or "上传了新版本"
    if hasattr(stream, "spooled"):  # already hashed to disk while the request came in
        spooled = stream.spooled()
        _check_size(spooled.size, max_bytes, final=True)
    else:
        spooled = spool(stream, tmp_dir, max_bytes)
    stored: list[str] = []  # a rollback of the unit of work removes what was new in storage
    try:
        checked = check_upload(spooled, filename)
        item = _store(session, storage, actor, case, checked, _safe_name(filename), meta, stored)
        item.receivables = receivables
        item.ledger_entries = entries
        if supersedes is not None:
            item.supersedes_id = supersedes.id
            supersedes.status = "superseded"
            supersedes.status_reason = reason
            custody(session, case.id, "supersede", actor.id, supersedes.id, by=item.id)
        for name, payload in checked.attachments:
            _attachment(
                session, storage, actor, case, item, name, payload, tmp_dir, max_bytes, stored
            )
        session.flush()
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
    session.flush()
    return item


def record_access(session: Session, actor: User, item: EvidenceItem, action: str) -> None:
    """A view or download, in the custody log (committed with the request that serves it)."""
    custody(session, item.case_id, action, actor.id, item.id)


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
                sha, size = hash_file(fh)
            if sha != item.sha256:
                problem = f"内容已被改动：SHA-256 应为 {item.sha256}，实为 {sha}"
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
    session.flush()
    return VerifyResult(len(items), problems)


def hold_case_evidence(session: Session, storage: Storage, case: Case) -> int:
    """Legal hold on every object of the case (when it enters litigation); returns how many."""
    keys = set(
        session.scalars(select(EvidenceItem.storage_key).where(EvidenceItem.case_id == case.id))
    )
    held = sum(1 for key in sorted(keys) if storage.set_legal_hold(key, True))
    return held


def build_case_bundle(
    session: Session,
    storage: Storage,
    actor: User,
    case: Case,
    item_ids: list[int],
    *,
    tmp_dir: str | Path,
    title: str | None = None,
) -> EvidenceBundle:
    """Bundle the chosen items, in the order given, grouped by kind into 1-1, 1-2, 2-1 ..."""
    import shutil

    from docgen.bundle import Entry, as_pdf, build_bundle

    begin_case_write(session, actor, case)
    if not item_ids:
        raise ValidationFailed({"items": "请至少选择一项证据"})
    items = {
        i.id: i for i in session.scalars(select(EvidenceItem).where(EvidenceItem.id.in_(item_ids)))
    }
    if len(items) != len(set(item_ids)) or any(i.case_id != case.id for i in items.values()):
        raise ValidationFailed({"items": "所选证据不属于本案"})
    if any(items[i].status != "active" for i in item_ids):
        raise ValidationFailed({"items": "已替换或撤回的证据不能编入证据册"})
    workdir = Path(tempfile.mkdtemp(dir=tmp_dir, prefix="bundle-"))
    try:
        groups: dict[str, int] = {}
        entries = []
        for ident in item_ids:
            item = items[ident]
            group = groups.setdefault(item.kind, len(groups) + 1)
            number = f"{group}-{sum(1 for e in entries if e.number.startswith(f'{group}-')) + 1}"
            pdf = None
            if item.content_type in ("application/pdf", "image/jpeg", "image/png"):
                local = workdir / f"{item.id}.bin"
                with storage.open(item.storage_key) as src, open(local, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                if hashlib.sha256(local.read_bytes()).hexdigest() != item.sha256:
                    raise DomainError(
                        "tampered", f"证据“{item.title}”的内容与登记的 SHA-256 不符，不能编入证据册"
                    )
                pdf = as_pdf(local, item.content_type, workdir)
            note = "" if pdf else f"{ALLOWED_TYPES[item.content_type][0]}，不能编入 PDF，另行提交"
            entries.append(
                Entry(
                    number,
                    item.title,
                    item.source or "",
                    item.purpose or "",
                    item.is_original,
                    item.sha256,
                    pdf,
                    note,
                )
            )
        out = workdir / "bundle.pdf"
        header = {
            "case": f"{case.creditor.name}与{case.debtor.name}{case.title and '：' + case.title}",
            "case_number": f"案号：{case.case_number}" if case.case_number else "",
            "party": f"提交人：{case.creditor.name}",
            "submitter": case.creditor.name,
            "date": utcnow().date().isoformat(),
        }
        result = build_bundle(entries, header, out)
        with open(out, "rb") as fh:
            sha, size = hash_file(fh)
        key = f"cases/{case.id}/bundles/{sha}"
        storage.put_file(key, out)
        contents = [
            {
                "number": e.number,
                "evidence_id": ident,
                "sha256": e.sha256,
                "title": e.title,
                "pages": list(result.ranges[e.number]) if result.ranges[e.number] else None,
            }
            for e, ident in zip(entries, item_ids, strict=True)
        ]
        bundle = EvidenceBundle(
            case_id=case.id,
            title=title or f"证据材料（{len(entries)} 项）",
            storage_key=key,
            sha256=sha,
            size=size,
            page_count=result.page_count,
            contents=contents,
            created_by_id=actor.id,
            created_at=utcnow(),
        )
        session.add(bundle)
        session.flush()
        for ident in item_ids:
            custody(session, case.id, "export", actor.id, ident, bundle_id=bundle.id)
        return bundle
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class EvidencePage:
    items: list[EvidenceItem]
    checklist: list
    interruptions: list[dict]
    bundles: list[EvidenceBundle]


def evidence_page(session: Session, case: Case) -> EvidencePage:
    """Items (newest first), the checklist per step, and which interruptions evidence proves."""
    from sqlalchemy.orm import selectinload

    from legalcase.domain.evidence import checklist, interruption_proven

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
        .where(LedgerEntry.case_id == case.id, LedgerEntry.legal_effect != "none")
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
    return EvidencePage(items, checklist((i.id, i.kind) for i in active), interruptions, bundles)


def email_recipients(item: EvidenceItem) -> set[str]:
    from email.utils import getaddresses

    meta = item.email_meta or {}
    return {
        addr.lower() for _, addr in getaddresses([meta.get("to", ""), meta.get("cc", "")]) if addr
    }


def demand_addressee(session: Session, case: Case, item: EvidenceItem) -> str | None:
    """ "debtor" or "guarantor" when the e-mail went to a known address of theirs, else None."""
    from legalcase.models import Contact, Contract

    to = email_recipients(item)
    if not to:
        return None
    guarantors = set(
        session.scalars(
            select(Contract.guarantor_id).where(
                Contract.case_id == case.id, Contract.guarantor_id.is_not(None)
            )
        )
    )
    rows = session.execute(
        select(Contact.party_id, Contact.email).where(
            Contact.party_id.in_({case.debtor_id, *guarantors})
        )
    )
    for party_id, address in rows:
        if address and address.lower() in to:
            return "debtor" if party_id == case.debtor_id else "guarantor"
    return None


def record_email_as_demand(session: Session, actor: User, item: EvidenceItem) -> LedgerEntry:
    """An e-mail sent to a known debtor or guarantor address becomes a demand in the ledger,
    arriving on the day it was sent (it reached the recipient's mailbox), proven by the e-mail."""
    from legalcase.services.clock import SHANGHAI
    from legalcase.services.deadlines import refresh_case

    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    addressee = demand_addressee(session, case, item)
    if item.content_type != "message/rfc822" or addressee is None:
        raise DomainError("not_a_demand", "只有发送到债务人或保证人已登记邮箱的邮件才能记为催告")
    sent = (item.email_meta or {}).get("date")
    if not sent:
        raise DomainError("no_date", "邮件没有发送日期，无法确定送达日")
    at = datetime.fromisoformat(sent)
    entry = LedgerEntry(
        case_id=case.id,
        user_id=actor.id,
        contacted_at=at,
        channel="email",
        summary=f"邮件催告：{(item.email_meta or {}).get('subject', '')}",
        outcome="reached",
        legal_effect="demand",
        addressee=addressee,
        arrival_date=at.astimezone(SHANGHAI).date(),
    )
    session.add(entry)
    session.flush()
    item.ledger_entries.append(entry)
    custody(session, case.id, "link", actor.id, item.id, ledger_entry_id=entry.id)
    refresh_case(session, case)
    session.flush()
    return entry
