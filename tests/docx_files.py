"""Word files built for tests: plain ones, ones with an extra part (footnotes, endnotes), and a
zip bomb."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.section import WD_SECTION

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NOTES = {  # part: (content type, relationship type, root, note element)
    "footnotes": (f"{CT}.footnotes+xml", f"{REL}/footnotes", "footnotes", "footnote"),
    "endnotes": (f"{CT}.endnotes+xml", f"{REL}/endnotes", "endnotes", "endnote"),
}


def saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_with(*texts: str, sections: int = 1) -> bytes:
    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    for _ in range(sections - 1):
        doc.add_section(WD_SECTION.NEW_PAGE)
        doc.add_paragraph("下一节")
    return saved(doc)


def _rewrite(docx: bytes, change, extra: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, change(info.filename, src.read(info)))
        for name, data in extra.items():
            zf.writestr(name, data)
    return out.getvalue()


def with_notes(docx: bytes, kind: str, text: str) -> bytes:
    """``docx`` with a footnotes or endnotes part holding one note that says ``text``."""
    content_type, rel_type, root, note = NOTES[kind]

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            override = f'<Override PartName="/word/{kind}.xml" ContentType="{content_type}"/>'
            return data.replace(b"</Types>", override.encode() + b"</Types>")
        if name == "word/_rels/document.xml.rels":
            rel = f'<Relationship Id="rIdN{kind}" Type="{rel_type}" Target="{kind}.xml"/>'
            return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        return data

    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} {W}>'
        f'<w:{note} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{note}></w:{root}>'
    )
    return _rewrite(docx, change, {f"word/{kind}.xml": xml.encode()})


def zip_bomb(megabytes: int = 300) -> bytes:
    """A Word file whose word/document.xml is ``megabytes`` MB of zeros (about 1.4 MB packed
    for 300 MB)."""
    src = zipfile.ZipFile(io.BytesIO(docx_with("x")))
    out = io.BytesIO()
    chunk = b"0" * 2**20
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                zf.writestr(info, src.read(info))
                continue
            with zf.open("word/document.xml", "w", force_zip64=True) as fh:
                for _ in range(megabytes):
                    fh.write(chunk)
    return out.getvalue()
