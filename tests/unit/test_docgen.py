import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from docgen.chinese import amount_in_capitals, chinese_date
from docgen.fields import COMMON, LISTS
from docgen.render import TemplateProblem, check_template, render_docx
from tests.docx_files import docx_with


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角"),
        ("1.05", "人民币壹元零伍分"),
        ("10.00", "人民币壹拾元整"),
        ("20.50", "人民币贰拾元零伍角"),
        ("101.01", "人民币壹佰零壹元零壹分"),
        ("1005.00", "人民币壹仟零伍元整"),
        ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
        ("100000.10", "人民币壹拾万元零壹角"),
        ("123456.78", "人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
        ("1000001.00", "人民币壹佰万零壹元整"),
        ("10000000.00", "人民币壹仟万元整"),
        ("12345678.90", "人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"),
        ("100010000.00", "人民币壹亿零壹万元整"),
        ("100000000.01", "人民币壹亿元零壹分"),
        ("0.00", "人民币零元整"),
    ],
)
def test_amounts_in_chinese_capitals(amount, words):
    assert amount_in_capitals(Decimal(amount)) == words


def test_negative_amounts_are_refused_and_dates_read_naturally():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-1"))
    assert chinese_date(date(2026, 3, 5)) == "2026年3月5日"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{{ debtor.__class__ }}", "不允许访问属性"),
        ("{{ debtor.name.__class__.__mro__ }}", "不允许访问属性"),
        ("{% import 'os' as os %}", "Import"),
        ("{% include 'secret.txt' %}", "Include"),
        ("{{ range(10) }}", "Call"),
        ("{% for i in range(100000000) %}x{% endfor %}", "循环只能遍历"),
        (
            "{% for r in receivables %}{% for s in receivables %}{{ s.amount }}{% endfor %}{% endfor %}",
            None,
        ),
        ("{{ cycler.__init__.__globals__ }}", "不允许访问属性"),
        ("{{ payee_account }}", "未知字段：payee_account"),
        ("{{ debtor.name|attr('x') }}", "不允许使用过滤器 attr"),
        ("{% macro m() %}{{ m() }}{% endmacro %}", "Macro"),
        ("{{ debtor.name ", "模板语法错误"),
    ],
)
def test_hostile_or_unknown_template_content_is_refused(text, problem):
    if problem is None:  # nested loops over finite lists are fine
        assert check_template(docx_with(text), COMMON, LISTS) == {"receivables"}
        return
    with pytest.raises(TemplateProblem) as err:
        check_template(docx_with(text), COMMON, LISTS)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_not_a_word_file():
    with pytest.raises(TemplateProblem, match="不是有效的 Word"):
        check_template(b"%PDF-1.4 nope", COMMON, LISTS)


def test_rendering_is_sandboxed_even_without_the_check():
    with pytest.raises(TemplateProblem, match="正文（word/document.xml）.*unsafe"):
        render_docx(docx_with("{{ debtor.__class__.__mro__ }}"), {"debtor": {"name": "x"}})
    out = render_docx(docx_with("{{ debtor.name }} <&>"), {"debtor": {"name": "甲公司<b>"}})
    text = "\n".join(p.text for p in Document(io.BytesIO(out)).paragraphs)
    assert text == "甲公司<b> <&>"


def test_the_sc_face_and_zh_cn_are_set_where_the_template_names_none():
    from docx.oxml.ns import qn

    out = render_docx(docx_with("{{ debtor.name }}"), {"debtor": {"name": "甲公司"}})
    styles = Document(io.BytesIO(out)).styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Serif CJK SC"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"  # was en-US
    # a face the template names is kept
    doc = Document(io.BytesIO(docx_with("{{ debtor.name }}")))
    doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "楷体")
    buf = io.BytesIO()
    doc.save(buf)
    out = render_docx(buf.getvalue(), {"debtor": {"name": "甲公司"}})
    normal = Document(io.BytesIO(out)).styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "楷体"


