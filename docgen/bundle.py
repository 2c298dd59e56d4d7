"""The evidence bundle: the evidence list (证据目录), then every item on A4 pages (images scaled,
e-mails printed, recordings described with duration, SHA-256 and transcript), each page stamped
with its running page number and evidence number, and a bookmark per item. Pure: paths in, a PDF
out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .cjkfont import FALLBACK, sc_font
from .evidence_pages import IMAGE_TYPES, fit_a4, image_pdf

MM = 72 / 25.4
CJK = FALLBACK  # the Adobe CID font (registered by cjkfont), for drawings without embedding


@dataclass
class Entry:
    number: str  # 1-1, 1-2, 2-1 ...
    title: str
    source: str
    purpose: str
    original: str | bool  # 原件 / 复印件 / 电子数据 (the label); True / False: 原件 / 复印件
    sha256: str
    pdf: Path | None  # a PDF of the item, or None when it cannot go into a PDF (sheets, text)
    note: str = ""  # the list's remark (a recording's duration, what is submitted separately)
    timestamp: str = ""  # its RFC 3161 timestamp as shown: time and authority, or 待补时间戳


@dataclass
class Result:
    page_count: int
    list_pages: int
    ranges: dict[str, tuple[int, int] | None]  # evidence number -> first and last page


def as_pdf(path: Path, content_type: str, workdir: Path) -> Path | None:
    """A PDF of the item: PDFs as they are, images scaled onto one A4 page; None for the rest."""
    if content_type == "application/pdf":
        return path
    if content_type in IMAGE_TYPES:
        return image_pdf(path, workdir / f"{path.name}.page.pdf")
    return None


def _page_label(span: tuple[int, int] | None) -> str:
    if span is None:
        return "—"
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


def _original(value: str | bool) -> str:
    if isinstance(value, bool):
        return "原件" if value else "复印件"
    return value


def _list_pdf(entries: list[Entry], ranges: dict, header: dict) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=28 * MM,
        rightMargin=26 * MM,
        topMargin=37 * MM,
        bottomMargin=35 * MM,
        title="证据目录",
    )
    heads = ("序号", "证据名称", "证据来源", "证明目的", "页码", "原件/复印件", "备注")
    font = sc_font(
        "证 据 目 录（未编入本册）SHA-256：　时间戳提交人签章日期",
        *heads,
        *(header.get(k) or "" for k in ("case", "case_number", "party", "submitter", "date")),
        *(
            f"{e.number}{e.title}{e.source}{e.purpose}{_original(e.original)}{e.note}{e.timestamp}"
            for e in entries
        ),
    )
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("s", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    story = [Paragraph("证 据 目 录", title), Spacer(1, 6)]
    for key in ("case", "case_number", "party"):
        if header.get(key):
            story.append(Paragraph(escape(header[key]), body))
    story.append(Spacer(1, 8))
    tiny = ParagraphStyle("x", fontName=font, fontSize=6, leading=7.5, wordWrap="CJK")
    rows = [[Paragraph(h, body) for h in heads]]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for e in entries:
        span = ranges.get(e.number)
        remark = f"{e.note}（未编入本册）" if span is None else e.note
        rows.append(
            [
                Paragraph(escape(e.number), body),
                Paragraph(escape(e.title), body),
                Paragraph(escape(e.source or ""), body),
                Paragraph(escape(e.purpose or ""), body),
                Paragraph(_page_label(span), body),
                Paragraph(escape(_original(e.original)), body),
                Paragraph(escape(remark), small),
            ]
        )
        # the item's hash and timestamp on a line of their own, across the table
        proof = f"SHA-256：{e.sha256}" + (f"　时间戳：{e.timestamp}" if e.timestamp else "")
        rows.append([Paragraph(escape(proof), tiny)] + [""] * (len(heads) - 1))
        row = len(rows) - 1
        style += [
            ("SPAN", (0, row), (-1, row)),
            ("TOPPADDING", (0, row), (-1, row), 1),
            ("BOTTOMPADDING", (0, row), (-1, row), 2),
        ]
    table = Table(rows, colWidths=[30, 80, 60, 100, 36, 56, 80], repeatRows=1)
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 18)]
    if header.get("submitter"):
        story.append(Paragraph(escape(f"提交人：{header['submitter']}（签章）"), body))
    if header.get("date"):
        story.append(Paragraph(f"日期：{header['date']}", body))
    doc.build(story)
    return buf.getvalue()


def _stamps(sizes: list[tuple[float, float]], labels: list[str | None]) -> PdfReader:
    """One overlay page per bundle page: the running page number, and the evidence number."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    font = sc_font("证据")
    for i, ((w, h), label) in enumerate(zip(sizes, labels, strict=True), start=1):
        c.setPageSize((w, h))
        c.setFont("Helvetica", 9)
        c.drawCentredString(w / 2, 14, f"- {i} -")
        if label:
            c.setFont(font, 9)
            c.drawRightString(w - 62, h - 20, "证据")
            c.setFont("Helvetica-Bold", 10)
            c.drawRightString(w - 24, h - 20, label)
        c.showPage()
    c.save()
    buf.seek(0)
    return PdfReader(buf)


def build_bundle(entries: list[Entry], header: dict, out: Path) -> Result:
    """Write the bundle to ``out``; the list's page ranges match the stamped page numbers."""
    readers = {e.number: PdfReader(e.pdf) for e in entries if e.pdf is not None}
    fitted = {n: [fit_a4(p) for p in r.pages] for n, r in readers.items()}
    counts = {n: len(r.pages) for n, r in readers.items()}
    list_pages = 1
    while True:  # the list's own length shifts every page number after it
        ranges: dict[str, tuple[int, int] | None] = {}
        page = list_pages + 1
        for e in entries:
            if e.number in counts:
                ranges[e.number] = (page, page + counts[e.number] - 1)
                page += counts[e.number]
            else:
                ranges[e.number] = None
        listing = _list_pdf(entries, ranges, header)
        actual = len(PdfReader(io.BytesIO(listing)).pages)
        if actual == list_pages:
            break
        list_pages = actual
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(listing)), import_outline=False)
    writer.add_outline_item(title="证据目录", page_number=0)
    labels: list[str | None] = [None] * list_pages
    for e in entries:
        if e.number not in readers:
            continue
        start = len(writer.pages)
        if all(a is b for a, b in zip(fitted[e.number], readers[e.number].pages, strict=True)):
            writer.append(readers[e.number], import_outline=False)  # keeps links and forms
        else:
            for page in fitted[e.number]:
                writer.add_page(page)
        labels += [e.number] * counts[e.number]
        writer.add_outline_item(title=f"{e.number} {e.title}", page_number=start)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in writer.pages]
    for page, stamp in zip(writer.pages, _stamps(sizes, labels).pages, strict=True):
        page.merge_page(stamp)
    writer.add_metadata({"/Title": header.get("case") or "证据材料"})
    with open(out, "wb") as fh:
        writer.write(fh)
    return Result(len(writer.pages), list_pages, ranges)
