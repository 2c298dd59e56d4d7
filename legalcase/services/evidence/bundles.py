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
from legalcase.models import Case, EvidenceBundle, EvidenceItem, User
from legalcase.models.base import utcnow
from storage import Storage, StorageError
from storage.hashing import CHUNK, HashingReader, HashMismatch, hash_path, temp_prefix

from ..common import begin_case_write
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
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(dir=tmp_dir, prefix=temp_prefix("bundle")))
    try:
        groups: dict[str, int] = {}
        entries = []
        for ident in item_ids:
            item = items[ident]
            group = groups.setdefault(item.kind, len(groups) + 1)
            number = f"{group}-{sum(1 for e in entries if e.number.startswith(f'{group}-')) + 1}"
            pdf = None
            if item.content_type in PDF_ABLE:
                local = workdir / f"{item.id}.bin"
                _copy_checked(storage, item, local)
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
        return bundle
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _header(case: Case) -> dict:
    return {
        "case": f"{case.creditor.name}与{case.debtor.name}{case.title and '：' + case.title}",
        "case_number": f"案号：{case.case_number}" if case.case_number else "",
        "party": f"提交人：{case.creditor.name}",
        "submitter": case.creditor.name,
        "date": utcnow().date().isoformat(),
    }
