"""Limits that hold whatever a DOCX template contains: the archive is measured before it is
opened, and rendering runs in a sandbox with no globals, no function calls, bounded string and
number growth, and a budget of time, loop steps and output characters for each render."""

from __future__ import annotations

import io
import time
import zipfile
from contextvars import ContextVar
from dataclasses import dataclass

from jinja2 import Template, pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.filters import do_join, do_replace
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
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 64 * 2**20  # the whole archive, unpacked
MAX_XML = 16 * 2**20  # the XML parts, unpacked: python-docx parses all of them
MAX_RATIO = 100  # unpacked : packed, for any part over 1 MB
MAX_TEXT = 2 * 2**20  # one value computed in a template (repetition, replace, join)
XML_SUFFIXES = (".xml", ".rels", ".vml")


class TemplateProblem(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


class RenderLimit(TemplateProblem):
    """A render went over its budget (time, loop steps or output size)."""


def part_label(name: str) -> str:
    """Where in the DOCX a part is, for messages: "页脚（word/footer1.xml）"."""
    name = name.lstrip("/")
    kinds = (
        ("word/document.xml", "正文"),
        ("word/header", "页眉"),
        ("word/footer", "页脚"),
        ("word/footnotes", "脚注"),
        ("word/endnotes", "尾注"),
        ("word/comments", "批注"),
        ("docProps/core.xml", "文档属性"),
        ("docProps/app.xml", "文档属性"),
        ("docProps/custom.xml", "自定义文档属性"),
    )
    for prefix, label in kinds:
        if name.startswith(prefix):
            return f"{label}（{name}）"
    return f"文档部件（{name}）"


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def check_archive(data: bytes) -> None:
    """Refuse a DOCX whose unpacked size or compression ratio is out of bounds, reading only
    the zip directory (nothing is unpacked). zipfile never unpacks more than the declared size
    of an entry, so the declared sizes bound what opening the file can cost."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TemplateProblem([f"不是有效的 Word（.docx）文件：{type(exc).__name__}"]) from None
    if len(infos) > MAX_ENTRIES:
        raise TemplateProblem([f"文件内部部件过多（{len(infos)} 个，上限 {MAX_ENTRIES}）"])
    problems = []
    for info in infos:
        packed = max(info.compress_size, 1)
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * packed:
            problems.append(
                f"{part_label(info.filename)}：解压后 {_mb(info.file_size)}，"
                f"压缩比 {info.file_size // packed}:1，超过上限 {MAX_RATIO}:1（疑似压缩炸弹）"
            )
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.endswith(XML_SUFFIXES))
    if total > MAX_UNCOMPRESSED:
        problems.append(f"解压后共 {_mb(total)}，超过上限 {_mb(MAX_UNCOMPRESSED)}")
    if xml > MAX_XML:
        problems.append(f"文档内容（XML 部件）解压后共 {_mb(xml)}，超过上限 {_mb(MAX_XML)}")
    if problems:
        raise TemplateProblem(problems)


@dataclass(frozen=True)
class RenderLimits:
    seconds: float = 30.0
    steps: int = 1_000_000  # loop iterations over the data lists
    chars: int = 32 * 2**20  # rendered XML text, all parts together


class Budget:
    """What one render may still spend; ``part`` names the part being rendered."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.steps = limits.steps
        self.chars = limits.chars
        self.part = "word/document.xml"

    def _refuse(self, what: str) -> None:
        raise RenderLimit([f"{part_label(self.part)}：{what}"])

    def tick(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            self._refuse(f"循环次数超过上限（{self.limits.steps} 次）")
        if time.monotonic() > self.deadline:
            self._refuse(f"填充耗时超过上限（{self.limits.seconds:g} 秒）")

    def emit(self, chunk: str) -> None:
        self.chars -= len(chunk)
        if self.chars < 0:
            self._refuse(f"填充后的内容超过上限（{_mb(self.limits.chars)}）")
        if time.monotonic() > self.deadline:
            self._refuse(f"填充耗时超过上限（{self.limits.seconds:g} 秒）")


CURRENT: ContextVar[Budget | None] = ContextVar("docgen_budget", default=None)


class _Counted(list):
    """A data list whose every iteration step is charged to the render's budget."""

    __slots__ = ("_budget",)

    def __iter__(self):
        budget = self._budget
        for item in list.__iter__(self):
            budget.tick()
            yield item


def bounded(value, budget: Budget):
    """The render context with its lists counted (dicts and lists copied, the rest as is)."""
    if isinstance(value, dict):
        return {k: bounded(v, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        out = _Counted(bounded(v, budget) for v in value)
        out._budget = budget
        return out
    return value


class _BudgetedTemplate(Template):
    def render(self, *args, **kwargs) -> str:
        budget = CURRENT.get()
        if budget is None:
            raise RuntimeError("render outside docgen.render.render_docx")
        out = []
        for chunk in self.generate(*args, **kwargs):
            budget.emit(chunk)
            out.append(chunk)
        return "".join(out)


def _too_long(n: int) -> None:
    if n > MAX_TEXT:
        raise SecurityError(f"模板运算结果过长（{n} 个字符，上限 {MAX_TEXT}）")


@pass_eval_context
def _replace(eval_ctx, s, old, new, count=None):
    text, old_s, new_s = str(s), str(old), str(new)
    hits = text.count(old_s) if old_s else len(text) + 1
    if count is not None:
        hits = min(hits, max(int(count), 0))
    _too_long(len(text) + hits * max(len(new_s) - len(old_s), 0))
    return do_replace(eval_ctx, s, old, new, count)


@pass_eval_context
def _join(eval_ctx, value, d="", attribute=None):
    items = list(value)
    _too_long(len(str(d)) * len(items))
    return do_join(eval_ctx, items, d, attribute)


class SafeEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with no globals (no range, lipsum, cycler, joiner, namespace, dict), only
    the harmless filters, no calls at all, and ``*``, ``**`` and ``%`` bounded."""

    template_class = _BudgetedTemplate
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.globals.clear()
        self.filters = {k: v for k, v in self.filters.items() if k in SAFE_FILTERS}
        self.filters["replace"] = _replace
        self.filters["join"] = _join

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        raise SecurityError("模板中不允许调用函数")

    def call_binop(self, context, operator: str, left, right):
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    _too_long(len(seq) * max(n, 0))
            if isinstance(left, int) and isinstance(right, int):
                if abs(left).bit_length() + abs(right).bit_length() > 4096:
                    raise SecurityError("模板中的数字过大")
        elif operator == "**":
            if not isinstance(right, int) or right < 0 or right > 64:
                raise SecurityError("模板中的乘方指数只能是 0 到 64 的整数")
            if isinstance(left, int) and abs(left).bit_length() * right > 4096:
                raise SecurityError("模板中的数字过大")
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("模板中不允许用 % 格式化文字")
        return super().call_binop(context, operator, left, right)
