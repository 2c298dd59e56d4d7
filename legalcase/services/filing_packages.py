"""Court filing packages (立案材料包, issue 17 point 6): for chosen cases, one zip per court.

Each case's part is built on its own (``build_item``, idempotent: a case already built is not
built again, its complaint of the package's date is reused) and kept as stored files; the zip
is made from them once every case is built or refused (``finish_package``). Names, in a folder
per case ``<NN>_<debtor>``::

    01_起诉状_<debtor>.docx / .pdf   the complaint (the case's template, LibreOffice PDF)
    02_证据目录_<debtor>.pdf         the evidence list (the bundle's first pages)
    03_证据材料_<debtor>.pdf         the evidence bundle (numbered, stamped)
    04_身份证明_<n>_<title>.<ext>    the parties' identity papers (evidence of that kind)
    05_授权委托书_<debtor>.pdf       power of attorney, to be signed and sealed
    06_送达地址确认书_<debtor>.pdf   service-address confirmation, to be signed

A case the court cannot be sent (no court, a refused precondition) is left out with its reason
in 材料清单.txt.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path, PurePosixPath

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from docgen.pdf import ConversionUnavailable
from docgen.sheet import Section, render_sheet
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.stages import JUDGED, STAGE_LABELS, Stage
from legalcase.domain.values import EVIDENCE_KINDS, EvidenceKind
from legalcase.models import (
    Case,
    EvidenceItem,
    FilingPackage,
    FilingPackageItem,
    GeneratedDocument,
    User,
)
from legalcase.models.base import utcnow
from storage import Storage, hash_file, put_bytes_by_hash

from .common import begin_write
from .documents import generate, pdf_for
from .documents.parties_context import creditor_data
from .evidence import build_case_bundle

NO_IDENTITY = "04_身份证明：缺，未上传身份证明类证据"
MAX_CASES = 50  # cases per request (a package per court)
KIND_ORDER = {k: n for n, k in enumerate(EVIDENCE_KINDS)}


def safe_name(text: str) -> str:
    """A file or folder name any court's system and any zip tool takes."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_.")[:80] or "未命名"


def start_packages(
    session: Session, actor: User, case_ids: list[int], as_of: date
) -> list[FilingPackage]:
    """A package per court for the chosen cases (each case's court as chosen on it)."""
    begin_write(session, actor)
    ids = sorted(set(case_ids))
    if not ids:
        raise ValidationFailed({"case_ids": "请至少选择一个案件"})
    if len(ids) > MAX_CASES:
        raise ValidationFailed({"case_ids": f"一次最多 {MAX_CASES} 个案件"})
    cases = list(session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id)))
    if len(cases) != len(ids):
        raise ValidationFailed({"case_ids": "所选案件不存在或无权访问"})
    no_court = [c.title for c in cases if not (c.court or "").strip()]
    if no_court:
        raise ValidationFailed({"case_ids": "以下案件未选择受理法院：" + "、".join(no_court)})
    by_court: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_court[c.court.strip()].append(c)
    out = []
    for court, members in sorted(by_court.items()):
        package = FilingPackage(
            court=court, as_of=as_of, status="pending", created_by_id=actor.id, created_at=utcnow()
        )
        package.items = [FilingPackageItem(case_id=c.id, status="pending") for c in members]
        session.add(package)
        out.append(package)
    session.flush()
    return out


def _keep(storage: Storage, case: Case, data: bytes, config: dict, suffix: str) -> dict:
    sha, key = put_bytes_by_hash(
        storage, f"cases/{case.id}/packages", data, config["UPLOAD_TMP"], suffix
    )
    return {"key": key, "sha256": sha}


def _complaint(session, storage, actor, case: Case, as_of: date, config: dict) -> GeneratedDocument:
    """The case's complaint of that date (one generated before is reused)."""
    found = session.scalar(
        select(GeneratedDocument)
        .where(
            GeneratedDocument.case_id == case.id,
            GeneratedDocument.doc_type == "complaint",
            GeneratedDocument.as_of == as_of,
        )
        .order_by(GeneratedDocument.id.desc())
    )
    return found or generate(session, storage, actor, case, "complaint", as_of=as_of, config=config)


