"""Generating letters and filings from a case: data, preconditions, numbers, storage, sending."""

from __future__ import annotations

import io
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docgen.chinese import amount_in_capitals, chinese_date
from docgen.fields import DOCUMENTS
from docgen.render import render_docx
from legalcase.domain.calendar import china_calendar
from legalcase.domain.errors import DomainError, PermissionDenied, ValidationFailed
from legalcase.domain.evidence import KINDS, checklist
from legalcase.domain.roles import Role
from legalcase.models import (
    Case,
    Contract,
    CourtEvent,
    EvidenceItem,
    GeneratedDocument,
    LetterCounter,
    Payment,
    Receivable,
    TemplateVersion,
    User,
)
from legalcase.models.base import utcnow
from storage import Storage, hash_file

from .claims import claim_for_case
from .common import begin_case_write


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def firm_profile(config: dict) -> dict:
    return {
        k.removeprefix("FIRM_").lower(): v
        for k, v in config.items()
        if k.startswith("FIRM_") and k != "FIRM_SEAL_IMAGE"
    }


def seal_image(config: dict) -> dict:
    """The firm's seal for the ``firm_seal`` field, when one is configured."""
    path = config.get("FIRM_SEAL_IMAGE")
    if not path:
        return {}
    try:
        return {"firm_seal": (Path(path).read_bytes(), 40)}
    except OSError as exc:
        raise DomainError("no_seal", f"律所印章图片无法读取：{path}（{exc.strerror}）") from exc


def document_context(
    session: Session, case: Case, as_of: date, firm: dict, pay_days: int = 15
) -> dict:
    """Everything a template may use (docgen/fields.py), from the case's recorded facts."""
    debtor = case.debtor
    contracts = list(
        session.scalars(select(Contract).where(Contract.case_id == case.id).order_by(Contract.id))
    )
    contract = contracts[0] if contracts else None
    receivables = list(
        session.scalars(
            select(Receivable)
            .where(Receivable.case_id == case.id)
            .order_by(Receivable.due_date, Receivable.id)
        )
    )
    payments = list(
        session.scalars(
            select(Payment).where(Payment.case_id == case.id).order_by(Payment.paid_date)
        )
    )
    claim = claim_for_case(session, case, as_of)
    pay_by, _ = china_calendar().roll_forward(as_of + timedelta(days=pay_days))
    judgment = session.scalar(
        select(CourtEvent)
        .where(CourtEvent.case_id == case.id, CourtEvent.kind.in_(("judgment", "ruling")))
        .order_by(CourtEvent.id.desc())
    )
    evidence = list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.case_id == case.id, EvidenceItem.status == "active")
            .order_by(EvidenceItem.id)
        )
    )
    guarantor = next((c.guarantor for c in contracts if c.guarantor is not None), None)
    principal = claim.principal_outstanding
    plan = [principal / 3, principal / 3]
    plan = [p.quantize(Decimal("0.01")) for p in plan]
    plan.append(principal - sum(plan))
    first_due = as_of + timedelta(days=30)
    return {
        "letter_number": "",  # set when the number is taken
        "today": chinese_date(as_of),
        "firm": firm,
        "creditor": {
            "name": case.creditor.name,
            "code": case.creditor.uscc or "",
            "address": case.creditor.address or "",
            "legal_rep": "",
            "account": case.creditor.bank_account or "",
        },
        "debtor": _party(debtor),
        "guarantor": _party(guarantor) if guarantor else None,
        "contract": {
            "number": contract.number if contract else "",
            "signed": chinese_date(contract.signed_date) if contract else "",
            "amount": _money(contract.amount) if contract else "",
            "amount_cn": amount_in_capitals(contract.amount) if contract else "",
            "terms": (contract.payment_terms or "") if contract else "",
        },
        "receivables": [
            {
                "invoice_no": r.invoice_no,
                "issue_date": str(r.issue_date),
                "due_date": str(r.due_date),
                "amount": _money(r.amount),
                "paid": _money(r.paid_amount),
                "outstanding": _money(r.outstanding),
            }
            for r in receivables
        ],
        "payments": [{"date": str(p.paid_date), "amount": _money(p.amount)} for p in payments],
        "claim": {
            "as_of": chinese_date(as_of),
            "paid": _money(case.paid_amount),
            "principal": _money(principal),
            "principal_cn": amount_in_capitals(principal),
            "interest": _money(claim.interest_outstanding),
            "interest_cn": amount_in_capitals(claim.interest_outstanding),
            "total": _money(claim.total),
            "total_cn": amount_in_capitals(claim.total),
            "rate_note": next((line.rate for line in claim.lines if line.rate), "按合同约定"),
            "lines": [
                {
                    "what": line.what,
                    "start": str(line.start),
                    "end": str(line.end),
                    "days": line.days,
                    "base": _money(line.base),
                    "rate": line.rate or "",
                    "amount": _money(line.amount),
                }
                for line in claim.lines
            ],
        },
        "pay_by": chinese_date(pay_by),
        "case": {
            "title": case.title,
            "number": case.case_number or "",
            "court": case.forum_name
            or (contract.dispute_venue if contract and contract.dispute_venue else ""),
        },
        "owner": {"name": case.owner.display_name, "phone": case.owner.email or ""},
        "instalments": [
            {
                "seq": i + 1,
                "due": chinese_date(first_due + timedelta(days=30 * i)),
                "amount": _money(a),
                "amount_cn": amount_in_capitals(a),
            }
            for i, a in enumerate(plan)
        ],
        "assets": [{"description": e.title} for e in evidence if e.kind == "asset_lead"],
        "evidence": [
            {"number": n, "title": e.title, "purpose": e.purpose or KINDS[e.kind]}
            for n, e in enumerate(evidence, start=1)
        ],
        "preservation": {
            "security": "保险公司出具的诉讼财产保全责任保险保函",
            "requested": "是" if any(e.kind == "preservation_ruling" for e in evidence) else "否",
        },
        "judgment": {
            "court": judgment.court_name or "" if judgment else "",
            "number": (judgment.document_number or "") if judgment else "",
            "effective": chinese_date(judgment.effective_date)
            if judgment and judgment.effective_date
            else "",
            "performance_due": chinese_date(judgment.performance_due)
            if judgment and judgment.performance_due
            else "",
        },
    }


