"""The default court filings (起诉状, 财产保全申请书, 强制执行申请书): what they say.

Written by ``templates/build.py`` (run: python templates/build.py), with its page set-up.
"""

from __future__ import annotations

from build import CLAIM_LINES, RECEIVABLES, new_doc, para, table, title
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH


def closing(doc, court: str, signer: str) -> None:
    """A filing's end: 此致, the court, the creditor as signer (sealed), its legal
    representative's signature, the date."""
    para(doc, "此致")
    para(doc, court)
    para(doc, f"{signer}：{{{{ creditor.name }}}}（盖章）", right=True)
    para(doc, "法定代表人或负责人（签字）：＿＿＿＿＿＿", right=True)
    para(doc, "{{ today }}", right=True)


def party_blocks(doc, creditor_role: str, debtor_role: str) -> None:
    """The identity blocks: the creditor, then each defendant (the debtor, then each guarantor,
    whose ``note`` names its guarantee: "（保证人，连带责任保证）")."""
    para(doc, creditor_role + "：{{ creditor.identity }}")
    para(doc, "{%p for d in defendants %}")
    para(doc, debtor_role + "{{ d.suffix }}：{{ d.identity }}{{ d.note }}")
    para(doc, "{%p endfor %}")


def assets(doc, who: str) -> None:
    """The respondent's known assets (the case's asset leads), or a marked blank."""
    para(doc, who + "财产线索：")
    para(doc, "{%p if assets %}")
    table(doc, ["财产线索"], "a in assets", ["{{ a.description }}"])
    para(doc, "{%p else %}")
    para(doc, "【待律师填写：" + who + "的财产线索（银行账户、不动产、车辆、股权等）】")
    para(doc, "{%p endif %}")


def preservation() -> Document:
    doc = new_doc()
    title(doc, "财产保全申请书")
    party_blocks(doc, "申请人", "被申请人")
    para(
        doc,
        "请求事项：请求依法冻结被申请人名下银行存款人民币{{ claim.total }}元（{{ claim.total_cn }}），"
        "或查封、扣押其相应价值的其他财产。",
    )
    para(
        doc,
        "事实与理由：申请人与被申请人{{ cause.name }}一案{{ preservation.case_line }}，{{ preservation.judgment_line }}被申请人欠付"
        "{{ cause.principal_label }}{{ claim.principal }}元（{{ claim.principal_cn }}）及逾期利息{{ claim.interest }}元。"
        "被申请人{{ paid_note }}。申请人的催告：{{ demands_text }}。被申请人有转移、隐匿财产的可能，"
        "为保证将来生效法律文书得以执行，申请人依据{{ preservation.basis }}的规定，申请{{ preservation.stage }}"
        "财产保全。{{ preservation.undertaking }}",
    )
    assets(doc, "被申请人")
    para(doc, "担保：申请人以{{ preservation.security }}提供担保。")
    closing(doc, "{{ court }}", "申请人")
    return doc


def complaint() -> Document:
    doc = new_doc()
    title(doc, "民事起诉状")
    p = doc.add_paragraph("（{{ cause.name }}）")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "{%p if cause.element_form %}")
    para(doc, "（要素式，最高人民法院民事起诉状示范文本{{ cause.form }}）")
    para(doc, "一、当事人信息")
    para(doc, "{%p endif %}")
    party_blocks(doc, "原告", "被告")
    para(
        doc,
        "委托诉讼代理人：{{ firm.lawyers }}，{{ firm.name }}律师，联系电话：{{ firm.phone }}，代理权限：【待律师填写：一般授权／特别授权】。",
    )
    para(
        doc,
        "送达地址确认：原告的送达地址为{{ firm.address }}（{{ firm.name }}），收件人{{ firm.lawyers }}，"
        "是否同意电子送达：【待律师填写：是／否，电子送达地址】。",
    )
    para(doc, "{%p if cause.element_form %}")
    para(doc, "二、诉讼请求")
    para(doc, "{%p else %}")
    para(doc, "诉讼请求：")
    para(doc, "{%p endif %}")
    para(doc, "{%p for r in requests %}")
    para(doc, "{{ r.n }}. {{ r.text }}；")
    para(doc, "{%p endfor %}")
    para(doc, "标的总额：{{ claim.total }}元（{{ claim.total_cn }}）。计算明细：")
    table(doc, *CLAIM_LINES)
    para(doc, "{%p if cause.element_form %}")
    para(doc, "三、约定管辖和诉前保全")
    para(doc, "{%p endif %}")
    para(doc, "约定管辖：{{ forum }}。")
    para(doc, "诉前保全：{{ preservation.requested }}。")
    para(doc, "{%p if cause.element_form %}")
    para(doc, "四、事实与理由")
    table(
        doc,
        ["要素", "内容"],
        "f in facts",
        ["{{ f.label }}", "{{ f.text }}"],
        [36, 120],
    )
    para(doc, "{%p else %}")
    para(doc, "事实与理由：")
    para(doc, "{%p for f in facts %}")
    para(doc, "{{ f.label }}：{{ f.text }}。")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "应收款项明细：")
    table(doc, *RECEIVABLES)
    para(doc, "综上，依据{{ cause.basis }}等规定，特诉至贵院，请依法判如所请。")
    para(doc, "{%p if cause.element_form %}")
    para(doc, "五、证据清单")
    para(doc, "{%p else %}")
    para(doc, "证据清单：")
    para(doc, "{%p endif %}")
    para(doc, "{%p if evidence %}")
    table(
        doc,
        ["序号", "证据名称", "证明目的"],
        "e in evidence",
        ["{{ e.number }}", "{{ e.title }}", "{{ e.purpose }}"],
        [14, 60, 82],
        under="SHA-256：{{ e.sha256 }}\n时间戳：{{ e.timestamp }}",
    )
    para(doc, "{%p else %}")
    para(doc, "【待律师填写：证据清单（本案尚未登记证据）】")
    para(doc, "{%p endif %}")
    para(doc, "{%p if cause.element_form %}")
    para(doc, "六、对纠纷解决方式的意愿")
    para(doc, "{%p endif %}")
    para(doc, "是否了解并考虑先行调解：{{ mediation }}")
    closing(doc, "{{ court }}", "具状人")
    para(doc, "附：本状副本{{ copies }}份")
    return doc