def _list_pages(bundle_pdf: bytes, contents: list[dict]) -> bytes:
    """The evidence list: the bundle's pages before its first item."""
    reader = PdfReader(io.BytesIO(bundle_pdf))
    firsts = [c["pages"][0] for c in contents if c.get("pages")]
    count = (min(firsts) - 1) if firsts else len(reader.pages)
    writer = PdfWriter()
    for page in reader.pages[: max(count, 1)]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def power_of_attorney(case: Case) -> bytes:
    c = creditor_data(case.creditor)
    debtor = case.debtor.name
    return render_sheet(
        "授权委托书",
        [
            Section(
                "",
                paragraphs=[
                    f"委托人：{c['name']}",
                    f"统一社会信用代码：{c['uscc'] or '＿＿＿＿＿＿＿＿'}　住所地：{c['address'] or '＿＿＿＿＿＿＿＿'}",
                    f"法定代表人：{c['legal_rep'] or '＿＿＿＿'}　职务：{c['legal_rep_title'] or '＿＿＿＿'}",
                    "受委托人：＿＿＿＿＿＿，＿＿＿＿＿＿律师事务所律师，执业证号＿＿＿＿＿＿＿＿，联系电话＿＿＿＿＿＿",
                    f"现委托上列受委托人在委托人与{debtor}合同纠纷一案中，作为委托人的诉讼代理人。",
                    "代理权限：□一般授权　□特别授权（代为起诉、承认、放弃、变更诉讼请求，进行和解，提起反诉或上诉，代为签收法律文书）",
                    f"此致\n{case.court}",
                    "委托人（盖章）：＿＿＿＿＿＿＿＿　　法定代表人（签字）：＿＿＿＿＿＿",
                    "＿＿＿＿年＿＿月＿＿日",
                ],
            )
        ],
    )


def service_address(case: Case) -> bytes:
    c = creditor_data(case.creditor)
    return render_sheet(
        "送达地址确认书",
        [
            Section(
                "",
                header=["项目", "内容"],
                rows=[
                    ["案由/案件", f"{c['name']}诉{case.debtor.name}合同纠纷"],
                    ["受送达人", c["name"]],
                    ["送达地址", c["address"] or "＿＿＿＿＿＿＿＿＿＿＿＿"],
                    [
                        "收件人及电话",
                        f"{c['legal_rep'] or '＿＿＿＿'}　{c['phone'] or '＿＿＿＿＿＿'}",
                    ],
                    ["电子邮箱", c["email"] or "＿＿＿＿＿＿＿＿"],
                    ["是否同意电子送达", "□同意（手机号码＿＿＿＿＿＿＿＿）　□不同意"],
                ],
                widths=[0.3, 0.7],
                after=[
                    "受送达人承诺：以上地址准确、有效，如有变更及时书面告知法院；因地址不准确、变更未告知或拒不签收导致文书未能实际接收的，文书退回之日视为送达之日。",
                    "受送达人（盖章）：＿＿＿＿＿＿＿＿　　＿＿＿＿年＿＿月＿＿日",
                ],
            )
        ],
    )


def build_item(
    session: Session, storage: Storage, actor: User, item_id: int, config: dict
) -> FilingPackageItem:
    """One case's files of its package; a case already built is left as it is."""
    item = session.get(FilingPackageItem, item_id)
    if item is None:
        raise DomainError("not_found", "材料包中的案件不存在")
    if item.status == "done":
        return item
    case = session.get(Case, item.case_id)
    package = item.package
    if Stage(case.stage) in JUDGED:
        label = STAGE_LABELS[Stage(case.stage)]
        raise DomainError(
            "already_judged",
            f"案件已处于“{label}”阶段，不应再起诉（已有生效裁判的，应申请强制执行）",
        )
    debtor = safe_name(case.debtor.name)
    files: list[dict] = []
    doc = _complaint(session, storage, actor, case, package.as_of, config)
    files.append({"name": f"01_起诉状_{debtor}.docx", "key": doc.storage_key, "sha256": doc.sha256})
    try:
        pdf_key = pdf_for(session, storage, doc, config["UPLOAD_TMP"])
    except ConversionUnavailable as exc:
        raise DomainError("pdf_unavailable", f"起诉状 PDF 无法生成：{exc}") from exc
    files.append({"name": f"01_起诉状_{debtor}.pdf", "key": pdf_key, "sha256": doc.pdf_sha256})
    items = list(
        session.scalars(
            select(EvidenceItem).where(
                EvidenceItem.case_id == case.id,
                EvidenceItem.status == "active",
                EvidenceItem.parent_id.is_(None),
            )
        )
    )
    items.sort(key=lambda i: (KIND_ORDER.get(i.kind, 99), i.document_date or date.min, i.id))
    identity = [i for i in items if i.kind == EvidenceKind.IDENTITY]
    proofs = [i for i in items if i.kind != EvidenceKind.IDENTITY]
    if proofs:
        bundle = build_case_bundle(
            session,
            storage,
            actor,
            case,
            [i.id for i in proofs],
            tmp_dir=config["UPLOAD_TMP"],
            title="立案证据材料",
        )
        with storage.open(bundle.storage_key) as fh:
            data = fh.read()
        listing = _keep(storage, case, _list_pages(data, bundle.contents), config, ".pdf")
        files.append({"name": f"02_证据目录_{debtor}.pdf", **listing})
        files.append(
            {
                "name": f"03_证据材料_{debtor}.pdf",
                "key": bundle.storage_key,
                "sha256": bundle.sha256,
            }
        )
    for n, i in enumerate(identity, start=1):
        ext = PurePosixPath(i.original_filename or "").suffix.lower() or ".bin"
        files.append(
            {
                "name": f"04_身份证明_{n}_{safe_name(i.title)}{ext}",
                "key": i.storage_key,
                "sha256": i.sha256,
            }
        )
    files.append(
        {
            "name": f"05_授权委托书_{debtor}.pdf",
            **_keep(storage, case, power_of_attorney(case), config, ".pdf"),
        }
    )
    files.append(
        {
            "name": f"06_送达地址确认书_{debtor}.pdf",
            **_keep(storage, case, service_address(case), config, ".pdf"),
        }
    )
    item.files = files
    item.status = "done"
    item.error = None
    session.flush()
    return item


