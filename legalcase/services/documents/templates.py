"""Document templates (DOCX) that legal staff edit: versions, checks, previews."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docgen.chinese import amount_in_capitals
from docgen.fields import DOCUMENTS, LISTS
from docgen.render import TemplateProblem, check_template, render_docx
from legalcase.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.models import TemplateVersion, User
from legalcase.models.base import utcnow
from legalcase.services.audit import set_actor
from storage import Storage, put_bytes_by_hash

from .content_samples import sample_content
from .parties_context import sample_parties

TEMPLATE_MAX_BYTES = 20 * 2**20
_VERSION_TRIES = 5


def _default_template(config: dict, doc_type: str) -> bytes:
    """The template shipped in templates/documents/ (version 0)."""
    return (Path(config["TEMPLATES_PATH"]) / f"{doc_type}.docx").read_bytes()


def current_template(
    session: Session, storage: Storage, config: dict, doc_type: str
) -> tuple[bytes, int]:
    """The newest uploaded version of a template, or the default one (version 0)."""
    latest = session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.doc_type == doc_type)
        .order_by(TemplateVersion.version.desc())
        .limit(1)
    )
    if latest is None:
        return _default_template(config, doc_type), 0
    with storage.open(latest.storage_key) as fh:
        return fh.read(), latest.version


def template_file(
    session: Session, storage: Storage, config: dict, doc_type: str, version: int | None
) -> tuple[bytes, int]:
    """One version of a template (0: the default one; None: the current one) and its number."""
    if doc_type not in DOCUMENTS:
        raise NotFound("文书类型")
    if version is None:
        return current_template(session, storage, config, doc_type)
    if version == 0:
        return _default_template(config, doc_type), 0
    row = session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.doc_type == doc_type, TemplateVersion.version == version
        )
    )
    if row is None:
        raise NotFound("模板版本")
    with storage.open(row.storage_key) as fh:
        return fh.read(), version


def template_versions(session: Session) -> dict[str, list[TemplateVersion]]:
    """Every uploaded version of every document type, newest first."""
    out: dict[str, list[TemplateVersion]] = {k: [] for k in DOCUMENTS}
    for row in session.scalars(select(TemplateVersion).order_by(TemplateVersion.version.desc())):
        out.setdefault(row.doc_type, []).append(row)
    return out


def _refused(exc: TemplateProblem, what: str) -> DomainError:
    return DomainError(
        "bad_template", f"{what}：" + "；".join(exc.problems), {"file": "；".join(exc.problems)}
    )


def render_template(
    data: bytes, context: dict, images: dict[str, tuple[bytes, int]] | None = None
) -> bytes:
    """A template rendered with ``context``; a template that cannot be rendered within the
    sandbox's limits is a DomainError naming what is wrong and in which part of the file."""
    try:
        return render_docx(data, context, images)
    except TemplateProblem as exc:
        raise _refused(exc, "文书模板无法填充") from None


def preview_template(data: bytes) -> bytes:
    """A template rendered with the sample data, so that staff see what it would print."""
    return render_template(data, sample_context())


def sample_context() -> dict:
    """Demo data for previews: every field filled, so that a template shows what it would print."""
    party = {
        "name": "示例债务人有限公司",
        "code": "91310000MA1FL0000X",
        "legal_rep": "王强",
        "address": "上海市闵行区示例路 1 号",
        "kind": "company",
    }
    total = D("110418.65")
    return {
        "letter_number": "明诚律函〔2026〕第0000号（预览）",
        "today": "2026年11月24日",
        "pay_by": "2026年12月9日",
        "firm": {
            "name": "上海明诚律师事务所",
            "code": "明诚律函",
            "address": "上海市浦东新区世纪大道 100 号",
            "phone": "021-58880000",
            "lawyers": "陈明",
        },
        "creditor": {
            "name": "示例债权人有限公司",
            "code": "91310000MA1FL1111Y",
            "address": "上海市示例路 2 号",
            "legal_rep": "李明",
            "account": "工行示例支行 1001",
        },
        "debtor": party,
        "guarantor": {**party, "name": "示例保证人", "kind": "person"},
        "contract": {
            "number": "HT-2025-0001",
            "signed": "2025年1月10日",
            "amount": "300,000.00",
            "amount_cn": amount_in_capitals(D("300000")),
            "terms": "货到验收后60日内付款",
        },
        "receivables": [
            {
                "invoice_no": "FP-001",
                "issue_date": "2025-02-01",
                "due_date": "2025-03-31",
                "amount": "123,456.78",
                "paid": "23,456.78",
                "outstanding": "100,000.00",
            }
        ],
        "payments": [{"date": "2025-06-30", "amount": "23,456.78"}],
        "claim": {
            "as_of": "2026年11月24日",
            "paid": "23,456.78",
            "principal": "101,846.78",
            "principal_cn": amount_in_capitals(D("101846.78")),
            "interest": "8,571.87",
            "interest_cn": amount_in_capitals(D("8571.87")),
            "total": f"{total:,.2f}",
            "total_cn": amount_in_capitals(total),
            "rate_note": "约定年利率 6%",
            "lines": [
                {
                    "what": "逾期利息 FP-001",
                    "start": "2025-06-30",
                    "end": "2026-11-24",
                    "days": 512,
                    "base": "101,846.78",
                    "rate": "约定年利率 6%",
                    "amount": "8,571.87",
                }
            ],
        },
        "case": {
            "title": "示例货款纠纷",
            "number": "（2026）沪0112民初0001号",
            "court": "上海市闵行区人民法院",
        },
        "owner": {"name": "张伟", "phone": "021-58881234"},
        "firm_seal": "",  # the seal image, when one is configured
        **sample_parties(),  # issuer, parties' identity, 您/贵司, court (parties_context)
        "instalments": [
            {
                "seq": 1,
                "due": "2026年12月24日",
                "amount": "50,000.00",
                "amount_cn": amount_in_capitals(D("50000")),
            }
        ],
        "assets": [{"description": "被申请人在工商银行的基本存款账户"}],
        "preservation": {"security": "保险公司保函", "requested": "是"},
        "evidence": [
            {
                "number": 1,
                "title": "买卖合同",
                "purpose": "证明买卖合同关系",
                "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "timestamp": "北京时间 2026-11-24 10:00:00 内部时间戳（非第三方）",
            }
        ],
        "judgment": {
            "court": "上海市闵行区人民法院",
            "number": "（2026）沪0112民初0001号民事判决书",
            "effective": "2026年9月17日",
            "performance_due": "2026年9月30日",
            # what the judgment awarded and what is owed on it (issue 12 point 3)
            "awarded": True,
            "awarded_principal": "100,000.00",
            "awarded_interest": "5,000.00",
            "awarded_costs": "2,300.00",
            "awarded_total": "107,300.00",
            "paid": "60,000.00",
            "costs_outstanding": "0.00",
            "interest_outstanding": "0.00",
            "principal_outstanding": "47,300.00",
            "outstanding": "47,300.00",
            "outstanding_cn": amount_in_capitals(D("47300")),
            "delayed_interest": "3,510.24",
            "total": "50,810.24",
            "total_cn": amount_in_capitals(D("50810.24")),
        },
        **sample_content(),  # what the documents say (content_context)
    }