def _party(p) -> dict:
    return {
        "name": p.name,
        "code": p.id_code or "",
        "legal_rep": p.legal_rep or "",
        "address": p.registered_address or p.actual_address or "",
        "kind": p.kind,
    }


def missing_for(session: Session, case: Case, doc_type: str, context: dict) -> list[str]:
    """What is missing before ``doc_type`` may be generated: evidence for its step, and facts."""
    step = DOCUMENTS[doc_type]["step"]
    missing = []
    if not context["debtor"]["address"]:
        missing.append("债务人地址")
    if case.outstanding_amount <= 0 and doc_type != "statement":
        missing.append("尚欠金额（本案没有未付应收款）")
    if step in ("lawyer_letter", "preservation", "complaint", "enforcement"):
        items = session.execute(
            select(EvidenceItem.id, EvidenceItem.kind).where(
                EvidenceItem.case_id == case.id, EvidenceItem.status == "active"
            )
        )
        check = {c.step: c for c in checklist(items.all())}[step]
        missing += [f"证据：{m}" for m in check.missing]
        if not context["contract"]["number"]:
            missing.append("合同信息")
    if doc_type == "enforcement_application" and not context["judgment"]["performance_due"]:
        missing.append("生效判决的履行期限（在期限页登记判决）")
    if doc_type in ("preservation_application", "complaint") and not context["case"]["court"]:
        missing.append("受理法院（案件的法院/仲裁机构或合同约定的管辖法院）")
    return missing


