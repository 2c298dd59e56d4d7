"""What the documents SAY, from the case's record (DOCUMENTS.md v2, issue 13 points 1-5):
the cause of action and its articles, the defendants with their claims, the facts element by
element, the complaint's requests, the preservation's basis and security, the enforcement's
items from the judgment, the repayment plan. A fact the case does not hold is a marked blank
for the lawyer (``blank``), never asserted.

``content_context`` is merged into ``context.document_context``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.chinese import amount_in_capitals, chinese_date
from legalcase.domain.causes import cause_for
from legalcase.domain.values import (
    CHANNELS,
    CONTRACT_KINDS,
    CourtEventKind,
    GuaranteeType,
    LegalEffect,
    Outcome,
)
from legalcase.models import Case, Contract, CourtEvent, EvidenceItem, LedgerEntry, Receivable

from ..assets import property_clues
from ..clock import SHANGHAI
from ..disputes import quality_dispute_text
from ..judgments import JudgmentClaim
from ..plans import agreement_instalments


def blank(what: str) -> str:
    """A marked blank the lawyer fills in before the document is sent or filed."""
    return f"【待律师填写：{what}】"


def _m(value: Decimal) -> str:
    return f"{value:,.2f}"


def _day(moment: datetime) -> date:
    """The day in China of a stored UTC time."""
    return (moment.astimezone(SHANGHAI) if moment.tzinfo else moment).date()


def _demands(session: Session, case: Case) -> list[dict]:
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.case_id == case.id, LedgerEntry.legal_effect == LegalEffect.DEMAND)
        .order_by(LedgerEntry.contacted_at, LedgerEntry.id)
    )
    out = []
    for e in entries:
        day = _day(e.contacted_at)
        out.append(
            {
                "date": chinese_date(day),
                "channel": CHANNELS.get(e.channel, e.channel),
                "addressee": "保证人" if e.addressee == "guarantor" else "债务人",
                "arrived": chinese_date(e.arrival_date) if e.arrival_date else "",
            }
        )
    return out


def _demands_text(demands: list[dict]) -> str:
    """The demands made, in words that fit a letter and a filing alike."""
    if not demands:
        return blank("是否催促过履行（本案催收台账未记录催告）")
    parts = [
        f"{d['date']}以{d['channel']}方式向{d['addressee']}催告"
        + (f"（{d['arrived']}送达）" if d["arrived"] else "")
        for d in demands
    ]
    return "；".join(parts) + "，至今未获清偿"


def _pre_suit(session: Session, case: Case) -> str:
    event = session.scalar(
        select(CourtEvent)
        .where(
            CourtEvent.case_id == case.id,
            CourtEvent.kind == CourtEventKind.PRESERVATION,
            CourtEvent.is_pre_suit.is_(True),
        )
        .order_by(CourtEvent.id)
    )
    if event is None:
        return "否（本案未登记诉前保全）"
    parts = [
        event.court_name or blank("保全法院"),
        chinese_date(event.event_date) if event.event_date else blank("保全日期"),
        event.document_number or blank("保全案号"),
    ]
    return "是：" + "，".join(parts)


def _disputes(session: Session, case: Case) -> str:
    # the disputes recorded on receivables (issue 16), with their outcome; else the ledger's
    recorded = quality_dispute_text(session, case, lambda at: chinese_date(_day(at)))
    if recorded:
        return recorded
    entries = list(
        session.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.case_id == case.id,
                (LedgerEntry.outcome == Outcome.DISPUTED)
                | (LedgerEntry.non_payment_reason == "dispute"),
            )
            .order_by(LedgerEntry.contacted_at)
        )
    )
    if not entries:
        return "本案未记录被告提出的质量或数量异议"
    e = entries[0]
    return f"被告曾于{chinese_date(_day(e.contacted_at))}提出异议：{e.summary}"


ORDINALS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    """1 -> 一 ... 10 -> 十, 11 -> 十一 ... 19 -> 十九 (a case has that many defendants at most)."""
    return ORDINALS[n - 1] if n <= 10 else "十" + ORDINALS[n - 11]


def _defendants(context: dict) -> tuple[list[dict], list[str]]:
    """The debtor, then each guarantor (被告一, 被告二, ...), and the request of each guarantor's
    liability by the type of its guarantee."""
    debtor, guarantors = context["debtor"], context.get("guarantors") or []
    many = bool(guarantors)
    rows = [
        {
            "role": "被告一" if many else "被告",
            "suffix": "一" if many else "",
            "identity": debtor["identity"],
            "note": "",
        }
    ]
    liabilities = []
    for n, g in enumerate(guarantors, start=2):
        who = f"被告{_ordinal(n)}{g['name']}"
        if g.get("guarantee_type") == GuaranteeType.JOINT:
            liabilities.append(f"判令{who}对上述债务承担连带清偿责任（连带责任保证）")
        elif g.get("guarantee_type") == GuaranteeType.GENERAL:
            liabilities.append(
                f"判令{who}对被告一{debtor['name']}的上述债务，"
                "在其财产依法强制执行后仍不能履行的部分承担清偿责任（一般保证）"
            )
        else:
            liabilities.append(f"判令{who}承担保证责任（{blank('保证方式')}）")
        rows.append(
            {
                "role": f"被告{_ordinal(n)}",
                "suffix": _ordinal(n),
                "identity": g["identity"],
                "note": f"（保证人，{g.get('guarantee_label') or '保证方式未登记'}）",
            }
        )
    return rows, liabilities


def _judgment_capitals(claim) -> dict:
    """Each item the judgment awarded, and what was paid on it since, in capitals."""
    if not isinstance(claim, JudgmentClaim):
        return {}
    items = {
        "awarded_principal": claim.awarded_principal,
        "awarded_interest": claim.awarded_interest,
        "awarded_costs": claim.awarded_costs,
        "awarded_total": claim.awarded_total,
        "paid": claim.paid_after,
        "delayed_interest": claim.delayed_performance_interest,
    }
    return {f"{k}_cn": amount_in_capitals(v) for k, v in items.items()}


def _preservation_stage(case: Case, judgment: dict) -> dict:
    """Before suit (CPL 104), during suit (CPL 103) or after an effective judgment and before
    enforcement (SPC interpretation of the CPL, art. 163), with what the applicant undertakes."""
    line = f"（{case.case_number}）" if case.case_number else ""
    if judgment.get("effective") and judgment.get("number"):
        return {
            "stage": "执行前",
            "basis": "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百六十三条",
            "undertaking": "申请人将在生效法律文书指定的履行期间届满后五日内申请执行。",
            "case_line": line,
            "judgment_line": f"{judgment['court']}作出的{judgment['number']}已于"
            f"{judgment['effective']}发生法律效力。",
        }
    if case.case_number:
        return {
            "stage": "诉讼中",
            "basis": "《中华人民共和国民事诉讼法》第一百零三条",
            "undertaking": "",
            "case_line": line,
            "judgment_line": "",
        }
    return {
        "stage": "诉前",
        "basis": "《中华人民共和国民事诉讼法》第一百零四条",
        "undertaking": "申请人将在人民法院采取保全措施后三十日内依法提起诉讼或者申请仲裁。",
        "case_line": "",
        "judgment_line": "",
    }


def _instalments(principal: Decimal, interest: Decimal, first_due: date) -> list[dict]:
    """Three monthly instalments of principal and interest (the last takes the cents)."""
    out = []
    p_left, i_left = principal, interest
    for n in range(3):
        p = (principal / 3).quantize(Decimal("0.01")) if n < 2 else p_left
        i = (interest / 3).quantize(Decimal("0.01")) if n < 2 else i_left
        p_left, i_left = p_left - p, i_left - i
        out.append(
            {
                "seq": n + 1,
                "due": chinese_date(first_due + timedelta(days=30 * n)),
                "principal": _m(p),
                "interest": _m(i),
                "amount": _m(p + i),
                "amount_cn": amount_in_capitals(p + i),
            }
        )
    return out


def content_context(session: Session, case: Case, context: dict, claim, as_of: date) -> dict:
    """The keys this module adds to (or refines in) the document context."""
    contract = session.scalar(
        select(Contract).where(Contract.case_id == case.id).order_by(Contract.id)
    )
    kind = contract.kind if contract else None
    cause = cause_for(kind, CONTRACT_KINDS.get(kind or "", kind))
    principal, interest = claim.principal_outstanding, claim.interest_outstanding
    receivables = list(
        session.scalars(
            select(Receivable).where(Receivable.case_id == case.id).order_by(Receivable.due_date)
        )
    )
    evidence = list(
        session.scalars(
            select(EvidenceItem).where(
                EvidenceItem.case_id == case.id, EvidenceItem.status == "active"
            )
        )
    )
    paid_total = sum((r.amount for r in receivables), Decimal(0)) - principal
    if not context["payments"] and paid_total <= 0:
        paid = f"至今分文未付，{cause.principal_label}{_m(principal)}元全部未付"
    else:
        paid = f"已付{_m(paid_total)}元，尚欠{cause.principal_label}{_m(principal)}元未付"
    demands = _demands(session, case)
    defendants, liabilities = _defendants(context)
    rate = context["claim"]["rate_note"]
    next_day = chinese_date(as_of + timedelta(days=1))
    if interest > 0 or (contract and contract.late_fee_type != "none"):
        interest_text = (
            f"暂计至{chinese_date(as_of)}为{_m(interest)}元；自{next_day}起以{_m(principal)}元"
            f"为基数，按{rate}计算至实际清偿之日止"
        )
    else:
        interest_text = blank("逾期付款利息（违约金）的基数、标准和起算日")
    late_fee = blank("违约金条款（合同条款及约定）")
    if contract and contract.late_fee_type == "annual_rate" and contract.late_fee_rate:
        late_fee = f"合同约定逾期付款按年利率{contract.late_fee_rate.normalize():f}%计收违约金"
    elif contract and contract.late_fee_type == "daily_rate" and contract.late_fee_rate:
        late_fee = f"合同约定逾期付款按日{contract.late_fee_rate.normalize():f}%计收违约金"
    elif contract and contract.late_fee_type == "fixed_penalty" and contract.late_fee_amount:
        late_fee = f"合同约定违约金{_m(contract.late_fee_amount)}元"
    oldest = next((r for r in receivables if r.due_date < as_of), None)
    delivered = [e.title for e in evidence if e.kind == "delivery"]
    venue = (contract.dispute_venue or "").strip() if contract else ""
    guarantors = context.get("guarantors") or []
    security = (
        "；".join(
            f"{g['name']}提供{g.get('guarantee_label') or '保证'}"
            + (f"，约定保证期间至{g['period_end']}" if g.get("period_end") else "")
            for g in guarantors
        )
        if guarantors
        else "本案未登记保证人或担保物"
    )
    debtor_role = "被告一" if guarantors else "被告"
    subject_fact = {
        "loan": f"借款金额{context['contract']['amount']}元",
        "financing": blank("租赁物名称、数量及交付情况"),
        "lease": blank("租赁物名称、租赁期限及交付情况"),
        "sale": blank("货物名称、规格、数量"),
    }.get(kind or "", blank("合同标的"))
    c = context["contract"]
    signed = (
        f"原告与{debtor_role}{context['debtor']['name']}于{c['signed']}签订《{cause.contract_label}》"
        f"（编号：{c['number']}），合同金额{c['amount']}元（{c['amount_cn']}）；"
        f"签订地点：{blank('签订地点')}"
        if contract
        else blank("合同的签订情况（名称、编号、日期、地点）")
    )
    facts = [
        ("合同的签订情况", signed),
        (
            "合同主体",
            f"{cause.creditor_role}：原告{context['creditor']['name']}；"
            f"{cause.debtor_role}：{debtor_role}{context['debtor']['name']}",
        ),
        (f"{cause.subject}情况", subject_fact),
        ("价格及支付方式", c["terms"] or blank("价款及支付方式")),
        (
            "交付、验收",
            ("交付凭证：" + "、".join(delivered)) if delivered else blank("交付及验收情况"),
        ),
        ("违约金/迟延履行违约金", late_fee),
        (f"{cause.principal_label}支付情况", f"{debtor_role}{paid}"),
        (
            "是否存在迟延履行",
            f"是，最早一笔款项应于{chinese_date(oldest.due_date)}支付，逾期至今"
            if oldest
            else blank("迟延履行情况"),
        ),
        ("是否催促过履行", ("原告于" if demands else "") + _demands_text(demands)),
        ("是否提出异议", _disputes(session, case)),
        ("是否通知解除合同", "本案未记录解除合同的通知"),
        ("利息/违约金", interest_text),
        ("担保情况", security),
        ("请求承担责任的依据", cause.basis),
    ]
    requests = [
        f"判令{debtor_role}{context['debtor']['name']}支付{cause.principal_label}{_m(principal)}元"
        f"（{amount_in_capitals(principal)}）",
        f"判令{debtor_role}支付逾期付款利息（违约金）：{interest_text}",
    ]
    requests += liabilities
    requests += [
        f"实现债权的费用（律师费、保全保险费等）：{blank('如主张，写明项目和金额')}",
        "判令被告承担本案诉讼费用",
    ]
    pre_suit_event = _pre_suit(session, case)
    return {
        "cause": {
            "name": cause.name,
            "title": cause.title,
            "element_form": bool(cause.element_form),
            "form": cause.element_form,
            "contract_label": cause.contract_label,
            "principal_label": cause.principal_label,
            "basis": cause.basis,
        },
        "defendants": defendants,
        "requests": [{"n": n, "text": t} for n, t in enumerate(requests, start=1)],
        "facts": [{"label": label, "text": text} for label, text in facts],
        "demands": demands,
        "demands_text": _demands_text(demands),
        "paid_note": paid,
        "forum": (
            f"合同约定由{venue}管辖"
            if venue
            else blank("合同的管辖条款（条款序号及内容），或无约定")
        ),
        "mediation": blank("是否了解并愿意先行调解（是／否）"),
        "copies": len(defendants),
        "preservation": {
            "requested": pre_suit_event,
            "security": blank(
                "担保方式：现金、财产、保险公司保函（写明保险公司）、银行保函，或无需担保的理由"
            ),
            **_preservation_stage(case, context["judgment"]),
        },
        "owner": {
            **context["owner"],
            "phone": context["creditor"]["phone"] or blank("联系电话"),
            "contact": "，".join(
                p
                for p in (
                    f"电话：{context['creditor']['phone']}" if context["creditor"]["phone"] else "",
                    f"邮箱：{case.owner.email}" if case.owner.email else "",
                )
                if p
            )
            or blank("联系电话"),
        },
        # the recorded repayment plan's (services.plans), else three monthly instalments
        "instalments": agreement_instalments(session, case.id)
        or _instalments(principal, interest, as_of + timedelta(days=30)),
        "payee": context["creditor"]["account"] or blank("收款账户（开户行、户名、账号）"),
        # the property clues of the preservation and enforcement applications (issue 17.5)
        "assets": property_clues(session, case),
        "judgment": {**context["judgment"], **_judgment_capitals(claim)},
    }