def test_shipped_templates_are_a4_with_the_sc_face_on_every_style_and_page_numbers():
    from pathlib import Path

    from docx.oxml.ns import qn
    from docx.shared import Mm

    from docgen.fields import DOCUMENTS

    folder = Path(__file__).resolve().parents[2] / "templates" / "documents"
    for doc_type in DOCUMENTS:
        doc = Document(folder / f"{doc_type}.docx")
        section = doc.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        margins = (section.top_margin, section.bottom_margin, section.left_margin)
        assert tuple(round(m.mm) for m in (*margins, section.right_margin)) == (37, 35, 28, 26)
        for style in doc.styles.element.iter(qn("w:style")):
            if style.get(qn("w:type")) in ("paragraph", "character", "table"):
                fonts = style.find(qn("w:rPr")).find(qn("w:rFonts"))
                assert fonts.get(qn("w:eastAsia")) == "Noto Serif CJK SC", doc_type
                assert fonts.get(qn("w:eastAsiaTheme")) is None
        footer = section.footer._element.xml
        assert "PAGE" in footer and "NUMPAGES" in footer, doc_type
        for table in doc.tables:
            assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
            widths = [c.w for c in table._tbl.tblGrid.gridCol_lst]
            assert abs(sum(widths) - Mm(156)) < Mm(1), doc_type


def _parts(docx: bytes) -> dict[str, bytes]:
    import zipfile

    from lxml import etree

    out = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith((".xml", ".rels")):
                root = etree.fromstring(data)
                if name.endswith((".rels", "[Content_Types].xml")):  # order says nothing
                    root[:] = sorted(root, key=lambda e: etree.tostring(e, method="c14n"))
                data = etree.tostring(root, method="c14n")
            out[name] = data
    return out


def _template_with_header_and_footnote() -> bytes:
    from tests.docx_files import saved, with_notes

    doc = Document(io.BytesIO(docx_with("{{ debtor.name }}：\t{{ claim.total }}")))
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ letter_number }}"
    table = doc.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for r in receivables %}"
    table.rows[1].cells[0].text = "{{ r.invoice_no }}"
    table.rows[1].cells[1].text = "{{ r.amount }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    return with_notes(saved(doc), "footnotes", "脚注 {{ debtor.name }}")


def test_a_prepared_template_renders_the_same_document_as_docxtpl(monkeypatch):
    """Rendering from the template prepared once (docgen.prepared) gives the parts docxtpl's
    full path gives, for every shipped template and one with a header, tab and footnote."""
    from pathlib import Path

    import docgen.render as render
    from docgen.fields import DOCUMENTS
    from legalcase.services.documents.templates import sample_context

    folder = Path(__file__).resolve().parents[2] / "templates" / "documents"
    templates = [(folder / f"{t}.docx").read_bytes() for t in DOCUMENTS]
    templates.append(_template_with_header_and_footnote())
    for template in templates:
        assert render.prepared(template, render._Template) is not None
        fast = [_parts(render_docx(template, sample_context())) for _ in range(2)]
        with monkeypatch.context() as m:
            m.setattr(render, "prepared", lambda *a: None)  # docxtpl's whole path
            slow = _parts(render_docx(template, sample_context()))
        for parts in (fast[0], slow):
            parts.pop("docProps/core.xml")  # no template text: kept as it was by the fast path
        assert fast[0] == slow
        assert b"\xe7\xa4\xba\xe4\xbe\x8b" in fast[0]["word/document.xml"]  # 示例: filled in
    text = "\n".join(
        p.text
        for p in Document(io.BytesIO(render_docx(templates[-1], sample_context()))).paragraphs
    )
    assert "示例债务人有限公司：\t110,418.65" in text


def test_an_image_is_printed_where_the_template_uses_it_and_costs_nothing_elsewhere():
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (60, 60), (200, 0, 0)).save(png, "PNG")
    images = {"firm_seal": (png.getvalue(), 40)}
    context = {"debtor": {"name": "甲公司"}, "firm_seal": ""}
    sealed = render_docx(docx_with("{{ debtor.name }}", "{{ firm_seal }}"), context, images)
    assert len(Document(io.BytesIO(sealed)).inline_shapes) == 1
    plain = render_docx(docx_with("{{ debtor.name }}"), context, images)
    doc = Document(io.BytesIO(plain))
    assert len(doc.inline_shapes) == 0 and doc.paragraphs[0].text == "甲公司"
