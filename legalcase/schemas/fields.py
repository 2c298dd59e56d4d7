"""Field types and helpers shared by every schema: money, rates, days and moments with
messages in Chinese; parsing of raw input into typed values; form values of an object.

Each input field carries ``metadata``: ``label`` for the form and error summary, ``widget``
for the HTML input, and ``choices`` for selects. Output (dump) schemas format money as
strings with two decimals, dates as YYYY-MM-DD and timestamps as ISO 8601.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from legalcase.domain.errors import ValidationFailed

CURRENCIES = frozenset(list_currencies())

REQUIRED = {"required": "必填", "null": "必填"}

# Ids and counts are PostgreSQL ``integer`` columns; dates outside these years are typing
# mistakes (and some, like year 0 or 10000, cannot be represented at all).
MAX_INT = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2200
NUL = "\x00"  # PostgreSQL refuses it in text
NO_NUL = "不能包含 NUL（\\u0000）字符"


class Money(fields.Field):
    """A positive amount with at most two decimals, e.g. ``1234.56``, ``1,234.56`` or
    ``￥1，234.56元`` (thousands separators, currency signs and 元 as typed)."""

    def __init__(self, *, allow_zero: bool = False, **kw) -> None:
        super().__init__(**kw)
        self.allow_zero = allow_zero

    def _deserialize(self, value, attr, data, **kw):
        text = str(value)
        for mark in (",", "，", "¥", "￥", "元", " ", "\u3000"):  # 1,234.56 / ￥1，234.56元
            text = text.replace(mark, "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError("应为金额数字，如 1234.56") from None
        if not amount.is_finite():
            raise ValidationError("应为金额数字，如 1234.56")
        if amount.as_tuple().exponent < -2:
            raise ValidationError("金额最多两位小数")
        if amount < 0 or (amount == 0 and not self.allow_zero):
            raise ValidationError("金额须大于 0")
        if amount >= Decimal("1e13"):
            raise ValidationError("金额过大")
        return amount.quantize(Decimal("0.01"))

    def _serialize(self, value, attr, obj, **kw):
        return None if value is None else f"{value:.2f}"


class Rate(fields.Field):
    def _deserialize(self, value, attr, data, **kw):
        try:
            rate = Decimal(str(value).strip().rstrip("%"))
        except InvalidOperation:
            raise ValidationError("应为百分比数字，如 0.05") from None
        if not rate.is_finite() or rate < 0 or rate > 100:
            raise ValidationError("利率应在 0 到 100 之间（%）")
        return rate

    def _serialize(self, value, attr, obj, **kw):
        return None if value is None else str(value)


YEARS = f"年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间"


class Day(fields.Date):
    default_error_messages = {"invalid": "日期无效，应为真实存在的日期，格式 YYYY-MM-DD"}

    def _deserialize(self, value, attr, data, **kw):
        result = super()._deserialize(value, attr, data, **kw)
        if not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise ValidationError(YEARS)
        return result


class Moment(fields.DateTime):
    """A timestamp; without an offset it is taken as Beijing time, stored as UTC."""

    default_error_messages = {"invalid": "时间无效，格式 YYYY-MM-DD HH:MM"}

    def _deserialize(self, value, attr, data, **kw):
        try:
            result = self._moment(value, attr, data, **kw)
        except OverflowError:  # e.g. 0001-01-01 with an offset east of UTC
            raise ValidationError(YEARS) from None
        if not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise ValidationError(YEARS)
        return result

    def _moment(self, value, attr, data, **kw):
        from legalcase.services.clock import SHANGHAI

        text = str(value).strip().replace("T", " ")
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=SHANGHAI).astimezone(UTC)
            except ValueError:
                pass
        result = super()._deserialize(value, attr, data, **kw)
        if result.tzinfo is None:
            result = result.replace(tzinfo=SHANGHAI)
        return result.astimezone(UTC)


def text(label: str, required: bool = False, max_len: int = 200, widget: str = "text", **kw):
    return fields.String(
        required=required,
        allow_none=not required,
        validate=validate.Length(
            min=1 if required else 0, max=max_len, error=f"长度不超过 {max_len} 字"
        ),
        error_messages=REQUIRED,
        metadata={"label": label, "widget": widget},
        **kw,
    )


def choice(label: str, choices: dict, required: bool = True, **kw):
    return fields.String(
        required=required,
        allow_none=not required,
        validate=validate.OneOf(list(choices), error="请选择列表中的一项"),
        error_messages=REQUIRED,
        metadata={"label": label, "widget": "select", "choices": choices},
        **kw,
    )


def ref(label: str, required: bool = True, **kw):
    """A foreign key chosen from a list the view supplies."""
    return fields.Integer(
        required=required,
        allow_none=not required,
        validate=validate.Range(min=1, max=MAX_INT, error="请选择列表中的一项"),
        error_messages={**REQUIRED, "invalid": "请选择列表中的一项"},
        metadata={"label": label, "widget": "select"},
        **kw,
    )


def day(label: str, required: bool = True):
    return Day(
        required=required,
        allow_none=not required,
        error_messages=REQUIRED,
        metadata={"label": label, "widget": "date"},
    )


def money(label: str, required: bool = True, **kw):
    return Money(
        required=required,
        allow_none=not required,
        error_messages=REQUIRED,
        metadata={"label": label, "widget": "money"},
        **kw,
    )


def currency(label: str = "币种"):
    return fields.String(
        load_default="CNY",
        validate=validate.OneOf(sorted(CURRENCIES), error="未知币种，应为 ISO 4217 代码，如 CNY"),
        metadata={"label": label, "widget": "text"},
    )


class Base(Schema):
    class Meta:
        unknown = EXCLUDE


def list_of(item: type[Schema], name: str, **extra: fields.Field) -> type[Schema]:
    """The output schema of a list response: ``{"items": [item, ...], **extra}``."""
    return Base.from_dict({"items": fields.List(fields.Nested(item)), **extra}, name=name)


def clean(raw: dict) -> dict:
    """Strip strings and turn empty strings into None (browsers send '' for blank fields)."""
    out = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None
        out[key] = value
    return out


def parse(schema: Schema, raw: dict, partial: bool = False) -> dict:
    """Load ``raw`` with ``schema``; raise ValidationFailed naming every bad field."""
    data = clean(raw)
    nul = sorted(k for k, v in data.items() if _has_nul(v))
    if nul:
        errors = dict.fromkeys(nul, NO_NUL)
        summary = "输入有误：" + "；".join(f"{label(schema, k)}：{NO_NUL}" for k in nul)
        raise ValidationFailed(errors, summary)
    if partial:
        data = {k: v for k, v in data.items() if k in schema.fields}
    else:
        data = {k: v for k, v in data.items() if v is not None}
    try:
        result = schema.load(data, partial=partial)
    except ValidationError as exc:
        errors = _flatten(exc.messages, schema)
        summary = "输入有误：" + "；".join(f"{label(schema, k)}：{v}" for k, v in errors.items())
        raise ValidationFailed(errors, summary) from None
    return result


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def int_arg(args, name: str, default: int | None, low: int, high: int, errors: dict) -> int | None:
    """An integer query argument between ``low`` and ``high``; a bad one goes into ``errors``."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or not low <= int(raw) <= high:
        errors[name] = f"应为 {low} 到 {high} 之间的整数"
        return default
    return int(raw)


def date_arg(args, name: str, default: date | None, errors: dict) -> date | None:
    """A YYYY-MM-DD query argument; a bad one goes into ``errors``."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        return Day().deserialize(raw)
    except ValidationError as exc:
        errors[name] = "；".join(exc.messages)
        return default


def _flatten(messages: dict, schema: Schema, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, schema, prefix=f"{name}."))
        elif isinstance(value, list):
            out[name] = "；".join(str(v) for v in value)
        else:
            out[name] = str(value)
    return out


def label(schema: Schema, field: str) -> str:
    f = schema.fields.get(field.split(".")[0])
    return (f.metadata.get("label") if f else None) or field


def dump_fields(schema: Schema, obj: object) -> dict:
    """Current values of ``obj`` as form strings, for edit forms."""
    out = {}
    for name, field in schema.fields.items():
        value = getattr(obj, name, None)
        if value is None:
            out[name] = ""
        elif isinstance(field, Money):
            out[name] = f"{value:.2f}"
        else:
            out[name] = str(value)
    return out
