"""What a PDF made by LibreOffice really prints: page size, fonts, and which CJK glyph variant.

The Noto CJK collection (fonts-noto-cjk: one .ttc for JP, KR, SC, TC, HK) shares one CFF
table, whose name says ``jp``: the name of an embedded font cannot tell SC from JP. The
glyphs can: for a character whose Simplified-Chinese form differs from the Japanese one the
SC face maps it to another glyph (CID). LibreOffice embeds the subset as a Type 1 font whose
glyphs are named ``cid<N>`` after the collection's CIDs (Noto CJK: CID = glyph id), so the
CID printed for such a character says which variant the reader sees.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
from functools import cache
from pathlib import Path

from pypdf import PdfReader

FACES = {"JP": 0, "KR": 1, "SC": 2, "TC": 3, "HK": 4}  # face index in the Noto CJK .ttc
FONT_DIR = "/usr/share/fonts/opentype/noto"  # Debian fonts-noto-cjk


def pdffonts(pdf: bytes) -> list[str]:
    """The names of the fonts embedded in the PDF (poppler's pdffonts)."""
    out = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=False
    ).stdout.decode()
    if not out:  # older poppler reads no stdin
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(pdf)
            fh.flush()
            out = subprocess.run(
                ["pdffonts", fh.name], capture_output=True, check=True
            ).stdout.decode()
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def layout_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@cache
def _cmap(path: str, face: int) -> dict[int, int]:
    """Code point -> glyph id of one face of a TrueType/OpenType collection (cmap 3,10 or 3,1)."""
    data = Path(path).read_bytes()
    assert data[:4] == b"ttcf", path
    offset = struct.unpack(">I", data[12 + 4 * face : 16 + 4 * face])[0]
    (num_tables,) = struct.unpack(">H", data[offset + 4 : offset + 6])
    tables = {}
    for i in range(num_tables):
        rec = offset + 12 + 16 * i
        tag, _, start, _ = struct.unpack(">4sIII", data[rec : rec + 16])
        tables[tag] = start
    cmap = tables[b"cmap"]
    (count,) = struct.unpack(">H", data[cmap + 2 : cmap + 4])
    subs = {}
    for i in range(count):
        platform, encoding, sub = struct.unpack(">HHI", data[cmap + 4 + 8 * i : cmap + 12 + 8 * i])
        subs[(platform, encoding)] = cmap + sub
    out: dict[int, int] = {}
    if (3, 10) in subs:
        at = subs[(3, 10)]
        (groups,) = struct.unpack(">I", data[at + 12 : at + 16])
        for g in range(groups):
            first, last, gid = struct.unpack(">III", data[at + 16 + 12 * g : at + 28 + 12 * g])
            for cp in range(first, last + 1):
                out[cp] = gid + cp - first
        return out
    at = subs[(3, 1)]
    (segx2,) = struct.unpack(">H", data[at + 6 : at + 8])
    seg = segx2 // 2
    ends = struct.unpack(f">{seg}H", data[at + 14 : at + 14 + segx2])
    starts_at = at + 16 + segx2
    starts = struct.unpack(f">{seg}H", data[starts_at : starts_at + segx2])
    deltas = struct.unpack(f">{seg}h", data[starts_at + segx2 : starts_at + 2 * segx2])
    ranges_at = starts_at + 2 * segx2
    ranges = struct.unpack(f">{seg}H", data[ranges_at : ranges_at + segx2])
    for i in range(seg):
        for cp in range(starts[i], ends[i] + 1):
            if ranges[i] == 0:
                gid = (cp + deltas[i]) & 0xFFFF
            else:
                where = ranges_at + 2 * i + ranges[i] + 2 * (cp - starts[i])
                (gid,) = struct.unpack(">H", data[where : where + 2])
                gid = (gid + deltas[i]) & 0xFFFF if gid else 0
            out[cp] = gid
    return out


def _type1_glyphs(font) -> dict[int, str]:
    """code -> glyph name of an embedded Type 1 font (its /Encoding in the clear part)."""
    stream = font["/FontDescriptor"].get_object().get("/FontFile")
    if stream is None:
        return {}
    stream = stream.get_object()
    clear = stream.get_data()[: stream["/Length1"]].decode("latin-1")
    return {int(c): n for c, n in re.findall(r"dup (\d+) /(\S+) put", clear)}


def _to_unicode(font) -> dict[int, str]:
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    text = cmap.get_object().get_data().decode("latin-1")
    out = {}
    for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", text):
        if len(uni) % 4 == 0:
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    return out


def cjk_variants(pdf: bytes) -> dict[str, int]:
    """Of the printed CJK characters whose SC and JP glyphs differ, how many were drawn with
    the SC glyph and how many with the JP one: ``{"SC": 51, "JP": 0}``."""
    counts = {"SC": 0, "JP": 0}
    seen: set[tuple[str, str, int]] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            base = str(font.get("/BaseFont", ""))
            if "CJK" not in base:
                continue
            weight = "Bold" if "Bold" in base else "Regular"
            kind = "Sans" if "Sans" in base else "Serif"
            path = f"{FONT_DIR}/Noto{kind}CJK-{weight}.ttc"
            sc, jp = _cmap(path, FACES["SC"]), _cmap(path, FACES["JP"])
            names, chars = _type1_glyphs(font), _to_unicode(font)
            for code, char in chars.items():
                name = names.get(code, "")
                if not name.startswith("cid") or len(char) != 1 or ord(char) < 0x3400:
                    continue
                cid, cp = int(name[3:]), ord(char)
                if sc.get(cp) == jp.get(cp) or (base, char, cid) in seen:
                    continue  # the same glyph in both: says nothing
                seen.add((base, char, cid))
                if cid == sc.get(cp):
                    counts["SC"] += 1
                elif cid == jp.get(cp):
                    counts["JP"] += 1
    return counts


def printed_by_font(pdf: bytes) -> dict[str, set[str]]:
    """The characters each embedded font prints (from its ToUnicode map), by font name
    without the subset prefix."""
    out: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            out.setdefault(name, set()).update(_to_unicode(font).values())
    return out