def enforcement() -> Document:
    doc = new_doc()
    title(doc, "强制执行申请书")
    para(doc, "申请执行人：{{ creditor.identity }}")
    para(doc, "被执行人：{{ debtor.identity }}")
    para(doc, "{%p for g in guarantors %}")
    para(
        doc,
        "被执行人（保证人，{{ g.guarantee_label }}）：{{ g.identity }}"
        "【待律师核对：生效法律文书是否判令其承担保证责任；未判令的删除本项】",
    )
    para(doc, "{%p endfor %}")
    para(
        doc,
        "执行依据：{{ judgment.court }}作出的{{ judgment.number }}，已于{{ judgment.effective }}发生法律效力。",
    )
    para(doc, "执行请求：")
    # The items from the judgment's awards (RULES.md s.6), never recomputed from the contract.
    para(doc, "{%p if judgment.awarded %}")
    para(
        doc,
        "1. 执行生效法律文书确定的款项共计{{ judgment.awarded_total }}元（本金{{ judgment.awarded_principal }}元、"
        "利息{{ judgment.awarded_interest }}元、诉讼费等{{ judgment.awarded_costs }}元），扣除判决生效后已履行的"
        "{{ judgment.paid }}元，尚欠{{ judgment.outstanding }}元（{{ judgment.outstanding_cn }}），其中诉讼费等"
        "{{ judgment.costs_outstanding }}元、利息{{ judgment.interest_outstanding }}元、本金"
        "{{ judgment.principal_outstanding }}元；",
    )
    para(
        doc,
        "（大写：共计{{ judgment.awarded_total_cn }}，其中本金{{ judgment.awarded_principal_cn }}、"
        "利息{{ judgment.awarded_interest_cn }}、诉讼费等{{ judgment.awarded_costs_cn }}；"
        "已履行{{ judgment.paid_cn }}）",
    )
    para(
        doc,
        "2. 执行迟延履行期间的加倍部分债务利息，截至{{ claim.as_of }}为{{ judgment.delayed_interest }}元"
        "（{{ judgment.delayed_interest_cn }}；以尚未履行的除一般债务利息以外的金钱债务为基数，按日万分之一点七五计算，"
        "自{{ judgment.performance_due }}次日起至实际履行之日止）；",
    )
    para(
        doc,
        "以上截至{{ claim.as_of }}合计{{ judgment.total }}元（{{ judgment.total_cn }}）；",
    )
    para(doc, "{%p else %}")
    para(
        doc,
        "1. 执行生效法律文书确定的款项：【待律师填写：判决确定的本金、利息、诉讼费等（请先在案件的法院事件中登记判决金额）】；",
    )
    para(
        doc,
        "2. 执行迟延履行期间的加倍部分债务利息（按日万分之一点七五计算，自{{ judgment.performance_due }}"
        "次日起至实际履行之日止）；",
    )
    para(doc, "{%p endif %}")
    para(doc, "3. 被执行人承担本案执行费用。")
    para(doc, "金额计算明细：")
    table(doc, *CLAIM_LINES)
    para(
        doc,
        "事实与理由：上述生效法律文书确定的履行期限最后一日为{{ judgment.performance_due }}，被执行人至今未全部履行，"
        "申请人在法定二年期限内申请强制执行。",
    )
    assets(doc, "被执行人")
    closing(doc, "{{ judgment.court }}", "申请执行人")
    para(doc, "附：生效法律文书及生效证明、申请执行人身份证明、授权委托书。")
    return doc
