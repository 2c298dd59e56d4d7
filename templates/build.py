"""Writes the default document templates (templates/documents/*.docx) with python-docx.

Legal staff replace these through the 模板管理 screen; this script only makes the defaults,
so that they can be regenerated and reviewed as text. Run: python templates/build.py
The fields each template may use are listed in docgen/fields.py and templates/FIELDS.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docgen.typeface import SERIF_SC, apply_sc_type  # noqa: E402

OUT = Path(__file__).parent / "documents"
# GB/T 9704: A4, margins top 37, bottom 35, left 28, right 26 mm: 156 mm of text width
PAGE = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH = PAGE["width"] - PAGE["left"] - PAGE["right"]
TABLE_TEXT = "表格文字"  # the paragraph style of table cells: 五号 (10.5 pt), no spacing


def new_doc() -> Document:
    """A4 with GB/T 9704 margins, the SC serif face on every style, zh-CN, page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE["width"]), Mm(PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    section.footer_distance = Mm(20)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    cells = doc.styles.add_style(TABLE_TEXT, 1)  # WD_STYLE_TYPE.PARAGRAPH
    cells.base_style = normal
    cells.font.size = Pt(10.5)
    cells.paragraph_format.space_after = Pt(0)
    cells.paragraph_format.line_spacing = 1.0
    apply_sc_type(doc.styles.element, doc.settings.element, force=True)
    page_number(section.footer.paragraphs[0])
    return doc


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, shown)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text
    end = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)


def page_number(paragraph) -> None:
    """第 1 页，共 2 页 in the footer, centred."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" 页，共 ")
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(" 页")


def title(doc, text: str) -> None:
    """The title: centred, 二号 (22 pt), the heavier (bold) weight of the SC serif."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(12)
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(22)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), SERIF_SC)


def whole_figures(run) -> None:
    """Figures and dates break like Western text (never inside 10,263.22), Chinese as Chinese:
    the Latin language en-US on the run, the East Asian one stays zh-CN (the SC glyphs)."""
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    run._r.get_or_add_rPr().append(lang)


def para(doc, text: str, right: bool = False) -> None:
    p = doc.add_paragraph(text)
    for run in p.runs:
        whole_figures(run)
    if right:  # the number, the signature block: a signature and its date stay together
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.keep_with_next = True


def _cell(cell, text: str, width_mm: float, *, nowrap: bool, right: bool) -> None:
    cell.width = Mm(width_mm)
    p = cell.paragraphs[0]
    p.style = TABLE_TEXT
    for i, line in enumerate(text.split("\n") if text else []):
        if i:
            p.runs[-1].add_break()  # a period: one date a line
        whole_figures(p.add_run(line))
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if nowrap:  # a figure or a date is never broken inside the cell
        tcpr = cell._tc.get_or_add_tcPr()
        tcpr.append(OxmlElement("w:noWrap"))


def table(
    doc,
    header: list[str],
    loop: str,
    cells: list[str],
    widths: list[float] | None = None,
    under: str | None = None,
) -> None:
    """A table with a fixed layout: columns wide enough for the longest amount or date
    (12 figures: 9,999,999.99) in 五号, those cells never wrapping. ``under``: a line under
    each row, across the table, in 7.5 pt (an evidence item's SHA-256 and timestamp)."""
    widths = widths or [TEXT_WIDTH / len(header)] * len(header)
    assert abs(sum(widths) - TEXT_WIDTH) < 0.5, (header, sum(widths))
    t = doc.add_table(rows=5 if under else 4, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # w:tblLayout fixed
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    t._tbl.tblPr.append(margins)
    grid = t._tbl.tblGrid
    for col, width in zip(grid.gridCol_lst, widths, strict=True):
        col.w = Mm(width)
    for i, h in enumerate(header):
        _cell(t.rows[0].cells[i], h, widths[i], nowrap=True, right=False)
    _cell(t.rows[1].cells[0], "{%tr for " + loop + " %}", widths[0], nowrap=False, right=False)
    for i, c in enumerate(cells):
        money = bool(MONEY.search(c))
        whole = money or (bool(FIGURE.search(c)) and "\n" not in c)  # a period: two lines
        _cell(t.rows[2].cells[i], c, widths[i], nowrap=whole, right=money)
    end = t.rows[-1]
    _cell(end.cells[0], "{%tr endfor %}", widths[0], nowrap=False, right=False)
    for row in (t.rows[1], end):
        for i, cell in enumerate(row.cells[1:], start=1):
            _cell(cell, "", widths[i], nowrap=False, right=False)
    if under:
        _under(t.rows[3], under, widths)


def _under(row, text: str, widths: list[float]) -> None:
    """One cell across the row in 7.5 pt: a long figure (a SHA-256, 64 digits) fits a line."""
    cell = row.cells[0].merge(row.cells[-1])
    _cell(cell, text, sum(widths), nowrap=False, right=False)
    for run in cell.paragraphs[0].runs:
        run.font.size = Pt(7.5)


CELL_MARGIN = 57  # twips (1 mm) left and right in a cell
MONEY = re.compile(r"\.(amount|paid|outstanding|base|principal|interest) }}")
FIGURE = re.compile(r"\.(issue_date|due_date|date|due|start|end|days|seq|number|invoice_no) }}")
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
    # mm, 156 in all: an amount takes 12 figures (9,999,999.99), a date 10 (2026-11-24), an
    # invoice number up to 12 (never broken either)
    [28, 23, 23, 28, 27, 27],
)
CLAIM_LINES = (
    ["项目", "期间", "天数", "基数", "利率/计算方式", "金额"],
    "l in claim.lines",
    [
        "{{ l.what }}",
        "{{ l.start }}\n至{{ l.end }}",  # one date a line, each whole
        "{{ l.days }}",
        "{{ l.base }}",
        "{{ l.rate }}",
        "{{ l.amount }}",
    ],
    # 项目 wraps before an invoice number, never inside it; a period is a date a line
    # ("至2026-11-25": 26 mm); amounts of 12 figures (2,494,000.00): 27 mm; the rate's
    # explanation, the longest text, wraps
    [26, 26, 10, 27, 40, 27],
)