def upload_template(
    session: Session,
    storage: Storage,
    actor: User,
    doc_type: str,
    data: bytes,
    note: str | None,
    tmp_dir: str,
) -> TemplateVersion:
    """Check a new version against the field list, keep it (older versions stay)."""
    _may_change(actor, doc_type)
    if len(data) > TEMPLATE_MAX_BYTES:
        raise DomainError("too_large", f"模板文件不应超过 {TEMPLATE_MAX_BYTES // 2**20} MB")
    used = _checked(data, doc_type)
    sha, key = _store(storage, doc_type, data, tmp_dir)
    return _new_version(session, actor, doc_type, key, sha, used, note)


def restore_template(
    session: Session,
    storage: Storage,
    config: dict,
    actor: User,
    doc_type: str,
    version: int,
    tmp_dir: str,
) -> TemplateVersion:
    """Make an earlier version (0: the shipped default) current again: a NEW version with the
    same file, noted "恢复自第 N 版"; every version stays, and the new row is audited. The
    file is checked again against today's field list, as an upload is."""
    _may_change(actor, doc_type)
    data, _ = template_file(session, storage, config, doc_type, version)
    used = _checked(data, doc_type)
    sha, key = _store(storage, doc_type, data, tmp_dir)
    what = "默认模板" if version == 0 else f"第 {version} 版"
    return _new_version(session, actor, doc_type, key, sha, used, f"恢复自{what}")


def _may_change(actor: User, doc_type: str) -> None:
    if Role(actor.role) not in (Role.LEGAL, Role.ADMIN):
        raise PermissionDenied("只有法务或管理员可以更换文书模板")
    if doc_type not in DOCUMENTS:
        raise ValidationFailed({"doc_type": "未知的文书类型"})


def _checked(data: bytes, doc_type: str) -> set[str]:
    """The fields the template uses, after the checks; refused with every problem named."""
    try:  # the archive is measured before anything is unpacked, then every part is checked
        used = check_template(data, DOCUMENTS[doc_type]["fields"], LISTS)
        render_docx(data, sample_context())  # it must also render, within the limits
    except TemplateProblem as exc:
        raise _refused(exc, "模板未通过检查") from None
    return used


def _store(storage: Storage, doc_type: str, data: bytes, tmp_dir: str) -> tuple[str, str]:
    """Keep the file under its hash (the same file twice is one object): (sha256, key)."""
    return put_bytes_by_hash(storage, f"templates/{doc_type}", data, tmp_dir, ".docx")


def _new_version(
    session: Session,
    actor: User,
    doc_type: str,
    key: str,
    sha: str,
    used: set[str],
    note: str | None,
) -> TemplateVersion:
    """Add the next version of ``doc_type``. Two uploads at the same moment may read the same
    last number: the unique (doc_type, version) refuses the second insert (on PostgreSQL it
    waits for the first to commit), which then reads the number again and takes the next."""
    set_actor(session, actor.id)
    for _attempt in range(_VERSION_TRIES):
        last = (
            session.scalar(
                select(TemplateVersion.version)
                .where(TemplateVersion.doc_type == doc_type)
                .order_by(TemplateVersion.version.desc())
                .limit(1)
            )
            or 0
        )
        row = TemplateVersion(
            doc_type=doc_type,
            version=last + 1,
            storage_key=key,
            sha256=sha,
            fields_used="、".join(sorted(used)),
            note=note,
            uploaded_by_id=actor.id,
            uploaded_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # another upload took this number: read the last one again
            continue
        return row
    raise DomainError("busy", "模板正在被他人同时更新，请稍后重试")
