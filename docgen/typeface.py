"""Simplified-Chinese type for Word files: the SC serif face on every run style, zh-CN language.

LibreOffice (and fontconfig under it) chooses the glyph variant of a CJK face from the text's
East Asian language: a file that names no East Asian font and says ``en-US`` gets the JP
variant (NotoSansCJKjp in the PDF). ``apply_sc_type`` names the SC face and the zh-CN
language; with ``force`` (the shipped templates) on every style, without it (an uploaded
template) only where the file sets none, so that a face the user chose is kept.
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SERIF_SC = "Noto Serif CJK SC"  # fonts-noto-cjk; a 宋体-like serif with the SC glyphs
LANG = "zh-CN"
_THEME = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
_FACES = ("ascii", "hAnsi", "eastAsia", "cs")
# CT_RPr children that come after w:lang (schema order; Word is strict about it)
_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")
_RUN_STYLES = ("paragraph", "character", "table")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _child(parent: etree._Element, tag: str, before: tuple[str, ...]) -> etree._Element:
    found = parent.find(_w(tag))
    if found is not None:
        return found
    new = etree.SubElement(parent, _w(tag))
    for child in parent:
        if etree.QName(child).localname in before and child is not new:
            child.addprevious(new)
            break
    return new


def _rfonts(rpr: etree._Element) -> etree._Element:
    found = rpr.find(_w("rFonts"))
    if found is None:
        found = etree.Element(_w("rFonts"))
        style = rpr.find(_w("rStyle"))
        if style is not None:
            style.addnext(found)
        else:
            rpr.insert(0, found)
    return found


def _set_fonts(rpr: etree._Element, face: str, force: bool) -> None:
    fonts = rpr.find(_w("rFonts"))
    if force:
        fonts = _rfonts(rpr)
        for attr in _THEME:
            fonts.attrib.pop(_w(attr), None)
        for attr in _FACES:
            fonts.set(_w(attr), face)
    elif fonts is None or fonts.get(_w("eastAsia")) is None:
        fonts = _rfonts(rpr)
        fonts.attrib.pop(_w("eastAsiaTheme"), None)
        fonts.set(_w("eastAsia"), face)


def _set_lang(rpr: etree._Element, force: bool) -> None:
    lang = _child(rpr, "lang", _AFTER_LANG)
    current = lang.get(_w("eastAsia")) or ""
    if force or not current.lower().startswith("zh"):
        lang.set(_w("eastAsia"), LANG)
    if force:
        lang.set(_w("val"), LANG)


def _rpr(parent: etree._Element) -> etree._Element:
    """A style's w:rPr (after its w:pPr, before w:tblPr: schema order)."""
    found = parent.find(_w("rPr"))
    if found is None:
        found = etree.SubElement(parent, _w("rPr"))
        for child in parent:
            if etree.QName(child).localname in ("tblPr", "trPr", "tcPr", "tblStylePr"):
                child.addprevious(found)
                break
    return found


def apply_sc_type(
    styles: etree._Element,
    settings: etree._Element | None = None,
    *,
    face: str = SERIF_SC,
    force: bool = False,
) -> None:
    """Give the styles part (``w:styles``) the SC face and the zh-CN language.

    The document defaults always get an East Asian face and language when they name none;
    each run style (paragraph, character, table) that names an East Asian theme font but no
    face gets the face too. ``force`` sets the face (all four scripts, figures included) and
    the language on the defaults and every run style, whatever they said."""
    defaults = _child(styles, "docDefaults", ("latentStyles", "style"))
    rpr_default = _child(defaults, "rPrDefault", ("pPrDefault",))
    rpr = _child(rpr_default, "rPr", ())
    _set_fonts(rpr, face, force)
    _set_lang(rpr, force)
    for style in styles.iter(_w("style")):
        if style.get(_w("type")) not in _RUN_STYLES:
            continue
        own = style.find(_w("rPr"))
        fonts = own.find(_w("rFonts")) if own is not None else None
        if force:
            own = _rpr(style)
            _set_fonts(own, face, True)
            _set_lang(own, True)
        elif fonts is not None and fonts.get(_w("eastAsia")) is None:
            _set_fonts(own, face, False)
    if settings is not None:
        theme = settings.find(_w("themeFontLang"))
        if theme is not None and (force or theme.get(_w("eastAsia")) is None):
            theme.set(_w("eastAsia"), LANG)
