"""A Simplified-Chinese serif face embedded in the PDFs reportlab draws (the evidence list,
printed e-mails, recording sheets), so that every reader shows the SC glyphs and the text can
be extracted (ToUnicode), as DOCUMENTS.md v2 asks.

reportlab embeds TrueType outlines only, and the installed Noto Serif CJK SC has CFF outlines:
the characters a document uses are cut out of it with fontTools and their outlines turned
into quadratic (TrueType) ones; reportlab then embeds the subset of what is drawn. Without the
face (or fontTools) the Adobe CID font STSong-Light is used (SC glyphs, not embedded).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FALLBACK = "STSong-Light"
FACE = "Noto Serif CJK SC"
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
)
# always present: figures, Latin letters and the punctuation documents use
BASE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "，。、；：？！“”‘’（）《》〔〕【】—…·－／％￥"
    + "０１２３４５６７８９ "
)
pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))


@lru_cache(maxsize=1)
def _source() -> tuple[Path, int] | None:
    """The installed Noto Serif CJK collection and the index of its SC member."""
    paths = [Path(p) for p in CANDIDATES]
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{FACE}:style=Regular"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found:
            paths.insert(0, Path(found))
    for path in paths:
        if path.is_file() and "SerifCJK" in path.name:
            return path, _sc_index(path)
    return None


@lru_cache(maxsize=4)
def _sc_index(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() != ".ttc":
        return -1
    for i, font in enumerate(TTCollection(path, lazy=True).fonts):
        if font["name"].getDebugName(4).endswith(" SC"):
            return i
    return 0


def _ttf(path: Path, index: int, chars: str, tag: str) -> bytes:
    """The characters' glyphs of the CFF face as a TrueType font, its PostScript name ending in
    ``tag`` (two subsets on one page, e.g. a page and its stamp, must not share a name: PDF
    tools merging pages take fonts of the same name and widths for the same font)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(path, fontNumber=index) if index >= 0 else TTFont(path)
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"):
        if table in font:  # layout and vertical tables: reportlab sets horizontal text only
            del font[table]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    if "glyf" not in font:
        order = font.getGlyphOrder()
        glyphs = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf[name] = pen.glyph()
        font["glyf"] = glyf
        font["loca"] = newTable("loca")
        for table in ("CFF ", "VORG"):
            if table in font:
                del font[table]
        maxp = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for attr in (
            "maxPoints maxContours maxCompositePoints maxCompositeContours maxTwilightPoints "
            "maxStorage maxFunctionDefs maxInstructionDefs maxStackElements "
            "maxSizeOfInstructions maxComponentElements maxComponentDepth"
        ).split():
            setattr(maxp, attr, 0)
        maxp.maxZones = 1
        maxp.numGlyphs = len(order)
        font["maxp"] = maxp
        font["head"].glyphDataFormat = 0
        post = font["post"]
        post.formatType = 2.0
        post.extraNames = []
        post.mapping = {}
        font.sfntVersion = "\x00\x01\x00\x00"
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = f"{record.toUnicode()}-{tag}"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=64)
def _register(chars: frozenset[str]) -> str:
    from reportlab.pdfbase.ttfonts import TTFont

    text = "".join(sorted(chars))
    tag = hashlib.sha256(text.encode()).hexdigest()[:12]
    name = f"NotoSerifSC-{tag}"
    try:
        source = _source()
        if source is None:
            return FALLBACK
        data = _ttf(source[0], source[1], text, tag)
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    except Exception:  # noqa: BLE001 - no fontTools or an unreadable face: the CID font
        return FALLBACK
    return name


def sc_font(*texts: str) -> str:
    """The reportlab font name of an embedded SC serif covering ``texts`` (and figures, Latin
    letters and punctuation); STSong-Light when the face cannot be had."""
    chars = set(BASE)
    for text in texts:
        chars.update(text or "")
    chars.discard("\n")
    chars.discard("\r")
    return _register(frozenset(chars))
