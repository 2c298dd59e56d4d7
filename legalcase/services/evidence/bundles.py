"""Evidence bundles: chosen items, each re-checked against its SHA-256, in one indexed,
page-numbered PDF (docgen.bundle), stored like evidence."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.evidence import ALLOWED_TYPES, PDF_ABLE
from legalcase.domain.values import OriginalOrCopy, TimestampedKind
from legalcase.models import Case, EvidenceBundle, EvidenceItem, User
from legalcase.models.base import utcnow
from legalcase.services import clock
from storage import Storage, StorageError
from storage.hashing import CHUNK, HashingReader, HashMismatch, hash_path, temp_prefix

from ..common import begin_case_write
from ..timestamps import ShownTimestamp, shown_timestamps, stamp
from .custody import custody


def _copy_checked(storage: Storage, item: EvidenceItem, target: Path) -> None:
    """The item's bytes to ``target``, refused unless they are exactly the registered ones."""
    try:
        with (
            HashingReader(storage.open(item.storage_key), item.sha256, item.size) as src,
            open(target, "wb") as dst,
        ):
            shutil.copyfileobj(src, dst, CHUNK)
    except HashMismatch:
        raise DomainError(
            "tampered", f"证据“{item.title}”的内容与登记的 SHA-256 不符，不能编入证据册"
        ) from None
    except StorageError:
        raise DomainError(
            "missing_object", f"证据“{item.title}”的文件在存储中找不到，不能编入证据册"
        ) from None


def check_bundle_items(
    session: Session, actor: User, case: Case, item_ids: list[int]
) -> dict[int, EvidenceItem]:
    """What a bundle of these items needs (the user may change the case; the items are the
    case's, active): checked when the bundle is asked for and again when it is built."""
    begin_case_write(session, actor, case)

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed({"items": message}, message)

    if not item_ids:
        raise refuse("请至少选择一项证据")
    items = {
        i.id: i for i in session.scalars(select(EvidenceItem).where(EvidenceItem.id.in_(item_ids)))
    }
    if len(items) != len(set(item_ids)) or any(i.case_id != case.id for i in items.values()):
        raise refuse("所选证据不属于本案")
    if any(items[i].status != "active" for i in item_ids):
        raise refuse("已替换或撤回的证据不能编入证据册")
    return items


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
    """Bundle the chosen items, in the order given, grouped by kind into 1-1, 1-2, 2-1 ...:
    PDFs and images as A4 pages, e-mails printed with their attachments, recordings as a
    sheet with duration, SHA-256 and transcript."""
    from docgen.bundle import build_bundle

    items = check_bundle_items(session, actor, case, item_ids)
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(dir=tmp_dir, prefix=temp_prefix("bundle")))
    try:
        groups: dict[str, int] = {}
        entries = []
        stamps = shown_timestamps(session, TimestampedKind.EVIDENCE, items.values())
        for ident in item_ids:
            item = items[ident]
            group = groups.setdefault(item.kind, len(groups) + 1)
            number = f"{group}-{sum(1 for e in entries if e.number.startswith(f'{group}-')) + 1}"
            entries.append(_entry(storage, item, number, workdir))
            entries[-1].timestamp = _stamp_text(stamps[ident])
        out = workdir / "bundle.pdf"
        result = build_bundle(entries, _header(case), out)
        sha, size = hash_path(out)
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
        stamp(session, TimestampedKind.BUNDLE, bundle, actor.id)
        return bundle
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _entry(storage: Storage, item: EvidenceItem, number: str, workdir: Path):
    """The item's line in the list and its pages, from bytes re-checked against its SHA-256."""
    from docgen.bundle import Entry, as_pdf
    from docgen.evidence_pages import PrintedEmail, Recording, email_pdf, hms, recording_pdf
    from docgen.inspect import audio_duration, parse_email

    label = OriginalOrCopy(item.original_or_copy).label
    entry = Entry(
        number, item.title, item.source or "", item.purpose or "", label, item.sha256, None
    )
    ctype = item.content_type
    if ctype not in PDF_ABLE and ctype != "message/rfc822" and not ctype.startswith("audio/"):
        entry.note = f"{ALLOWED_TYPES[ctype][0]}，不能编入 PDF，另行提交"
        return entry
    local = workdir / f"{item.id}.bin"
    _copy_checked(storage, item, local)
    if ctype in PDF_ABLE:
        entry.pdf = as_pdf(local, ctype, workdir)
    elif ctype == "message/rfc822":
        mail = parse_email(local)
        meta = mail.meta
        printed = PrintedEmail(
            item.title,
            meta["from"],
            meta["to"],
            meta["cc"],
            mail.date_header,
            meta["subject"],
            mail.body,
            item.sha256,
            mail.attachments,
        )
        entry.pdf = email_pdf(printed, workdir, str(item.id))
        entry.note = "电子邮件打印件（原始邮件文件可供核对）"
    else:
        duration = item.duration_seconds
        if duration is None:
            duration = audio_duration(local)
        entry.pdf = recording_pdf(
            Recording(
                item.title,
                item.original_filename or "",
                ALLOWED_TYPES[ctype][0],
                duration,
                item.size,
                item.sha256,
                item.transcript,
            ),
            workdir,
            str(item.id),
        )
        entry.note = f"录音时长 {hms(duration)}" + ("，附文字整理" if item.transcript else "")
    return entry


def _stamp_text(ts: ShownTimestamp) -> str:
    """The index's timestamp: Beijing time and the authority, or why there is none."""
    return ts.text


def _header(case: Case) -> dict:
    return {
        "case": f"{case.creditor.name}与{case.debtor.name}{case.title and '：' + case.title}",
        "case_number": f"案号：{case.case_number}" if case.case_number else "",
        "party": f"提交人：{case.creditor.name}",
        "submitter": case.creditor.name,
        "date": clock.today().isoformat(),  # the Beijing date, not UTC's
    }