def letter_head(doc, heading: str) -> None:
    """A creditor's own letter: its title, its number, the addressee."""
    title(doc, heading)
    para(doc, "编号：{{ letter_number }}", right=True)
    para(doc, "{{ debtor.name }}：")


def sign_creditor(doc) -> None:
    para(doc, "{{ creditor.name }}（盖章）", right=True)
    para(doc, "{{ today }}", right=True)


def reminder(days: int) -> Document:
    doc = new_doc()
    letter_head(doc, "催 款 函")
    tone = (
        "该款项已逾期，可能因工作疏忽未及时安排，特此提醒。"
        if days == 30
        else "该款项已逾期六十日以上，我司此前已提醒，请{{ salutation }}予以高度重视，并提出还款计划。"
    )
    para(
        doc,
        "我司与{{ salutation }}于{{ contract.signed }}签订《{{ contract.number }}》{{ cause.contract_label }}。"
        "截至{{ claim.as_of }}，{{ salutation }}尚欠{{ cause.principal_label }}{{ claim.principal }}元"
        "（{{ claim.principal_cn }}）。" + tone,
    )
    table(doc, *RECEIVABLES)
    para(
        doc,
        "请于{{ pay_by }}前将上述款项支付至我司账户（{{ payee }}）。如已付款，请忽略本函。",
    )
    para(doc, "联系人：{{ owner.name }}，{{ owner.contact }}")
    sign_creditor(doc)
    return doc


def statement() -> Document:
    doc = new_doc()
    letter_head(doc, "对账确认函")
    para(
        doc,
        "根据双方于{{ contract.signed }}签订的《{{ contract.number }}》{{ cause.contract_label }}及往来记录，"
        "截至{{ claim.as_of }}，双方往来明细如下：",
    )
    table(doc, *RECEIVABLES)
    table(
        doc,
        ["付款日期", "金额"],
        "p in payments",
        ["{{ p.date }}", "{{ p.amount }}"],
        [78, 78],
    )
    para(doc, "付款情况：{{ salutation }}{{ paid_note }}。回款冲抵方式：{{ claim.allocation }}。")
    para(
        doc,
        "{{ salutation }}尚欠我司{{ cause.principal_label }}{{ claim.principal }}元（{{ claim.principal_cn }}）。"
        "如核对无误，请在下方签字盖章后于{{ pay_by }}前寄回我司；如有不符，请注明。",
    )
    para(doc, "联系人：{{ owner.name }}，{{ owner.contact }}")
    para(
        doc,
        "{% if confirm_url %}也可用手机扫描下方二维码在线核对，确认或提出异议（链接仅可提交一次）："
        "{% endif %}",
    )
    para(doc, "{{ confirm_qr }}")
    sign_creditor(doc)
    para(doc, "债务人确认：以上欠款属实。")
    para(doc, "{{ debtor.name }}（签字/盖章）　日期：＿＿＿＿年＿＿月＿＿日")
    return doc