def next_letter_number(session: Session, firm_code: str, year: int) -> str:
    """Take the next number in the caller's transaction: gap-free, since a rollback returns it."""
    table = LetterCounter.__table__
    stmt = (
        update(table)
        .where(table.c.firm_code == firm_code, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    )
    number = session.execute(stmt).scalar()
    if number is None:
        try:
            with session.begin_nested():
                session.execute(insert(table).values(firm_code=firm_code, year=year, last_number=1))
            number = 1
        except IntegrityError:  # someone created this year's counter at the same moment
            number = session.execute(stmt).scalar()
    return f"{firm_code}〔{year}〕第{number:04d}号"


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
    begin_case_write(session, actor, case)
    if doc_type not in DOCUMENTS:
        raise ValidationFailed({"doc_type": "未知的文书类型"})
    context = document_context(session, case, as_of, firm_profile(config), pay_days)
    missing = missing_for(session, case, doc_type, context)
    if missing:
        if not override_reason or not override_reason.strip():
            raise DomainError(
                "preconditions",
                f"{DOCUMENTS[doc_type]['title']}暂不能生成，缺少：" + "；".join(missing),
                {"missing": "；".join(missing)},
            )
        if Role(actor.role) not in (Role.LEGAL, Role.ADMIN):
            raise PermissionDenied("只有法务可以在材料不全时强制生成文书")
    template, version = current_template(session, storage, config, doc_type)
    images = seal_image(config)
    context.setdefault("firm_seal", "")
    Path(config["UPLOAD_TMP"]).mkdir(parents=True, exist_ok=True)
    path = None
    try:  # the number is taken in the caller's transaction: all or nothing, so no gaps
        context["letter_number"] = next_letter_number(session, config["FIRM_CODE"], as_of.year)
        data = render_docx(template, context, images)
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
            letter_number=context["letter_number"],
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
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
    return doc


def pdf_for(session: Session, storage: Storage, doc: GeneratedDocument, tmp_dir: str) -> str:
    """The document as PDF (converted once with LibreOffice, then kept); returns its key."""
    import shutil

    from docgen.pdf import convert

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


def mark_sent(
    session: Session,
    storage: Storage,
    actor: User,
    doc: GeneratedDocument,
    data: dict,
    proof: tuple | None,
    *,
    tmp_dir: str,
    max_bytes: int,
):
    """Record that the document went out: a ledger entry (a demand from its arrival date), the
    letter itself and its delivery proof as evidence linked to that entry.

    Everything that can be refused is checked before anything is written: the dates first,
    then the proof file (stored before the letter and the entry).
    """
    from . import evidence, ledger

    case = session.get(Case, doc.case_id)
    begin_case_write(session, actor, case)
    if doc.ledger_entry_id is not None:
        raise DomainError("already_sent", "该文书已登记为已发送")
    entry_data = {
        "contacted_at": data["sent_at"],
        "channel": data["channel"],
        "outcome": "reached",
        "legal_effect": "demand",
        "addressee": "debtor",
        "arrival_date": data.get("arrival_date"),
    }
    problems = ledger.contact_problems(session, case, entry_data, utcnow())
    if problems:
        raise ValidationFailed(
            {"sent_at" if k == "contacted_at" else k: v for k, v in problems.items()}
        )
    title = DOCUMENTS[doc.doc_type]["title"]
    items = []
    if proof is not None:
        stream, filename = proof
        items.append(
            evidence.add_evidence(
                session,
                storage,
                actor,
                case,
                stream,
                filename,
                {
                    "kind": "delivery_proof",
                    "title": f"{title}送达凭证",
                    "source": "快递/邮件系统",
                    "purpose": "证明催告已送达，诉讼时效中断",
                },
                tmp_dir=tmp_dir,
                max_bytes=max_bytes,
            )
        )
    with storage.open(doc.storage_key) as fh:
        letter_bytes = fh.read()
    letter = evidence.add_evidence(
        session,
        storage,
        actor,
        case,
        io.BytesIO(letter_bytes),
        f"{doc.letter_number}.docx",
        {
            "kind": "letter",
            "title": f"{title}（{doc.letter_number}）",
            "source": "本方发出",
            "purpose": "证明已向债务人主张权利",
        },
        tmp_dir=tmp_dir,
        max_bytes=max_bytes,
    )
    items.append(letter)
    entry = ledger.record_contact(
        session, actor, case, {**entry_data, "summary": f"发送{title}（{doc.letter_number}）"}
    )
    for item in items:
        item.ledger_entries.append(entry)
    doc.ledger_entry_id = entry.id
    doc.sent_at = data["sent_at"]
    session.flush()
    return entry, letter


# ---- templates ---------------------------------------------------------------------


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
        return (Path(config["TEMPLATES_PATH"]) / f"{doc_type}.docx").read_bytes(), 0
    with storage.open(latest.storage_key) as fh:
        return fh.read(), latest.version


def sample_context() -> dict:
    """Demo data for previews: every field filled, so that a template shows what it would print."""
    from decimal import Decimal as D

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
        "owner": {"name": "张伟", "phone": "zhangwei@example.com"},
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
        "evidence": [{"number": 1, "title": "买卖合同", "purpose": "证明买卖合同关系"}],
        "judgment": {
            "court": "上海市闵行区人民法院",
            "number": "（2026）沪0112民初0001号民事判决书",
            "effective": "2026年9月17日",
            "performance_due": "2026年9月30日",
        },
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
    from docgen.fields import LISTS
    from docgen.render import TemplateProblem, check_template

    if Role(actor.role) not in (Role.LEGAL, Role.ADMIN):
        raise PermissionDenied("只有法务或管理员可以更换文书模板")
    if doc_type not in DOCUMENTS:
        raise ValidationFailed({"doc_type": "未知的文书类型"})
    try:
        used = check_template(data, DOCUMENTS[doc_type]["fields"], LISTS)
        render_docx(data, sample_context())  # it must also render
    except TemplateProblem as exc:
        raise DomainError(
            "bad_template",
            "模板未通过检查：" + "；".join(exc.problems),
            {"file": "；".join(exc.problems)},
        ) from None
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".docx", delete=False) as fh:
        fh.write(data)
        path = Path(fh.name)
    try:
        with open(path, "rb") as src:
            sha, _ = hash_file(src)
        key = f"templates/{doc_type}/{sha}"
        storage.put_file(key, path)
    finally:
        path.unlink(missing_ok=True)
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
    session.add(row)
    session.flush()
    return row


