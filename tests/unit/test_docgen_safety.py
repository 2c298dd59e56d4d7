"""What an uploaded Word template can do, part by part, and what one render may cost."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from docx import Document

from docgen.fields import COMMON, LISTS
from docgen.render import RenderLimits, TemplateProblem, check_template, render_docx
from tests.docx_files import docx_with, saved, with_notes, zip_bomb

DEBTOR = {"debtor": {"name": "甲公司"}}


def problems_of(docx: bytes) -> list[str]:
    with pytest.raises(TemplateProblem) as err:
        check_template(docx, COMMON, LISTS)
    return err.value.problems


def with_properties(**props: str) -> bytes:
    doc = Document()
    doc.add_paragraph("致{{ debtor.name }}")
    for name, value in props.items():
        setattr(doc.core_properties, name, value)
    return saved(doc)


def part_text(docx: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(docx)).read(name).decode()


def test_jinja_in_the_document_properties_is_checked_like_the_body():
    found = problems_of(with_properties(title="{{ lipsum }}", subject="{{ range(10) }}"))
    assert "文档属性（docProps/core.xml）：未知字段：lipsum" in found
    assert any(p.startswith("文档属性（docProps/core.xml）：不允许使用 Call") for p in found)
    ok = with_properties(title="{{ debtor.name }}的催款函")
    assert check_template(ok, COMMON, LISTS) == {"debtor"}
    out = Document(io.BytesIO(render_docx(ok, DEBTOR)))
    assert out.core_properties.title == "甲公司的催款函"


def test_jinja_in_footnotes_is_checked_and_endnotes_or_comments_are_refused():
    found = problems_of(with_notes(docx_with("正文"), "footnotes", "{{ lipsum }}"))
    assert found == ["脚注（word/footnotes.xml）：未知字段：lipsum"]
    found = problems_of(with_notes(docx_with("正文"), "endnotes", "{{ debtor.name }}"))
    assert found == [
        "尾注（word/endnotes.xml）：这里的模板标记不会被填充，请删除（“{{ debtor.name }}”）"
    ]
    doc = Document()
    para = doc.add_paragraph("致{{ debtor.name }}")
    doc.add_comment(para.runs, text="{{ cycler.__init__.__globals__ }}", author="法务")
    (found,) = problems_of(saved(doc))
    assert found.startswith("批注（word/comments.xml）：这里的模板标记不会被填充")


def test_a_footnote_is_rendered_once_so_data_never_becomes_template():
    # docxtpl renders footnotes once per section: a debtor named like a template tag would be
    # evaluated by the second pass
    docx = with_notes(docx_with("正文", sections=2), "footnotes", "{{ debtor.name }}")
    out = render_docx(docx, {"debtor": {"name": "{{ 7*7 }}"}})
    notes = part_text(out, "word/footnotes.xml")
    assert "{{ 7*7 }}" in notes and "49" not in notes


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("[{{ lipsum }}]", "[]"),  # would print paragraphs of lorem ipsum
        ("[{{ cycler }}][{{ joiner }}][{{ namespace }}][{{ dict }}]", "[][][][]"),
    ],
)
def test_the_render_environment_has_no_globals(text, printed):
    out = render_docx(with_properties(title=text), DEBTOR)
    assert Document(io.BytesIO(out)).core_properties.title == printed


@pytest.mark.parametrize(
    "text", ["{{ range(10) }}", "{{ lipsum(5) }}", "{{ debtor.name.ljust(1000000000) }}"]
)
def test_calls_are_refused_when_rendering_even_without_the_check(text):
    with pytest.raises(TemplateProblem, match=r"文档属性（docProps/core.xml）：模板无法填充"):
        render_docx(with_properties(title=text), DEBTOR)
    with pytest.raises(TemplateProblem, match=r"脚注（word/footnotes.xml）：模板无法填充"):
        render_docx(with_notes(docx_with("正文"), "footnotes", text), DEBTOR)


@pytest.mark.parametrize(
    "text",
    [
        '{{ "x" * 10**9 }}',
        "{{ claim.total * 10**9 }}",
        '{{ "%999999999d" % 1 }}',
        "{% filter upper %}{{ debtor.name }}{% endfilter %}",
    ],
)
def test_repetition_is_refused_when_checking(text):
    found = problems_of(docx_with(text))
    assert all(p.startswith("正文（word/document.xml）：不允许使用") for p in found), found


@pytest.mark.parametrize(
    "text",
    [
        "{{ debtor.name * 1000000000 }}",
        "{{ 10 ** 100000000 }}",
        '{{ "%999999999d" % 1 }}',
        '{{ debtor.name|replace("", debtor.name * 999)|replace("", debtor.name * 999) }}',
        "{{ debtor.names|join(debtor.name * 2000) }}",
    ],
)
def test_repetition_is_bounded_when_rendering(text):
    context = {"debtor": {"name": "甲公司", "names": ["甲"] * 1000}}
    tracemalloc.start()
    try:
        with pytest.raises(TemplateProblem, match="正文（word/document.xml）：模板无法填充"):
            render_docx(docx_with(text), context)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


def test_a_render_that_would_print_too_much_is_stopped():
    # 2,000 receivables each printing a 64 KB note: 128 MB of text, refused at the limit
    big = {"receivables": [{"invoice_no": "说" * 2**16}] * 2000}
    docx = docx_with("{% for r in receivables %}{{ r.invoice_no }}{% endfor %}")
    assert check_template(docx, COMMON, LISTS) == {"receivables"}
    with pytest.raises(TemplateProblem, match="正文（word/document.xml）：填充后的内容超过上限"):
        render_docx(docx, big)
    # and one that loops too often (nested loops that print nothing) or for too long
    loops = docx_with(
        "{% for a in receivables %}{% for b in receivables %}{% for c in receivables %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    rows = {"receivables": [{}] * 100}
    with pytest.raises(TemplateProblem, match="循环次数超过上限（10000 次）"):
        render_docx(loops, rows, limits=RenderLimits(steps=10_000))
    with pytest.raises(TemplateProblem, match="填充耗时超过上限"):
        render_docx(loops, rows, limits=RenderLimits(seconds=0))
    assert render_docx(docx_with("{{ receivables|length }}"), rows)  # counting is not looping


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(300)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(bomb):
    assert len(bomb) < 2 * 2**20
    tracemalloc.start()
    try:
        found = problems_of(bomb)
        with pytest.raises(TemplateProblem) as rendered:
            render_docx(bomb, DEBTOR)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert any(p.startswith("正文（word/document.xml）：解压后 300.0 MB") for p in found)
    assert any("疑似压缩炸弹" in p for p in found)
    assert rendered.value.problems == found
    assert peak < 8 * 2**20  # nothing was unpacked


def test_not_a_word_file_is_refused_before_rendering():
    with pytest.raises(TemplateProblem, match="不是有效的 Word"):
        render_docx(b"PK\x03\x04 not really", DEBTOR)
