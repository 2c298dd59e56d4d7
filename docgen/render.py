"""Render DOCX templates (docxtpl on python-docx) in a sandbox, after checking what they use.

An uploaded template may only use the documented fields, loop over documented lists and a
few harmless filters: no function calls, imports, includes, macros, private attributes or
operators that multiply text. Every part docxtpl renders is checked (body, headers, footers,
footnotes, document properties); template markers anywhere else are refused, because they
would be printed as they are. Rendering runs in ``docgen.safety.SafeEnvironment`` with a
budget, whatever the template contains; the archive is measured before it is opened.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile

from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError, nodes
from lxml import etree

from .prepared import prepared, render_prepared
from .safety import (
    CURRENT,
    SAFE_FILTERS,
    XML_SUFFIXES,
    Budget,
    RenderLimits,
    SafeEnvironment,
    TemplateProblem,
    bounded,
    check_archive,
    part_label,
)
from .typeface import apply_sc_type

__all__ = ["RenderLimits", "TemplateProblem", "check_template", "render_docx"]

FORBIDDEN = (
    nodes.Import,
    nodes.FromImport,
    nodes.Include,
    nodes.Extends,
    nodes.Macro,
    nodes.CallBlock,
    nodes.Call,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
    nodes.FilterBlock,
)
MULTIPLYING = (nodes.Mul, nodes.Pow, nodes.Mod)
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# the core properties docxtpl renders (DocxTemplate.render_properties)
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_CACHE_MAX = 2 * 2**20  # sources larger than this are not kept in the caches below
_MARKER = re.compile(r"\{[\{%#]")


class _CompiledOnce(SafeEnvironment):
    """A sandbox that compiles each distinct template source once (a batch renders the same
    template hundreds of times)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._compiled: dict[str, object] = {}
        self._lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's name
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            if len(source) <= _CACHE_MAX:
                with self._lock:
                    if len(self._compiled) > 64:
                        self._compiled.clear()
                    self._compiled[source] = template
        return template


_RENDER_ENV = _CompiledOnce(autoescape=True)


def _core_part(tpl: DocxTemplate) -> str:
    part = getattr(tpl.docx.part.package, "_core_properties_part", None)
    return str(part.partname) if part is not None else "/docProps/core.xml"


def _footnote_parts(document) -> list:
    seen: dict[str, object] = {}
    for part in document.part.package.parts:
        if part.content_type == FOOTNOTES:
            seen.setdefault(str(part.partname), part)
    return list(seen.values())


