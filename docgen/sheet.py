"""A printable sheet: a title, then sections of paragraphs and tables, on A4 in the embedded
SC serif (the field-visit pack, the power of attorney and the service-address confirmation of
a filing package). Pure: data in, PDF bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .cjkfont import sc_font

MM = 72 / 25.4


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] | None = None
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] | None = None  # fractions of the text width, one per column
    new_page: bool = False
    after: list[str] = field(default_factory=list)  # paragraphs below the table


def _texts(title: str, subtitle: str, sections: list[Section]) -> list[str]:
    out = [title, subtitle, "第页共"]
    for s in sections:
        out += [s.heading, *s.paragraphs, *(s.header or []), *s.after]
        out += [cell for row in s.rows for cell in row]
    return out


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def render_sheet(title: str, sections: list[Section], subtitle: str = "") -> bytes:
    font = sc_font(*_texts(title, subtitle, sections))
    title_style = ParagraphStyle(
        "t", fontName=font, fontSize=16, leading=24, alignment=1, spaceAfter=4
    )
    sub = ParagraphStyle("u", fontName=font, fontSize=9, leading=13, alignment=1, spaceAfter=6)
    head = ParagraphStyle("h", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    width = A4[0] - 36 * MM
    story: list = [_para(title, title_style)]
    if subtitle:
        story.append(_para(subtitle, sub))
    for s in sections:
        if s.new_page:
            story.append(PageBreak())
        story.append(_para(s.heading, head))
        story += [_para(p, body) for p in s.paragraphs]
        if s.rows or s.header:
            data = [[_para(c, cell) for c in row] for row in ([s.header] if s.header else [])]
            data += [[_para(c, cell) for c in row] for row in s.rows]
            n = len(data[0])
            fractions = s.widths or [1 / n] * n
            table = Table(
                data, colWidths=[f * width for f in fractions], repeatRows=1 if s.header else 0
            )
            style = [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
            if s.header:
                style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
            table.setStyle(TableStyle(style))
            story += [Spacer(1, 2), table]
        story += [_para(p, body) for p in s.after]

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.drawCentredString(A4[0] / 2, 10 * MM, f"第 {doc.page} 页")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * MM,
        rightMargin=18 * MM,
        topMargin=16 * MM,
        bottomMargin=18 * MM,
        title=title,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
