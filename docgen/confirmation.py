"""The PDF kept as evidence of the debtor's answer on the online statement (对账确认): the
statement as the page showed it, the answer, and the submission record (time, address, user
agent, the SHA-256 of the page). Pure: data in, PDF bytes out."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .evidence_pages import Styles

HEADINGS = ("债务人的答复", "提交记录")


def statement_pdf(data: dict) -> bytes:
    """``data``: title, intro, headers (table head), rows (lists of text), total_line,
    answer (list of (label, text)), record (list of (label, text))."""
    # every text drawn, the fixed headings too: the font is cut to these characters
    texts = [data["title"], data["intro"], data["total_line"], *data["headers"], *HEADINGS, "："]
    texts += [c for row in data["rows"] for c in row]
    texts += [t for pair in data["answer"] + data["record"] for t in pair]
    st = Styles(*texts)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=50,
        title=data["title"],
    )  # fmt: skip
    cell = [[Paragraph(escape(h), st.small) for h in data["headers"]]]
    cell += [[Paragraph(escape(c), st.small) for c in row] for row in data["rows"]]
    table = Table(cell, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [
        Paragraph(escape(data["title"]), st.title),
        Paragraph(escape(data["intro"]), st.body),
        Spacer(1, 6),
        table,
        Spacer(1, 6),
        Paragraph(escape(data["total_line"]), st.body),
        Paragraph(HEADINGS[0], st.head),
    ]
    story += [Paragraph(f"{escape(k)}：{escape(v)}", st.body) for k, v in data["answer"]]
    story.append(Paragraph(HEADINGS[1], st.head))
    story += [Paragraph(f"{escape(k)}：{escape(v)}", st.small) for k, v in data["record"]]
    doc.build(story)
    return buf.getvalue()
