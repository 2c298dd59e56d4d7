"""The interest calculator's JSON format (RULES.md section 8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from .errors import ValidationFailed
from .interest import InterestInput, Judgment, Payment, Principal, Rate


class _Reader:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def date(self, obj: dict, key: str, path: str) -> date | None:
        value = obj.get(key)
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.errors[f"{path}{key}"] = f"日期无效：{value!r}（格式 YYYY-MM-DD，且须真实存在）"
            return None

    def amount(self, obj: dict, key: str, path: str, default: str | None = None, negative_ok=False):
        value = obj.get(key, default)
        try:
            if isinstance(value, bool) or value is None:
                raise InvalidOperation
            amount = Decimal(str(value))
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.errors[f"{path}{key}"] = f'应为数字（字符串），如 "1234.56"，收到 {value!r}'
            return None
        if amount < 0 and not negative_ok:
            self.errors[f"{path}{key}"] = "不能为负数"
            return None
        return amount


def parse_interest_input(data: object) -> InterestInput:
    if not isinstance(data, dict):
        raise ValidationFailed({"": "输入应为 JSON 对象"})
    r = _Reader()
    as_of = r.date(data, "as_of", "")
    day_count = data.get("day_count", 365)
    if day_count not in (360, 365):
        r.errors["day_count"] = "应为 365 或 360"
    rate = None
    raw_rate = data.get("rate")
    if not isinstance(raw_rate, dict):
        r.errors["rate"] = '应为对象，如 {"type": "annual", "percent": "6.0"}'
    else:
        kind = raw_rate.get("type")
        if kind == "lpr_markup":
            value = r.amount(raw_rate, "markup", "rate.")
        elif kind in ("annual", "daily"):
            value = r.amount(raw_rate, "percent", "rate.")
        else:
            r.errors["rate.type"] = f"应为 lpr_markup、annual 或 daily，收到 {kind!r}"
            value = None
        if value is not None:
            rate = Rate(kind, value)
    principal = []
    for i, item in enumerate(_list(r, data, "principal")):
        p = f"principal[{i}]."
        if not isinstance(item, dict):
            r.errors[f"principal[{i}]"] = "应为对象"
            continue
        amount = r.amount(item, "amount", p)
        due = r.date(item, "due_date", p)
        if amount is not None and due is not None:
            principal.append(Principal(str(item.get("ref") or f"#{i + 1}"), amount, due))
    payments = []
    for i, item in enumerate(_list(r, data, "payments")):
        p = f"payments[{i}]."
        if not isinstance(item, dict):
            r.errors[f"payments[{i}]"] = "应为对象"
            continue
        amount = r.amount(item, "amount", p)
        day = r.date(item, "date", p)
        if amount is not None and day is not None:
            if as_of and day > as_of:
                r.errors[f"{p}date"] = "回款日期晚于计算日"
            payments.append(Payment(day, amount))
    costs = r.amount(data, "costs", "", default="0.00")
    judgment = None
    if data.get("judgment") is not None:
        raw = data["judgment"]
        if not isinstance(raw, dict):
            r.errors["judgment"] = "应为对象 {amount, performance_due}"
        else:
            amount = r.amount(raw, "amount", "judgment.")
            due = r.date(raw, "performance_due", "judgment.")
            ordinary = r.amount(raw, "ordinary_interest", "judgment.", default="0.00")
            if amount is not None and ordinary is not None and ordinary > amount:
                r.errors["judgment.ordinary_interest"] = "一般债务利息不能超过判决金额（amount）"
            paid = []  # payments after the judgment (RULES s.8)
            for i, item in enumerate(_list(r, raw, "payments")):
                p = f"judgment.payments[{i}]."
                if not isinstance(item, dict):
                    r.errors[f"judgment.payments[{i}]"] = "应为对象"
                    continue
                part, day = r.amount(item, "amount", p), r.date(item, "date", p)
                if part is not None and day is not None:
                    if as_of and day > as_of:
                        r.errors[f"{p}date"] = "回款日期晚于计算日"
                    paid.append(Payment(day, part))
            if amount is not None and due is not None and ordinary is not None:
                judgment = Judgment(amount, due, ordinary, tuple(paid))
    if r.errors:
        raise ValidationFailed(r.errors)
    return InterestInput(as_of, rate, tuple(principal), tuple(payments), costs, day_count, judgment)


def _list(r: _Reader, data: dict, key: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        r.errors[key] = "应为列表"
        return []
    return value
