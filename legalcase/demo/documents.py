"""Small but real documents for the demo portfolio's evidence (PDFs with Chinese text)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docgen.bundle import CJK  # registers the CID font


def demo_pdf(title: str, lines: list[str]) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    c.setFont(CJK, 18)
    c.drawCentredString(w / 2, h - 80, title)
    c.setFont(CJK, 11)
    y = h - 130
    for line in lines:
        c.drawString(72, y, line)
        y -= 22
    c.showPage()
    c.save()
    return buf.getvalue()
