"""Paper and type of every generated document, read from the PDF LibreOffice makes of it
(DOCUMENTS.md v2, "Paper and type"): A4, the SC glyphs of a Chinese serif face (never the JP
ones), amounts and dates whole in the invoice table, page numbers on every page of a
document of more than one page."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

from pypdf import PdfReader

from docgen.fields import DOCUMENTS
from docgen.pdf import convert
from legalcase.services import documents
from tests import factories as F
from tests.integration.test_documents import AS_OF, full_case  # noqa: F401 - the fixture
from tests.pdf_type import cjk_variants, layout_text, pdffonts, printed_by_font

A4 = (595, 842)  # points, rounded


def _page_text(pdf_path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf_path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()


def _template_xml(doc_type: str) -> str:
    from pathlib import Path

    from docx import Document

    folder = Path(__file__).resolve().parents[2] / "templates" / "documents"
    doc = Document(folder / f"{doc_type}.docx")
    return "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_every_document_is_a4_in_sc_serif_with_whole_amounts_and_page_numbers(
    full_case,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    session, store, legal, case, config = full_case
    # the longest amount a column is made for: 12 figures
    F.receivable(
        session, legal, case, "FP-2025-000987", "9876543.21", date(2025, 4, 1), date(2025, 5, 31)
    )
    files = []
    for doc_type in DOCUMENTS:
        doc = documents.generate(session, store, legal, case, doc_type, as_of=AS_OF, config=config)
        with store.open(doc.storage_key) as fh:
            path = tmp_path / f"{doc_type}.docx"
            path.write_bytes(fh.read())
        files.append(path)
    pdfs = convert(files, tmp_path / "pdf")  # one LibreOffice process for all
    multi_page = []
    for doc_type, pdf_path in zip(DOCUMENTS, pdfs, strict=True):
        pdf = pdf_path.read_bytes()
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            box = page.mediabox
            assert (round(float(box.width)), round(float(box.height))) == A4, doc_type
        fonts = pdffonts(pdf)
        assert any("NotoSerifCJK" in f for f in fonts), (doc_type, fonts)
        assert not any("SansCJK" in f for f in fonts), (doc_type, fonts)  # body, title: serif
        for font, chars in printed_by_font(pdf).items():  # Chinese, figures, dates: one face
            if any(c.isdigit() or "\u4e00" <= c <= "\u9fff" for c in chars):
                assert "NotoSerifCJK" in font, (doc_type, font, sorted(chars)[:20])
        # the collection's shared CFF is named "jp" whatever the face: the glyphs tell
        variants = cjk_variants(pdf)
        assert variants["SC"] >= 10 and variants["JP"] == 0, (doc_type, variants)
        text = layout_text(pdf)
        rows = 0
        for line in text.splitlines():  # an invoice row holds each of its figures whole
            if line.lstrip().startswith("FP-001 "):  # the invoice row, not the claim's lines
                for figure in ("2025-02-01", "2025-03-31", "123,456.78"):
                    assert figure in line, (doc_type, line)
            if "2025-04-01" in line:  # the long one: issued 2025-04-01, due 2025-05-31
                assert "9,876,543.21" in line and "2025-05-31" in line, (doc_type, line)
                rows += 1
        if "{%tr for r in receivables %}" in _template_xml(doc_type):
            assert rows >= 1, (doc_type, text)
        assert not re.search(r"\d,\d{3}\.\d?\s*$", text, re.M), doc_type  # no amount cut
        pages = len(reader.pages)
        if pages > 1:
            multi_page.append(doc_type)
            for n in range(1, pages + 1):
                assert f"第 {n} 页，共 {pages} 页" in _page_text(pdf_path, n), (doc_type, n)
    assert "lawyer_letter" in multi_page  # the check above ran on real multi-page documents


def test_an_uploaded_template_naming_no_chinese_face_prints_sc_glyphs(tmp_path):
    """A template made in a Western Word (python-docx's default: theme fonts, en-US) gets the
    SC face and zh-CN when rendered, so LibreOffice draws the SC glyphs, never the JP ones."""
    from docgen.render import render_docx
    from legalcase.services.documents.templates import sample_context
    from tests.docx_files import docx_with

    template = docx_with(
        "关于{{ debtor.name }}拖欠货款的律师函",
        "请于{{ pay_by }}前支付{{ claim.total }}元（{{ claim.total_cn }}），逾期将依法起诉。",
    )
    path = tmp_path / "uploaded.docx"
    path.write_bytes(render_docx(template, sample_context()))
    (pdf_path,) = convert([path], tmp_path / "pdf")
    pdf = pdf_path.read_bytes()
    variants = cjk_variants(pdf)
    assert variants["SC"] >= 5 and variants["JP"] == 0, variants
    assert "示例债务人有限公司" in layout_text(pdf)
