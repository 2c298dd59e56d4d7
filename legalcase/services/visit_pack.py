"""The field-visit pack (上门催收材料, issue 17 point 4): every address of the debtor side, the
exact figures, the history, the team and what to bring; as a page and as a PDF (reportlab,
``docgen.sheet``) ending with a 还款承诺书 to sign.

The figures are the case's one amount owed: the stored balances (``balances.figures_of`` via
``Case``) and the claim (``claims.claim_for_case``) that the header and the documents show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.chinese import amount_in_capitals, chinese_date
from docgen.sheet import Section, render_sheet
from legalcase.domain.money import ZERO, format_money
from legalcase.domain.values import (
    CHANNELS,
    DISPUTE_REASONS,
    DISPUTE_STATUSES,
    OUTCOMES,
    PROMISE_STATUSES,
    RELATIONS,
    VISIT_ROLES,
    Outcome,
    Relation,
)
from legalcase.models import Case, Contract, Dispute, LedgerEntry, Party, Promise, Receivable, Visit

from .assets import case_parties
from .claims import claim_for_case
from .clock import SHANGHAI
from .promises import effective_status

NONE = "（未登记）"
RELATION_ORDER = {r.value: n for n, r in enumerate(Relation)}


@dataclass
class Pack:
    title: str
    subtitle: str
    as_of: date
    addresses: list[list[str]] = field(default_factory=list)
    figures: list[list[str]] = field(default_factory=list)
    interest_basis: str = ""
    lines: list[list[str]] = field(default_factory=list)
    promises: list[list[str]] = field(default_factory=list)
    broken: int = 0
    contacts: list[list[str]] = field(default_factory=list)
    disputes: list[list[str]] = field(default_factory=list)
    team: list[list[str]] = field(default_factory=list)
    bring: list[str] = field(default_factory=list)
    commitment: list[str] = field(default_factory=list)


def _m(value: Decimal, currency: str = "CNY") -> str:
    return format_money(value, currency)


def _party_rows(party: Party, role: str) -> list[list[str]]:
    company = party.kind == "company"
    rows = [
        [
            role,
            "住所地" if company else "户籍地",
            party.name,
            party.registered_address or NONE,
            party.phone or "",
        ]
    ]
    if party.actual_address and party.actual_address != party.registered_address:
        rows.append(
            [role, "实际经营地" if company else "经常居住地", party.name, party.actual_address, ""]
        )
    contacts = sorted(party.contacts, key=lambda c: (RELATION_ORDER.get(c.relation, 99), c.id))
    if company and party.legal_rep and not any(c.relation == "legal_rep" for c in contacts):
        rows.append([role, "法定代表人", party.legal_rep, NONE, ""])
    for c in contacts:
        rows.append(
            [
                role,
                RELATIONS.get(c.relation, c.relation),
                c.name,
                c.address or NONE,
                c.phone or "",
            ]
        )
    return rows


def _overdue(claim, receivables: list[Receivable], as_of: date) -> Decimal:
    """The principal past due: of the claim's principal left per receivable (the one amount
    owed), the part of receivables already due; after a judgment, all of it."""
    left = getattr(claim, "by_receivable", None)
    if not left:
        return claim.principal_outstanding
    due = {r.id for r in receivables if r.due_date < as_of}
    return sum((v for rid, v in left.items() if rid in due), ZERO)


def build_pack(session: Session, case: Case, visit: Visit | None, as_of: date) -> Pack:
    cur = case.currency
    visit_day = visit.planned_date if visit else as_of
    pack = Pack(
        title="上门催收材料",
        subtitle=(
            f"案件：{case.title}　债权人：{case.creditor.name}　债务人：{case.debtor.name}　"
            f"走访日期：{visit_day}　数据截至：{as_of}"
        ),
        as_of=as_of,
    )
    for p in case_parties(session, case):
        pack.addresses += _party_rows(p, "债务人" if p.id == case.debtor_id else "保证人")

    receivables = list(
        session.scalars(
            select(Receivable).where(Receivable.case_id == case.id).order_by(Receivable.due_date)
        )
    )
    claim = claim_for_case(session, case, as_of)
    overdue = _overdue(claim, receivables, as_of)
    pack.figures = [
        ["应收本金（初始欠款）", _m(case.principal_amount, cur)],
        ["已付", _m(case.paid_amount, cur)],
        ["其中已逾期未付本金", _m(overdue, cur)],
        ["尚欠本金", _m(claim.principal_outstanding, cur)],
        [f"逾期利息/违约金（计至{as_of}）", _m(claim.interest_outstanding, cur)],
    ]
    if claim.costs_outstanding:
        pack.figures.append(["费用", _m(claim.costs_outstanding, cur)])
    if claim.delayed_performance_interest:
        pack.figures.append(["迟延履行期间的债务利息", _m(claim.delayed_performance_interest, cur)])
    pack.figures.append(["合计应付", _m(claim.total, cur)])
    rate = next((line.rate for line in claim.lines if line.rate), None)
    pack.interest_basis = (
        f"以尚欠本金为基数，按{rate}计算" if rate else "无逾期利息计算（未约定或未逾期）"
    )
    pack.lines = [
        [
            line.what,
            f"{line.start}\n至{line.end}" if line.days else "",  # a date never breaks
            _m(line.base, cur) if line.days else "",
            line.rate or "",
            _m(line.amount, cur) if line.amount else "",
        ]
        for line in claim.lines
    ]

    for pr in session.scalars(
        select(Promise).where(Promise.case_id == case.id).order_by(Promise.made_date, Promise.id)
    ):
        status = effective_status(pr, as_of)
        pack.broken += status.value == "broken"
        pack.promises.append(
            [
                str(pr.made_date),
                str(pr.due_date),
                _m(pr.amount, cur),
                PROMISE_STATUSES.get(status.value, status.value),
            ]
        )
    entries = list(
        session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.case_id == case.id)
            .order_by(LedgerEntry.contacted_at.desc(), LedgerEntry.id.desc())
        )
    )
    for e in entries[:10]:
        pack.contacts.append(
            [
                e.contacted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                CHANNELS.get(e.channel, e.channel),
                e.person_reached or (e.contact.name if e.contact else ""),
                e.summary[:120],
                OUTCOMES.get(e.outcome, e.outcome),
            ]
        )
    for d in session.scalars(  # disputes registered on receivables (issue 16)
        select(Dispute).where(Dispute.case_id == case.id).order_by(Dispute.opened_at, Dispute.id)
    ):
        what = f"发票{d.receivable.invoice_no}：{DISPUTE_REASONS.get(d.reason, d.reason)}"
        what += f"，争议金额{_m(d.amount, cur)}（{DISPUTE_STATUSES.get(d.status, d.status)}）"
        pack.disputes.append(
            [
                d.opened_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                what + (f"：{d.description}" if d.description else ""),
            ]
        )
    for e in entries:  # what the debtor side disputed, as the ledger records it
        if e.outcome == Outcome.DISPUTED or e.non_payment_reason == "dispute":
            pack.disputes.append(
                [e.contacted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"), e.summary[:200]]
            )

    pack.team = [["承办人", case.owner.display_name, case.owner.email or ""]]
    for m in visit.members if visit else []:
        pack.team.append([VISIT_ROLES.get(m.role, m.role), m.user.display_name, m.user.email or ""])
    names = "、".join(dict.fromkeys(m.user.display_name for m in visit.members)) if visit else ""
    contracts = list(session.scalars(select(Contract.number).where(Contract.case_id == case.id)))
    invoices = "、".join(r.invoice_no for r in receivables if r.amount > r.paid_amount)
    pack.bring = [
        "走访人员的居民身份证和工作证",
        f"{case.creditor.name}出具的授权委托书/介绍信（载明走访人员：{names or '（见团队名单）'}）",
        "合同原件或复印件：" + ("、".join(contracts) if contracts else "（本案未登记合同）"),
        "对账单及未付发票清单：" + (invoices or "（无未付发票）"),
        "还款承诺书一式两份（见本材料末页，当场请债务人签字盖章）",
        "录音录像设备：照片须能看出拍摄时间和地点（事后作为证据上传）",
    ]
    debtor = case.debtor
    code = f"（统一社会信用代码/身份证号：{debtor.id_code}）" if debtor.id_code else ""
    owed = claim.total
    pack.commitment = [
        f"承诺人：{debtor.name}{code}",
        f"债权人：{case.creditor.name}",
        f"承诺人确认：截至{chinese_date(as_of)}，承诺人尚欠债权人本金{_m(claim.principal_outstanding, cur)}元"
        f"（{amount_in_capitals(claim.principal_outstanding)}），逾期利息/违约金{_m(claim.interest_outstanding, cur)}元，"
        f"合计{_m(owed, cur)}元（{amount_in_capitals(owed)}）。",
        "承诺人承诺于＿＿＿＿年＿＿月＿＿日前向债权人支付人民币＿＿＿＿＿＿＿＿元，"
        "余款于＿＿＿＿年＿＿月＿＿日前付清。如未按期付款，债权人有权就全部欠款及利息主张权利。",
        "承诺人（签字/盖章）：＿＿＿＿＿＿＿＿　　法定代表人或授权代表（签字）：＿＿＿＿＿＿＿＿",
        "签署地点：＿＿＿＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
    ]
    return pack


def pack_pdf(pack: Pack) -> bytes:
    sections = [
        Section(
            "一、地址（债务人、法定代表人、保证人、亲属及工作地点）",
            header=["对象", "关系", "姓名/名称", "地址", "电话"],
            rows=pack.addresses,
            widths=[0.08, 0.12, 0.28, 0.37, 0.15],
        ),
        Section(
            "二、欠款金额",
            header=["项目", "金额（元）"],
            rows=pack.figures,
            widths=[0.6, 0.4],
            after=[f"利息计算依据：{pack.interest_basis}"],
        ),
        Section(
            "三、计算明细",
            header=["项目", "期间", "基数", "利率", "金额"],
            rows=pack.lines,
            widths=[0.24, 0.18, 0.17, 0.24, 0.17],
        ),
        Section(
            f"四、还款承诺（违约 {pack.broken} 次）",
            header=["承诺日", "承诺还款日", "金额", "状态"],
            rows=pack.promises or [["—", "—", "—", "无承诺记录"]],
            widths=[0.25, 0.25, 0.25, 0.25],
        ),
        Section(
            "五、近期催收记录",
            header=["日期", "方式", "接洽人", "摘要", "结果"],
            rows=pack.contacts or [["—", "", "", "无催收记录", ""]],
            widths=[0.14, 0.1, 0.14, 0.47, 0.15],
        ),
        Section(
            "六、债务人提出的异议",
            header=["日期", "内容"],
            rows=pack.disputes or [["—", "未记录异议"]],
            widths=[0.16, 0.84],
        ),
        Section(
            "七、走访团队及分工",
            header=["分工", "姓名", "邮箱"],
            rows=pack.team,
            widths=[0.25, 0.35, 0.4],
        ),
        Section(
            "八、携带材料", paragraphs=[f"{n}. {t}" for n, t in enumerate(pack.bring, start=1)]
        ),
        Section("还款承诺书", paragraphs=pack.commitment, new_page=True),
    ]
    return render_sheet(pack.title, sections, pack.subtitle)
