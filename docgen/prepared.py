"""A template prepared once, rendered many times (a batch of letters from one template).

docxtpl opens the whole Word package for every render: unzips and parses every part with
python-docx, re-serialises and re-compresses all of them on save. Only the parts with
template text change from one letter to the next (the body, headers, footers, footnotes).
``prepare`` does the rest once per distinct template file: the parts nobody renders are
compressed into a base archive once (styles with the SC face and zh-CN already applied),
the document element around the body is serialised once, and the Jinja sources are
prepared as docxtpl prepares them. ``render_prepared`` then renders the Jinja sources,
applies docxtpl's own post-processing (``render_xml_part``, ``fix_tables``, the docPr ids)
and appends the rendered parts to a copy of the base archive. The result is the same
document as docxtpl's (tests/unit/test_docgen.py compares them).

Templates whose document properties hold template text, and renders that print an image
(the firm's seal, where the template uses it), take docxtpl's full path (``prepare``
returns None / the caller asks ``mentions``).
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import nsmap
from lxml import etree

from .typeface import apply_sc_type

_MARKER = re.compile(r"\{[\{%#]")
_BODY = b"<!--legalcase-body-->"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_MAX_TEMPLATES = 32


@dataclass(frozen=True)
class Part:
    name: str  # in the archive, e.g. word/footer1.xml
    label: str  # the part name for messages, e.g. /word/footer1.xml
    source: str  # the Jinja source, prepared as docxtpl prepares it
    kind: str  # "header_footer" (parsed, re-serialised) or "footnotes" (bytes as rendered)
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Prepared:
    base: bytes  # the archive without the rendered parts
    body_label: str
    body_name: str
    body_source: str
    prefix: bytes  # the document part up to its body
    suffix: bytes
    parts: tuple[Part, ...]
    tpl: object  # the docxtpl template: its post-processing methods are stateless

    def mentions(self, name: str) -> bool:
        """Whether any rendered part may print the field ``name`` (an image, for one)."""
        return any(name in source for source in (self.body_source, *(p.source for p in self.parts)))


_cache: dict[bytes, Prepared | None] = {}
_lock = threading.Lock()


def prepared(docx: bytes, make_template: Callable[[io.BytesIO], object]) -> Prepared | None:
    """The prepared form of ``docx`` (made once per distinct file), or None when it must
    take docxtpl's full path."""
    key = hashlib.sha256(docx).digest()
    try:
        return _cache[key]
    except KeyError:
        pass
    prep = _prepare(docx, make_template)
    with _lock:
        if len(_cache) >= _MAX_TEMPLATES:
            _cache.clear()
        _cache[key] = prep
    return prep


def _prepare(docx: bytes, make_template: Callable[[io.BytesIO], object]) -> Prepared | None:
    tpl = make_template(io.BytesIO(docx))
    tpl.render_init()
    document = tpl.docx
    core = document.core_properties
    if any(_MARKER.search(getattr(core, p) or "") for p in _PROPERTIES):
        return None
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        names = zf.namelist()
        originals = {name: zf.read(name) for name in names}
    body_name = str(document.part.partname).lstrip("/")
    parts: list[Part] = []
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            parts.append(
                Part(
                    str(part.partname).lstrip("/"),
                    str(part.partname),
                    _lines(tpl.patch_xml(xml)),
                    "header_footer",
                    tpl.get_headers_footers_encoding(xml),
                )
            )
    for part in document.part.package.parts:
        if part.content_type.endswith("wordprocessingml.footnotes+xml"):
            name = str(part.partname).lstrip("/")
            if all(p.name != name for p in parts):
                source = _lines(tpl.patch_xml(part.blob.decode("utf-8")))
                parts.append(Part(name, str(part.partname), source, "footnotes"))
    rendered = {body_name, *(p.name for p in parts)}
    if not rendered <= set(names):
        return None  # part names that are not the archive's: leave it to python-docx
    # the SC face and zh-CN where the template names none, once
    styles, settings = document.part._styles_part, document.part._settings_part
    apply_sc_type(styles.element, settings.element)
    changed = {
        str(part.partname).lstrip("/"): serialize_part_xml(part.element)
        for part in (styles, settings)
    }
    base = io.BytesIO()
    with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as out:
        for name in names:
            if name not in rendered:
                out.writestr(name, changed.get(name, originals[name]))
    shell = copy.deepcopy(document.element)
    shell.replace(shell.body, etree.Comment(_BODY[4:-3].decode()))
    prefix, suffix = serialize_part_xml(shell).split(_BODY)
    return Prepared(
        base=base.getvalue(),
        body_label=str(document.part.partname),
        body_name=body_name,
        body_source=_lines(tpl.patch_xml(tpl.get_xml())),
        prefix=prefix,
        suffix=suffix,
        parts=tuple(parts),
        tpl=tpl,
    )


def render_prepared(prep: Prepared, context: dict, env, budget) -> bytes:
    """The rendered Word file (``env``: the sandbox; ``budget`` is told each part)."""
    tpl = prep.tpl
    budget.part = prep.body_label
    tree = tpl.fix_tables(_render(tpl, prep.body_source, context, env))
    for number, element in enumerate(tree.xpath("//wp:docPr", namespaces=nsmap), start=1001):
        element.attrib["id"] = str(number)  # docxtpl's fix_docpr_ids
    out = {prep.body_name: prep.prefix + etree.tostring(tree, encoding="UTF-8") + prep.suffix}
    for part in prep.parts:
        budget.part = part.label
        xml = _render(tpl, part.source, context, env)
        if part.kind == "header_footer":
            out[part.name] = serialize_part_xml(etree.fromstring(xml.encode(part.encoding)))
        else:
            out[part.name] = xml.encode("utf-8")
    archive = io.BytesIO(prep.base)
    archive.seek(0, io.SEEK_END)
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as zf:
        for name, data in out.items():
            zf.writestr(name, data)
    return archive.getvalue()


def _render(tpl, source: str, context: dict, env) -> str:
    """docxtpl's ``render_xml_part`` on a source already a line a paragraph (``_lines``):
    render, join the lines again, undo the escaped markers, resolve listings."""
    xml = env.from_string(source).render(context)
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return tpl.resolve_listing(xml)


def _lines(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl renders it: a line a paragraph