def repayment() -> Document:
    doc = new_doc()
    title(doc, "还款协议")
    para(doc, "编号：{{ letter_number }}", right=True)
    para(doc, "甲方（债权人）：{{ creditor.identity }}")
    para(doc, "乙方（债务人）：{{ debtor.identity }}")
    para(
        doc,
        "一、乙方确认，截至{{ claim.as_of }}，乙方尚欠甲方{{ cause.principal_label }}本金{{ claim.principal }}元"
        "（{{ claim.principal_cn }}），逾期利息{{ claim.interest }}元（{{ claim.interest_cn }}），"
        "合计{{ claim.total }}元（{{ claim.total_cn }}）。",
    )
    para(doc, "二、乙方按以下计划分期偿还本金及利息：")
    table(
        doc,
        ["期数", "还款日", "本金", "利息", "合计"],
        "i in instalments",
        ["{{ i.seq }}", "{{ i.due }}", "{{ i.principal }}", "{{ i.interest }}", "{{ i.amount }}"],
        [12, 36, 36, 36, 36],
    )
    para(doc, "三、乙方应将上述款项支付至甲方收款账户：{{ payee }}。")
    para(
        doc,
        "四、乙方任何一期未按时足额支付的，剩余全部款项立即到期，甲方有权要求乙方一次性清偿全部剩余本金、"
        "逾期利息及实现债权的费用（包括诉讼费、保全费、律师费等），并自逾期之日起按原合同约定计收逾期利息。",
    )
    para(
        doc,
        "五、乙方于第一期还款日前一次性清偿全部本金的，甲方同意免除上述逾期利息；本金不予减免。",
    )
    para(doc, "六、本协议不影响原合同的效力；本协议自双方签字盖章之日起生效。")
    para(doc, "甲方（盖章）：{{ creditor.name }}　　法定代表人或授权代表（签字）：＿＿＿＿")
    para(doc, "乙方（签字/盖章）：{{ debtor.name }}　　日期：＿＿＿＿年＿＿月＿＿日")
    para(doc, "{{ today }}", right=True)
    return doc


def lawyer_letter() -> Document:
    doc = new_doc()
    para(doc, "{{ firm.name }}")
    para(doc, "{{ firm.address }}　电话：{{ firm.phone }}")
    title(
        doc, "关于{{ debtor.name }}拖欠{{ creditor.name }}{{ cause.principal_label }}事宜的律师函"
    )
    para(doc, "{{ letter_number }}", right=True)
    para(doc, "{{ debtor.name }}（地址：{{ debtor.address }}）：")
    para(
        doc,
        "{{ firm.name }}接受{{ creditor.name }}（以下简称“委托人”）的委托，指派{{ firm.lawyers }}律师，"
        "就{{ salutation }}拖欠委托人{{ cause.principal_label }}一事，郑重致函如下：",
    )
    para(
        doc,
        "一、事实。委托人与{{ salutation }}于{{ contract.signed }}签订编号为{{ contract.number }}的"
        "《{{ cause.contract_label }}》，合同金额{{ contract.amount }}元。应付款项明细如下：",
    )
    table(doc, *RECEIVABLES)
    para(
        doc,
        "付款情况：{{ salutation }}{{ paid_note }}。截至{{ claim.as_of }}，{{ salutation }}尚欠{{ cause.principal_label }}"
        "{{ claim.principal }}元（{{ claim.principal_cn }}），逾期付款利息{{ claim.interest }}元，"
        "合计{{ claim.total }}元（{{ claim.total_cn }}）。计算明细：",
    )
    table(doc, *CLAIM_LINES)
    para(doc, "委托人已进行的催告：{{ demands_text }}。")
    para(
        doc,
        "二、法律分析。根据{{ cause.basis }}等规定，{{ salutation }}应依约支付上述款项，并承担逾期付款的违约责任。",
    )
    para(
        doc,
        "三、律师意见。请{{ salutation }}于{{ pay_by }}前将上述款项支付至委托人账户（{{ payee }}）。"
        "逾期未付的，委托人将依法提起诉讼并申请财产保全，主张逾期利息至实际清偿之日止，"
        "由此产生的诉讼费、保全费、律师费等费用均由{{ salutation }}承担。",
    )
    # each guarantor with its type: the letter is also a demand on them (CC 693)
    para(doc, "{%p if guarantors %}")
    para(
        doc,
        "四、保证责任。下列保证人为上述债务提供保证，本函同时送达各保证人，"
        "委托人依法要求其承担保证责任：",
    )
    para(doc, "{%p for g in guarantors %}")
    para(
        doc,
        "保证人：{{ g.name }}（{{ g.guarantee_label }}"
        "{% if g.period_end %}，约定保证期间至{{ g.period_end }}{% endif %}）",
    )
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{{ firm.name }}　律师：{{ firm.lawyers }}　电话：{{ firm.phone }}", right=True)
    para(doc, "{{ firm_seal }}", right=True)
    para(doc, "{{ today }}", right=True)
    return doc


def builders() -> dict:
    """Each template's builder; the court filings are in templates/filings.py."""
    import filings  # noqa: PLC0415 - it imports this module's helpers

    return {
        "reminder_30": lambda: reminder(30),
        "reminder_60": lambda: reminder(60),
        "statement": statement,
        "repayment_agreement": repayment,
        "lawyer_letter": lawyer_letter,
        "preservation_application": filings.preservation,
        "complaint": filings.complaint,
        "enforcement_application": filings.enforcement,
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in builders().items():
        build().save(OUT / f"{name}.docx")
        print("wrote", OUT / f"{name}.docx")


if __name__ == "__main__":
    main()
