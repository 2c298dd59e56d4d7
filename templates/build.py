"""Writes the default document templates (templates/documents/*.docx) with python-docx.

Legal staff replace these through the 模板管理 screen; this script only makes the defaults,
so that they can be regenerated and reviewed as text. Run: python templates/build.py
The fields each template may use are listed in docgen/fields.py and templates/FIELDS.md.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).parent / "documents"


def new_doc() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return doc


def title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(18)


def para(doc, text: str, right: bool = False) -> None:
    p = doc.add_paragraph(text)
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def table(doc, header: list[str], loop: str, cells: list[str]) -> None:
    t = doc.add_table(rows=4, cols=len(header))
    t.style = "Table Grid"
    for i, h in enumerate(header):
        t.rows[0].cells[i].text = h
    t.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, c in enumerate(cells):
        t.rows[2].cells[i].text = c
    t.rows[3].cells[0].text = "{%tr endfor %}"


RECEIVABLES = (
    ["发票号", "开票日", "到期日", "金额", "已付", "未付"],
    "r in receivables",
    [
        "{{ r.invoice_no }}",
        "{{ r.issue_date }}",
        "{{ r.due_date }}",
        "{{ r.amount }}",
        "{{ r.paid }}",
        "{{ r.outstanding }}",
    ],
)
CLAIM_LINES = (
    ["项目", "起", "止", "天数", "基数", "利率/计算方式", "金额"],
    "l in claim.lines",
    [
        "{{ l.what }}",
        "{{ l.start }}",
        "{{ l.end }}",
        "{{ l.days }}",
        "{{ l.base }}",
        "{{ l.rate }}",
        "{{ l.amount }}",
    ],
)


def reminder(days: int) -> Document:
    doc = new_doc()
    title(doc, "催 款 函")
    para(doc, "编号：{{ letter_number }}", right=True)
    para(doc, "{{ debtor.name }}：")
    tone = (
        "贵司与我司之间的货款已逾期，可能因工作疏忽未及时安排，特此提醒。"
        if days == 30
        else "贵司所欠货款已逾期六十日以上，我司已多次提醒，请予以高度重视，并提出还款计划。"
    )
    para(
        doc,
        "我司与贵司于{{ contract.signed }}签订《{{ contract.number }}》合同。截至{{ claim.as_of }}，"
        "贵司尚欠货款{{ claim.principal }}元（大写：{{ claim.principal_cn }}）。" + tone,
    )
    table(doc, *RECEIVABLES)
    para(
        doc,
        "请于{{ pay_by }}前将上述款项支付至我司账户：{{ creditor.account }}。如已付款，请忽略本函。",
    )
    para(doc, "联系人：{{ owner.name }}　电话：{{ owner.phone }}")
    para(doc, "{{ creditor.name }}", right=True)
    para(doc, "{{ today }}", right=True)
    return doc


def statement() -> Document:
    doc = new_doc()
    title(doc, "对账确认函")
    para(doc, "编号：{{ letter_number }}", right=True)
    para(doc, "{{ debtor.name }}：")
    para(
        doc,
        "根据双方于{{ contract.signed }}签订的《{{ contract.number }}》合同及往来记录，截至{{ claim.as_of }}，"
        "双方往来明细如下：",
    )
    table(doc, *RECEIVABLES)
    table(doc, ["付款日期", "金额"], "p in payments", ["{{ p.date }}", "{{ p.amount }}"])
    para(doc, "回款冲抵方式：{{ claim.allocation }}。")
    para(
        doc,
        "贵司尚欠我司货款{{ claim.principal }}元（大写：{{ claim.principal_cn }}）。如核对无误，请在下方签字盖章后"
        "于{{ pay_by }}前寄回我司；如有不符，请注明。",
    )
    para(doc, "{{ creditor.name }}　{{ today }}", right=True)
    para(doc, "债务人确认：以上欠款属实。")
    para(doc, "{{ debtor.name }}（盖章）　法定代表人/授权代表：＿＿＿＿　日期：＿＿＿＿")
    return doc


def repayment() -> Document:
    doc = new_doc()
    title(doc, "还款协议")
    para(doc, "编号：{{ letter_number }}", right=True)
    para(
        doc,
        "甲方（债权人）：{{ creditor.name }}，统一社会信用代码：{{ creditor.code }}，住所：{{ creditor.address }}",
    )
    para(
        doc,
        "乙方（债务人）：{{ debtor.name }}，证件号码：{{ debtor.code }}，住所：{{ debtor.address }}",
    )
    para(
        doc,
        "一、乙方确认，截至{{ claim.as_of }}，乙方尚欠甲方货款本金{{ claim.principal }}元（大写："
        "{{ claim.principal_cn }}），逾期利息{{ claim.interest }}元。",
    )
    para(doc, "二、乙方按以下计划分期还款：")
    table(
        doc,
        ["期数", "还款日", "金额", "大写"],
        "i in instalments",
        ["{{ i.seq }}", "{{ i.due }}", "{{ i.amount }}", "{{ i.amount_cn }}"],
    )
    para(
        doc,
        "三、乙方任何一期未按时足额支付的，剩余全部款项立即到期，甲方有权一并主张本金、逾期利息及实现债权的费用。",
    )
    para(doc, "四、乙方按期足额清偿本金的，甲方同意免除逾期利息；本金不予减免。")
    para(doc, "甲方（盖章）：{{ creditor.name }}　　乙方（盖章）：{{ debtor.name }}")
    para(doc, "{{ today }}", right=True)
    return doc


def lawyer_letter() -> Document:
    doc = new_doc()
    para(doc, "{{ firm.name }}")
    para(doc, "{{ firm.address }}　电话：{{ firm.phone }}")
    title(doc, "关于{{ debtor.name }}拖欠{{ creditor.name }}货款事宜的律师函")
    para(doc, "{{ letter_number }}", right=True)
    para(doc, "{{ debtor.name }}（地址：{{ debtor.address }}）：")
    para(
        doc,
        "{{ firm.name }}接受{{ creditor.name }}（以下简称“委托人”）的委托，指派{{ firm.lawyers }}律师，"
        "就贵司拖欠委托人货款一事，郑重致函如下：",
    )
    para(
        doc,
        "一、事实。委托人与贵司于{{ contract.signed }}签订编号为{{ contract.number }}的合同，合同金额"
        "{{ contract.amount }}元。委托人已依约交货并开具发票，明细如下：",
    )
    table(doc, *RECEIVABLES)
    para(
        doc,
        "截至{{ claim.as_of }}，贵司已付款{{ claim.paid }}元，尚欠货款本金{{ claim.principal }}元，逾期付款利息"
        "{{ claim.interest }}元，合计{{ claim.total }}元（大写：{{ claim.total_cn }}）。计算明细：",
    )
    table(doc, *CLAIM_LINES)
    para(
        doc,
        "二、法律分析。根据《中华人民共和国民法典》第五百七十七条、第五百七十九条及第六百二十六条，贵司应依约支付"
        "价款，并承担逾期付款的违约责任。",
    )
    para(
        doc,
        "三、律师意见。请贵司于{{ pay_by }}前将上述款项支付至委托人账户（{{ creditor.account }}）。"
        "逾期未付的，委托人将依法提起诉讼并申请财产保全，由此产生的诉讼费、保全费、律师费等费用均由贵司承担。",
    )
    para(doc, "{{ firm.name }}　律师：{{ firm.lawyers }}", right=True)
    para(doc, "{{ firm_seal }}", right=True)
    para(doc, "{{ today }}", right=True)
    return doc


def preservation() -> Document:
    doc = new_doc()
    title(doc, "财产保全申请书")
    para(
        doc,
        "申请人：{{ creditor.name }}，统一社会信用代码：{{ creditor.code }}，住所：{{ creditor.address }}，"
        "法定代表人：{{ creditor.legal_rep }}",
    )
    para(
        doc,
        "被申请人：{{ debtor.name }}，证件号码：{{ debtor.code }}，住所：{{ debtor.address }}，"
        "法定代表人：{{ debtor.legal_rep }}",
    )
    para(
        doc,
        "请求事项：请求依法冻结被申请人名下银行存款人民币{{ claim.total }}元（大写：{{ claim.total_cn }}），"
        "或查封、扣押其相应价值的其他财产。",
    )
    para(
        doc,
        "事实与理由：申请人与被申请人买卖合同纠纷一案（{{ case.number }}），被申请人拖欠货款{{ claim.principal }}元"
        "及逾期利息{{ claim.interest }}元。被申请人有转移财产的可能，为保证将来判决得以执行，特申请财产保全。",
    )
    para(doc, "被申请人财产线索：")
    table(doc, ["财产线索"], "a in assets", ["{{ a.description }}"])
    para(doc, "担保：申请人提供{{ preservation.security }}作为担保。")
    para(doc, "此致")
    para(doc, "{{ case.court }}")
    para(doc, "申请人：{{ creditor.name }}　{{ today }}", right=True)
    return doc


def complaint() -> Document:
    doc = new_doc()
    title(doc, "民事起诉状（买卖合同纠纷）")
    para(
        doc,
        "原告：{{ creditor.name }}　统一社会信用代码：{{ creditor.code }}　住所：{{ creditor.address }}　"
        "法定代表人：{{ creditor.legal_rep }}",
    )
    para(
        doc,
        "委托诉讼代理人：{{ firm.lawyers }}，{{ firm.name }}律师。送达地址：{{ firm.address }}，"
        "同意电子送达。",
    )
    para(
        doc,
        "被告：{{ debtor.name }}　证件号码：{{ debtor.code }}　住所：{{ debtor.address }}　"
        "法定代表人：{{ debtor.legal_rep }}",
    )
    para(doc, "诉讼请求：")
    para(doc, "1. 判令被告支付货款{{ claim.principal }}元；")
    para(
        doc,
        "2. 判令被告支付逾期付款利息（暂计至{{ claim.as_of }}为{{ claim.interest }}元，{{ claim.rate_note }}，"
        "此后计至实际清偿之日）；",
    )
    para(doc, "3. 判令被告承担本案诉讼费、保全费等费用。")
    para(doc, "以上合计{{ claim.total }}元（大写：{{ claim.total_cn }}）。计算明细：")
    table(doc, *CLAIM_LINES)
    para(
        doc,
        "事实与理由：原、被告于{{ contract.signed }}签订《{{ contract.number }}》买卖合同，约定{{ contract.terms }}。"
        "原告依约交付货物并开具发票：",
    )
    table(doc, *RECEIVABLES)
    para(
        doc,
        "被告仅支付部分款项，经原告多次催告仍未付清。依据《中华人民共和国民法典》第六百二十六条等规定，特诉至贵院。",
    )
    para(doc, "证据清单：")
    table(
        doc,
        ["序号", "证据名称", "证明目的"],
        "e in evidence",
        ["{{ e.number }}", "{{ e.title }}", "{{ e.purpose }}"],
    )
    para(doc, "是否申请诉前保全：{{ preservation.requested }}　　是否愿意调解：是")
    para(doc, "此致")
    para(doc, "{{ case.court }}")
    para(doc, "具状人：{{ creditor.name }}　{{ today }}", right=True)
    return doc


def enforcement() -> Document:
    doc = new_doc()
    title(doc, "强制执行申请书")
    para(
        doc,
        "申请执行人：{{ creditor.name }}，统一社会信用代码：{{ creditor.code }}，住所：{{ creditor.address }}",
    )
    para(
        doc, "被执行人：{{ debtor.name }}，证件号码：{{ debtor.code }}，住所：{{ debtor.address }}"
    )
    para(
        doc,
        "执行依据：{{ judgment.court }}作出的{{ judgment.number }}，已于{{ judgment.effective }}发生法律效力。",
    )
    para(doc, "执行请求：")
    # With the amounts the judgment awarded recorded: the judgment money and the
    # delayed-performance interest after the payments since (RULES.md s.6).
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
        "2. 执行迟延履行期间的加倍部分债务利息，截至{{ claim.as_of }}为{{ judgment.delayed_interest }}元（以尚未履行的"
        "除一般债务利息以外的金钱债务为基数，按日万分之一点七五计算，自{{ judgment.performance_due }}次日起至实际履行之日止）；",
    )
    para(
        doc,
        "以上截至{{ claim.as_of }}合计{{ judgment.total }}元（{{ judgment.total_cn }}）；",
    )
    para(doc, "{%p else %}")
    para(doc, "1. 执行本金{{ claim.principal }}元及利息{{ claim.interest }}元；")
    para(
        doc,
        "2. 执行迟延履行期间的加倍部分债务利息（以未履行金额为基数，按日万分之一点七五计算，自{{ judgment.performance_due }}"
        "次日起至实际履行之日止）；",
    )
    para(doc, "{%p endif %}")
    para(doc, "3. 被执行人承担执行费用。")
    para(doc, "金额计算明细：")
    table(doc, *CLAIM_LINES)
    para(
        doc,
        "事实与理由：上述生效法律文书确定的履行期限最后一日为{{ judgment.performance_due }}，被执行人至今未履行，"
        "申请人在法定二年期限内申请强制执行。",
    )
    para(doc, "被执行人财产线索：")
    table(doc, ["财产线索"], "a in assets", ["{{ a.description }}"])
    para(doc, "此致")
    para(doc, "{{ judgment.court }}")
    para(doc, "申请执行人：{{ creditor.name }}　{{ today }}", right=True)
    para(doc, "附：生效法律文书及生效证明、身份证明、授权委托书。")
    return doc


BUILDERS = {
    "reminder_30": lambda: reminder(30),
    "reminder_60": lambda: reminder(60),
    "statement": statement,
    "repayment_agreement": repayment,
    "lawyer_letter": lawyer_letter,
    "preservation_application": preservation,
    "complaint": complaint,
    "enforcement_application": enforcement,
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        build().save(OUT / f"{name}.docx")
        print("wrote", OUT / f"{name}.docx")


if __name__ == "__main__":
    main()
