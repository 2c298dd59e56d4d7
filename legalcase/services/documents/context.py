"""What a document is made from: the firm, its seal, the case's facts, and what is missing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.chinese import amount_in_capitals, chinese_date
from docgen.fields import DOCUMENTS
from legalcase.domain.calendar import china_calendar
from legalcase.domain.errors import DomainError
from legalcase.domain.evidence import KINDS, checklist
from legalcase.domain.values import JUDGMENT_KINDS, TimestampedKind
from legalcase.models import Case, Contract, CourtEvent, EvidenceItem, Party, Payment, Receivable

from ..claims import CaseClaim, claim_for_case
from ..judgments import judgment_figures
from ..timestamps import shown_timestamps
from .content_context import content_context
from .parties_context import case_guarantees, guarantee_data, parties_context


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
        .where(CourtEvent.case_id == case.id, CourtEvent.kind.in_(list(JUDGMENT_KINDS)))
        .order_by(CourtEvent.id.desc())
    )
    evidence = list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.case_id == case.id, EvidenceItem.status == "active")
            .order_by(EvidenceItem.id)
        )
    )
    guarantors = [
        {**party_data(g.party), **guarantee_data(g)} for g in case_guarantees(session, case)
    ]
    principal = claim.principal_outstanding
    # each receivable's principal left as the claim has it (the case's allocation setting), so
    # the invoice table adds up to the claim's principal; after a judgment, as booked
    by_receivable = claim.by_receivable if isinstance(claim, CaseClaim) else {}
    left = {r.id: by_receivable.get(r.id, r.outstanding) for r in receivables}
    allocation = claim.allocation_label if isinstance(claim, CaseClaim) else "按生效法律文书"
    plan = [principal / 3, principal / 3]
    plan = [p.quantize(Decimal("0.01")) for p in plan]
    plan.append(principal - sum(plan))
    first_due = as_of + timedelta(days=30)
    context = {
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
        "debtor": party_data(debtor),
        "guarantor": guarantors[0] if guarantors else None,  # the first (templates of v1)
        "guarantors": guarantors,
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
                "paid": _money(r.amount - left[r.id]),
                "outstanding": _money(left[r.id]),
            }
            for r in receivables
            if left[r.id] != 0  # nothing owed on it (paid or credited): not demanded
        ],
        "payments": [{"date": str(p.paid_date), "amount": _money(p.amount)} for p in payments],
        "claim": {
            "as_of": chinese_date(as_of),
            "paid": _money(sum((r.amount - left[r.id] for r in receivables), Decimal(0))),
            "allocation": allocation,
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
        "evidence": _evidence_list(session, evidence),
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
            **judgment_figures(claim),  # what it awarded and what is owed on it (issue 12.3)
        },
    }
    context.update(parties_context(session, case, context))  # parties, issuer, court
    context.update(content_context(session, case, context, claim, as_of))  # what it says
    return context


def party_data(p: Party) -> dict:
    """A party as templates see it (debtor, guarantor)."""
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
    if doc_type == "enforcement_application" and not context["judgment"]["effective"]:
        raise DomainError(  # no override: the application names the date it took effect
            "preconditions",
            "强制执行申请书不能生成：未登记生效法律文书的生效日期（请在案件的法院事件中登记判决的生效日期）",
            {"missing": "生效法律文书的生效日期"},
        )
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


def _evidence_list(session: Session, evidence: list[EvidenceItem]) -> list[dict]:
    """The evidence list: each item's SHA-256 and its timestamp as the bundle's index shows
    it (services/timestamps.py: time, authority, 内部时间戳（非第三方）, 待补时间戳)."""
    stamps = shown_timestamps(session, TimestampedKind.EVIDENCE, evidence)
    return [
        {
            "number": n,
            "title": e.title,
            "purpose": e.purpose or KINDS[e.kind],
            "sha256": e.sha256,
            "timestamp": stamps[e.id].text,
        }
        for n, e in enumerate(evidence, start=1)
    ]