def mark_failed(session: Session, item_id: int, message: str) -> None:
    item = session.get(FilingPackageItem, item_id)
    item.status, item.error = "failed", message[:2000]
    session.flush()


def _folder(n: int, case: Case) -> str:
    return f"{n:02d}_{safe_name(case.debtor.name)}_案件{case.id}"


def finish_package(
    session: Session, storage: Storage, package_id: int, config: dict
) -> FilingPackage:
    """The zip of the built cases, with 材料清单.txt naming every file and every case left
    out with its reason; each file re-checked against its SHA-256 as it is copied."""
    package = session.get(FilingPackage, package_id)
    lines = [f"立案材料包　受理法院：{package.court}　日期：{package.as_of}", ""]
    Path(config["UPLOAD_TMP"]).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=config["UPLOAD_TMP"], suffix=".zip", delete=False) as fh:
        path = Path(fh.name)
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, item in enumerate(package.items, start=1):
                case = session.get(Case, item.case_id)
                folder = _folder(n, case)
                if item.status != "done":
                    lines.append(f"{folder}：未编入（{item.error or '尚未生成'}）")
                    continue
                lines.append(f"{folder}：")
                files = item.files or []
                if not any(f["name"].startswith("04_") for f in files):
                    missing = {"name": NO_IDENTITY, "key": None}
                    at = next((n for n, f in enumerate(files) if f["name"] >= "05_"), len(files))
                    files = [*files[:at], missing, *files[at:]]
                for f in files:
                    if f["key"] is None:  # a paper the case lacks: said in the list only
                        lines.append(f"  {f['name']}")
                        continue
                    with storage.open(f["key"]) as src:
                        data = src.read()
                    sha, _ = hash_file(io.BytesIO(data))
                    if f.get("sha256") and sha != f["sha256"]:
                        raise DomainError(
                            "tampered", f"文件“{f['name']}”与登记的 SHA-256 不符，材料包未生成"
                        )
                    archive.writestr(f"{folder}/{f['name']}", data)
                    lines.append(f"  {f['name']}")
            archive.writestr("材料清单.txt", "\n".join(lines) + "\n")
        with open(path, "rb") as src:
            sha, size = hash_file(src)
        key = f"packages/{sha}"
        storage.put_file(key, path)
    finally:
        path.unlink(missing_ok=True)
    package.storage_key, package.sha256, package.size = key, sha, size
    package.filename = f"立案材料包_{safe_name(package.court)}_{package.as_of:%Y%m%d}.zip"
    built = any(i.status == "done" for i in package.items)
    package.status = "done" if built else "failed"
    package.error = None if built else "没有可编入的案件"
    package.finished_at = utcnow()
    session.flush()
    return package


def run_now(
    session: Session, storage: Storage, actor: User, package: FilingPackage, config: dict
) -> FilingPackage:
    """Build the package in the caller's unit of work (no job queue): each case in a
    savepoint, a refused case recorded with its reason and the others built."""
    for item in package.items:
        try:
            with session.begin_nested():
                build_item(session, storage, actor, item.id, config)
        except DomainError as exc:
            mark_failed(session, item.id, exc.message)
    return finish_package(session, storage, package.id, config)


def my_packages(session: Session, actor: User, limit: int = 50) -> list[FilingPackage]:
    return list(
        session.scalars(
            select(FilingPackage)
            .where(FilingPackage.created_by_id == actor.id)
            .order_by(FilingPackage.id.desc())
            .limit(limit)
        )
    )


def package_cases(session: Session, actor: User) -> list[Case]:
    """The cases a package may be made for: those with a court chosen, with the debtor side."""
    del actor  # the session's scope already limits the cases
    return list(
        session.scalars(
            select(Case)
            .where(Case.court.is_not(None), Case.court != "")
            .order_by(Case.id.desc())
            .limit(300)
        )
    )


def case_names(session: Session, packages: list[FilingPackage]) -> dict[int, str]:
    """Each packaged case as the user knows it: its title and debtor (one query)."""
    ids = {i.case_id for p in packages for i in p.items}
    if not ids:
        return {}
    rows = session.scalars(select(Case).where(Case.id.in_(ids)).options(joinedload(Case.debtor)))
    return {c.id: f"{c.title}（{c.debtor.name}）" for c in rows}


__all__ = [
    "case_names",
    "MAX_CASES",
    "build_item",
    "finish_package",
    "mark_failed",
    "my_packages",
    "package_cases",
    "run_now",
    "safe_name",
    "start_packages",
]
