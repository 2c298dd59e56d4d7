"""Pages of the evidence bundle made from things that are not A4 PDFs: an image scaled onto an
A4 page, an e-mail printed (headers, body, then its PDF and image attachments), a call
recording's sheet (duration, SHA-256, transcript), and any PDF page fitted onto A4.
Pure: paths and data in, PDF files out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .cjkfont import sc_font

A4_W, A4_H = A4
# Room kept free on a fitted page for the stamps (evidence number at the top, page at the foot)
FIT_MARGIN = {"top": 36.0, "bottom": 36.0, "left": 24.0, "right": 24.0}
IMAGE_DPI = 150  # an image without its own resolution is printed at this size
MAX_DPI = 200  # images are downsampled to this at their printed size (the original is kept)
IMAGE_TYPES = {"image/jpeg", "image/png"}

MONO = ParagraphStyle("m", fontName="Courier", fontSize=8.5, leading=12)


class Styles:
    """The paragraph styles of a page, in the SC face covering the page's text."""

    def __init__(self, *texts: str) -> None:
        font = sc_font(*texts)
        self.title = ParagraphStyle(
            "t", fontName=font, fontSize=15, leading=22, alignment=1, spaceAfter=8
        )
        self.body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
        self.small = ParagraphStyle("s", fontName=font, fontSize=8.5, leading=12, wordWrap="CJK")
        self.head = ParagraphStyle(
            "h", fontName=font, fontSize=11, leading=18, spaceBefore=8, spaceAfter=4
        )


def is_a4(page: PageObject) -> bool:
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    if page.rotation % 180:
        w, h = h, w
    return abs(w - A4_W) < 1.5 and abs(h - A4_H) < 1.5


def fit_a4(page: PageObject) -> PageObject:
    """The page as it is when it is A4 portrait; otherwise its content scaled (never enlarged)
    and centred on a new A4 portrait page, clear of the stamps."""
    if is_a4(page) and page.rotation % 360 == 0:
        return page
    if page.rotation % 360:
        page.transfer_rotation_to_content()
    box = page.mediabox
    w, h = float(box.width), float(box.height)
    if is_a4(page):
        return page
    room_w = A4_W - FIT_MARGIN["left"] - FIT_MARGIN["right"]
    room_h = A4_H - FIT_MARGIN["top"] - FIT_MARGIN["bottom"]
    scale = min(room_w / w, room_h / h, 1.0)
    tx = FIT_MARGIN["left"] + (room_w - w * scale) / 2
    ty = FIT_MARGIN["bottom"] + (room_h - h * scale) / 2
    blank = PageObject.create_blank_page(width=A4_W, height=A4_H)
    move = (
        Transformation()
        .translate(-float(box.left), -float(box.bottom))
        .scale(scale, scale)
        .translate(tx, ty)
    )
    blank.merge_transformed_page(page, move)
    return blank


