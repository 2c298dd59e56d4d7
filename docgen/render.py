"""Render DOCX templates (docxtpl on python-docx) in a sandbox, after checking what they use.

An uploaded template may only use the documented fields, loop over documented lists and a
few harmless filters: no function calls, imports, includes, macros or private attributes.
Rendering itself runs in Jinja's SandboxedEnvironment as a second line of defence.
"""

from __future__ import annotations

import io
import threading

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

SAFE_FILTERS = frozenset(
    {
        "default",
        "length",
        "join",
        "upper",
        "lower",
        "trim",
        "replace",
        "first",
        "last",
        "string",
        "e",
        "escape",
    }
)
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
)


class TemplateProblem(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


class _CompiledOnce(SandboxedEnvironment):
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
            with self._lock:
                if len(self._compiled) > 64:
                    self._compiled.clear()
                self._compiled[source] = template
        return template


_RENDER_ENV = _CompiledOnce(autoescape=True)


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _source(docx: bytes) -> tuple[DocxTemplate, str]:
    tpl = DocxTemplate(io.BytesIO(docx))
    tpl.init_docx()
    xml = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            xml += tpl.patch_xml(tpl.get_part_xml(part))
    return tpl, xml


def check_template(docx: bytes, fields: set[str], lists: set[str]) -> set[str]:
    """The fields a template uses; raises TemplateProblem naming every problem."""
    try:
        _, source = _source(docx)
        ast = _env().parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem([f"模板语法错误：{exc.message}（第 {exc.lineno} 行）"]) from None
    except Exception as exc:  # not a Word file at all
        raise TemplateProblem([f"不是有效的 Word（.docx）文件：{type(exc).__name__}"]) from None
    problems = []
    for node in ast.find_all(FORBIDDEN):
        what = type(node).__name__
        problems.append(f"不允许使用 {what}（函数调用、导入、宏或赋值）")
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
    if problems:
        raise TemplateProblem(list(dict.fromkeys(problems)))
    return used


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return ".".join([node.name, *reversed(parts)])


class _Template(DocxTemplate):
    """docxtpl's template whose tag clean-up (regex work on the whole XML) is done once per
    distinct XML source, not on every render."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            if len(self._patched) > 64:
                self._patched.clear()
            self._patched[src_xml] = patched
        return patched


def render_docx(
    docx: bytes, context: dict, images: dict[str, tuple[bytes, int]] | None = None
) -> bytes:
    """Render ``context`` into the template; ``images`` maps a field to (PNG/JPEG bytes, width in mm)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    tpl = _Template(io.BytesIO(docx))
    if images:
        context = dict(context)
        for name, (data, width) in images.items():
            context[name] = InlineImage(tpl, io.BytesIO(data), width=Mm(width))
    tpl.render(context, jinja_env=_RENDER_ENV, autoescape=True)
    _east_asian_font(tpl.docx)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _east_asian_font(document, font: str = "宋体") -> None:
    """Chinese text needs an East Asian font on the base style; set one if the template has none."""
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    if not fonts.get(qn("w:eastAsia")):
        fonts.set(qn("w:eastAsia"), font)