def batch_letters(
    session: Session,
    storage: Storage,
    actor: User,
    case_ids: list[int],
    doc_type: str,
    *,
    as_of: date,
    config: dict,
):
    """Generate ``doc_type`` for every case; yields progress as (done, total, case,
    document or None, problem or None), and finally the zip's key.

    Each letter is its own unit of work: the caller commits after a document and rolls
    back after a problem, before asking for the next one."""
    import zipfile

    from legalcase.domain.errors import DomainError as Problem

    Path(config["UPLOAD_TMP"]).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=config["UPLOAD_TMP"], suffix=".zip", delete=False) as fh:
        zip_path = Path(fh.name)
    try:
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, case_id in enumerate(case_ids, start=1):
                case = session.get(Case, case_id)
                try:
                    doc = generate(
                        session, storage, actor, case, doc_type, as_of=as_of, config=config
                    )
                except Problem as exc:
                    yield done, len(case_ids), case, None, exc.message
                    continue
                with storage.open(doc.storage_key) as src:
                    archive.writestr(f"{doc.letter_number}-{case.debtor.name}.docx", src.read())
                yield done, len(case_ids), case, doc, None
        with open(zip_path, "rb") as src:
            sha, _ = hash_file(src)
        key = f"batches/{sha}"
        storage.put_file(key, zip_path)
        yield key
    finally:
        zip_path.unlink(missing_ok=True)