def image_pdf(path: Path, out: Path) -> Path:
    """One A4 portrait page with the image scaled to fit inside the margins (never past its own
    size at its resolution), turned upright from its EXIF orientation."""
    from PIL import Image, ImageOps
    from reportlab.lib.utils import ImageReader

    with Image.open(path) as src:
        img = ImageOps.exif_transpose(src)
        dpi = src.info.get("dpi", (IMAGE_DPI, IMAGE_DPI))[0] or IMAGE_DPI
        if img.mode in ("RGBA", "LA", "P"):
            img = img.convert("RGBA")
            flat = Image.new("RGB", img.size, "white")
            flat.paste(img, mask=img.split()[-1])
            img = flat
        elif img.mode != "RGB":
            img = img.convert("RGB")
    natural_w, natural_h = img.width * 72 / dpi, img.height * 72 / dpi
    room_w = A4_W - 2 * 40
    room_h = A4_H - 2 * 50
    scale = min(room_w / natural_w, room_h / natural_h, 1.0)
    w, h = natural_w * scale, natural_h * scale
    most = (round(w / 72 * MAX_DPI), round(h / 72 * MAX_DPI))
    if img.width > most[0] or img.height > most[1]:
        img = img.resize((max(most[0], 1), max(most[1], 1)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG" if path.suffix.lower() in (".jpg", ".jpeg") else "PNG", quality=90)
    c = canvas.Canvas(str(out), pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), (A4_W - w) / 2, (A4_H - h) / 2, w, h)
    c.showPage()
    c.save()
    return out


def _doc(out: Path, title: str) -> SimpleDocTemplate:
    mm = 72 / 25.4
    return SimpleDocTemplate(
        str(out),
        pagesize=A4,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=title,
    )


def _text(value: str, style: ParagraphStyle) -> list[Paragraph]:
    """Plain text as paragraphs, one per line (escaped: an e-mail's text is not markup)."""
    lines = value.splitlines() or [""]
    return [Paragraph(escape(line) or "&nbsp;", style) for line in lines]


def _grid(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    return table


@dataclass
class PrintedEmail:
    title: str
    sender: str
    to: str
    cc: str
    date: str
    subject: str
    body: str
    sha256: str
    attachments: list[tuple[str, bytes]]


def _attachment_pdf(name: str, data: bytes, workdir: Path, n: int) -> Path | None:
    """A PDF attachment that opens, or an image attachment as an A4 page; None for the rest."""
    from .inspect import BadFile, guess_type, pdf_pages

    kind = guess_type(data[:8192])
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(kind or "")
    if suffix is None:
        return None
    raw = workdir / f"att-{n}{suffix}"
    raw.write_bytes(data)
    if kind == "application/pdf":
        try:
            pdf_pages(raw)
        except BadFile:
            return None
        return raw
    try:
        return image_pdf(raw, workdir / f"att-{n}.page.pdf")
    except OSError:  # Pillow cannot read it
        return None


def email_pdf(mail: PrintedEmail, workdir: Path, stem: str) -> Path:
    """The e-mail printed: its headers and body, a list of its attachments, then each PDF or
    image attachment appended (others named as not printed)."""
    appended = []
    notes = []
    for n, (name, data) in enumerate(mail.attachments, 1):
        pdf = _attachment_pdf(name, data, workdir, n)
        if pdf is None:
            notes.append(f"{n}. {name}（该格式不能打印，未附入）")
        else:
            pages = len(PdfReader(pdf).pages)
            appended.append(pdf)
            notes.append(f"{n}. {name}（{pages} 页，附后）")
    headers = (
        ("发件人 From", mail.sender),
        ("收件人 To", mail.to),
        ("抄送 Cc", mail.cc),
        ("日期 Date", mail.date),
        ("主题 Subject", mail.subject),
    )
    labels = "电子邮件打印件正文附件无原始邮件文件（.eml）SHA-256：该格式不能打印，未附入页后"
    st = Styles(labels, mail.title, mail.body, *notes, *(f"{k}{v}" for k, v in headers))
    head = ParagraphStyle("k", parent=st.small, fontSize=9.5, leading=14)
    rows = [[Paragraph(k, head), Paragraph(escape(v) or "（无）", st.body)] for k, v in headers]
    story = [
        Paragraph("电子邮件打印件", st.title),
        Paragraph(escape(mail.title), st.small),
        Spacer(1, 6),
        _grid(rows, [80, 360]),
        Paragraph("正文", st.head),
        *_text(mail.body or "（邮件无正文）", st.body),
        Paragraph("附件", st.head),
        *_text("\n".join(notes) or "（无附件）", st.small),
        Spacer(1, 10),
        Paragraph("原始邮件文件（.eml）SHA-256：", st.small),
        Paragraph(mail.sha256, MONO),
    ]
    printed = workdir / f"{stem}.email.pdf"
    _doc(printed, mail.subject or "电子邮件").build(story)
    if not appended:
        return printed
    writer = PdfWriter()
    for part in (printed, *appended):
        writer.append(PdfReader(part), import_outline=False)
    out = workdir / f"{stem}.email-all.pdf"
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def hms(seconds: float | None) -> str:
    """A duration as 时:分:秒, e.g. 00:03:07; "未知" without one."""
    if seconds is None:
        return "未知"
    total = round(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


@dataclass
class Recording:
    title: str
    filename: str
    format: str
    duration: float | None
    size: int
    sha256: str
    transcript: str | None


def recording_pdf(rec: Recording, workdir: Path, stem: str) -> Path:
    """A recording's sheet: what the file is, its length and SHA-256 (so the copy the court
    receives can be checked), and the transcript when one was entered."""
    facts = (
        ("证据名称", rec.title),
        ("文件名", rec.filename),
        ("格式", rec.format),
        ("时长", hms(rec.duration)),
        ("文件大小", f"{rec.size:,} 字节"),
    )
    note = "录音文件以原始载体或光盘另行提交，可按上列 SHA-256 核对其未被改动。"
    transcript = (rec.transcript or "").strip() or "（未录入）"
    st = Styles("录音证据说明文字整理", note, transcript, *(f"{k}{v}" for k, v in facts))
    rows = [[Paragraph(k, st.small), Paragraph(escape(v), st.body)] for k, v in facts]
    rows.append([Paragraph("SHA-256", st.small), Paragraph(rec.sha256, MONO)])
    story = [
        Paragraph("录音证据说明", st.title),
        _grid(rows, [70, 370]),
        Spacer(1, 6),
        Paragraph(note, st.small),
        Paragraph("录音文字整理", st.head),
        *_text(transcript, st.body),
    ]
    out = workdir / f"{stem}.recording.pdf"
    _doc(out, rec.title).build(story)
    return out