def _lines(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl renders it: a line a paragraph


def _rendered_sources(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(part name, Jinja source) of everything docxtpl renders, prepared as it prepares it."""
    out = [(str(tpl.docx.part.partname), _lines(tpl.patch_xml(tpl.get_xml())))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            out.append((str(part.partname), _lines(tpl.patch_xml(tpl.get_part_xml(part)))))
    for part in _footnote_parts(tpl.docx):
        out.append((str(part.partname), _lines(tpl.patch_xml(part.blob.decode("utf-8")))))
    core = _core_part(tpl)
    for prop in PROPERTIES:
        value = getattr(tpl.docx.core_properties, prop)
        if value:
            out.append((core, value))
    return out


def _stray_markers(docx: bytes, rendered: set[str]) -> list[str]:
    """Template markers in parts that are never rendered (endnotes, comments, settings...)."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        for info in zf.infolist():
            if info.filename in rendered or not info.filename.endswith(XML_SUFFIXES):
                continue
            text = re.sub(r"<[^>]*>", "", zf.read(info).decode("utf-8", "replace"))
            found = _MARKER.search(text)
            if found:
                snippet = text[found.start() : found.start() + 30]
                problems.append(
                    f"{part_label(info.filename)}：这里的模板标记不会被填充，请删除（“{snippet}”）"
                )
    return problems


def check_template(docx: bytes, fields: set[str], lists: set[str]) -> set[str]:
    """The fields a template uses; raises TemplateProblem naming every problem and its part."""
    check_archive(docx)
    try:
        tpl = DocxTemplate(io.BytesIO(docx))
        tpl.init_docx()
        sources = _rendered_sources(tpl)
    except Exception as exc:  # not a Word file at all
        raise TemplateProblem([f"不是有效的 Word（.docx）文件：{type(exc).__name__}"]) from None
    env = SafeEnvironment(autoescape=True)
    problems: list[str] = []
    used: set[str] = set()
    for name, source in sources:
        label = part_label(name)
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(f"{label}：模板语法错误：{exc.message}（第 {exc.lineno} 行）")
            continue
        found, names = _rules(ast, fields, lists)
        problems += [f"{label}：{p}" for p in found]
        used |= names
    problems += _stray_markers(docx, {name.lstrip("/") for name, _ in sources})
    if problems:
        raise TemplateProblem(list(dict.fromkeys(problems)))
    return used


def _rules(ast: nodes.Template, fields: set[str], lists: set[str]) -> tuple[list[str], set[str]]:
    problems = []
    for node in ast.find_all(FORBIDDEN):
        what = type(node).__name__
        problems.append(f"不允许使用 {what}（函数调用、导入、宏或赋值）")
    for node in ast.find_all(MULTIPLYING):
        problems.append(f"不允许使用运算符 {node.operator}（会成倍放大文字或数字）")
    for node in ast.find_all(nodes.Filter):
        if node.name not in SAFE_FILTERS:
            problems.append(f"不允许使用过滤器 {node.name}")
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if not isinstance(attr, str) or attr.startswith("_"):
            problems.append(f"不允许访问属性 {attr!r}")
    loop_vars: set[str] = set()
    for loop in ast.find_all(nodes.For):
        if _dotted(loop.iter) not in lists:
            problems.append("循环只能遍历文档提供的列表字段")
        for name in loop.target.find_all(nodes.Name):
            loop_vars.add(name.name)
        if isinstance(loop.target, nodes.Name):
            loop_vars.add(loop.target.name)
    used = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"} - loop_vars
    unknown = sorted(used - fields)
    if unknown:
        problems.append("未知字段：" + "、".join(unknown))
    return problems, used


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return ".".join([node.name, *reversed(parts)])


class _Template(DocxTemplate):
    """docxtpl's template that tells the budget which part it renders, renders each footnotes
    part once (docxtpl renders them once per section, so data printed in a footnote by the
    first pass would be rendered as a template by the next), and does its tag clean-up
    (regex work on the whole XML) once per distinct XML source, not on every render."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            if len(src_xml) <= _CACHE_MAX:
                if len(self._patched) > 64:
                    self._patched.clear()
                self._patched[src_xml] = patched
        return patched

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        CURRENT.get().part = str(part.partname)
        return super().render_xml_part(src_xml, part, context, jinja_env)

    def render_properties(self, context, jinja_env=None) -> None:
        CURRENT.get().part = _core_part(self)
        super().render_properties(context, jinja_env)

    def render_footnotes(self, context, jinja_env=None) -> None:
        for part in _footnote_parts(self.docx):
            xml = self.patch_xml(part.blob.decode("utf-8"))
            part._blob = self.render_xml_part(xml, part, context, jinja_env).encode("utf-8")


_RENDER_ERRORS = (
    TemplateError,
    ArithmeticError,
    TypeError,
    ValueError,
    LookupError,
    zipfile.BadZipFile,
    etree.LxmlError,
)


def render_docx(
    docx: bytes,
    context: dict,
    images: dict[str, tuple[bytes, int]] | None = None,
    *,
    limits: RenderLimits = RenderLimits(),  # noqa: B008 - frozen, shared on purpose
) -> bytes:
    """Render ``context`` into the template; ``images`` maps a field to (PNG/JPEG bytes, width
    in mm). Raises TemplateProblem (naming the part) for an archive out of bounds, a template
    that breaks the sandbox's rules or a render over ``limits``."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    check_archive(docx)
    budget = Budget(limits)
    token = CURRENT.set(budget)
    try:
        context = bounded(context, budget)
        prep = prepared(docx, _Template)
        if prep is not None and not any(prep.mentions(name) for name in images or {}):
            # the parts that do not change are ready: render the rest (an image the
            # template prints needs new parts in the package: docxtpl's full path below)
            return render_prepared(prep, context, _RENDER_ENV, budget)
        tpl = _Template(io.BytesIO(docx))
        for name, (data, width) in (images or {}).items():
            context[name] = InlineImage(tpl, io.BytesIO(data), width=Mm(width))
        tpl.render(context, jinja_env=_RENDER_ENV, autoescape=True)
        _east_asian_font(tpl.docx)
        out = io.BytesIO()
        tpl.save(out)
    except TemplateProblem:
        raise
    except TemplateSyntaxError as exc:
        where = part_label(budget.part)
        raise TemplateProblem([f"{where}：模板语法错误：{exc.message}"]) from exc
    except _RENDER_ERRORS as exc:
        where = part_label(budget.part)
        raise TemplateProblem([f"{where}：模板无法填充（{exc}）"]) from exc
    finally:
        CURRENT.reset(token)
    return out.getvalue()


def _east_asian_font(document) -> None:
    """Chinese text needs an East Asian font and language: the SC serif face and zh-CN where
    the template names none (a template that says nothing would print JP glyph variants)."""
    apply_sc_type(document.styles.element, document.settings.element)
