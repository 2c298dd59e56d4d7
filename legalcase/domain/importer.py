"""Checking the rows of an ERP aging ledger before anything is imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from .identity import uscc_problem
from .money import format_money

FIELDS = {
    "debtor_name": (
        "客户名称",
        True,
        ("客户名称", "客户", "债务人", "单位名称", "customer", "debtor"),
    ),
    "debtor_code": (
        "统一社会信用代码",
        False,
        ("统一社会信用代码", "信用代码", "税号", "uscc", "tax id"),
    ),
    "invoice_no": ("发票号", True, ("发票号", "发票号码", "单据号", "invoice", "invoice no")),
    "issue_date": ("开票日期", True, ("开票日期", "单据日期", "issue date", "date")),
    "due_date": ("到期日", True, ("到期日", "到期日期", "应收日期", "due date")),
    "amount": ("金额", True, ("金额", "应收金额", "发票金额", "amount")),
    "currency": ("币种", False, ("币种", "货币", "currency")),
    "paid_amount": ("已收金额", False, ("已收金额", "已收", "回款金额", "paid")),
    "payment_date": ("最近收款日", False, ("最近收款日", "收款日期", "回款日期", "payment date")),
}


@dataclass(frozen=True)
class Row:
    line: int
    debtor_name: str
    debtor_code: str | None
    invoice_no: str
    issue_date: date
    due_date: date
    amount: Decimal
    currency: str
    paid_amount: Decimal
    payment_date: date | None


def paid_before_note(amount: Decimal, currency: str, dateless: bool = False) -> str:
    """What the dry run says of a paid amount without a payment date (RULES s.2): it lowers
    what is owed, but it is no payment event and leaves limitation alone."""
    why = "（收款日期为空）" if dateless else ""
    return f"已付 {format_money(amount, currency)} 记为导入前已付{why}（无日期，不影响时效）"


def payment_note(paid_on: date, amount: Decimal, currency: str, invoice_no: str) -> str:
    """What the dry run says of a dated payment: it reaches only the invoice it pays."""
    return (
        f"付款 {paid_on.isoformat()} {format_money(amount, currency)} → 发票 {invoice_no}"
        "（仅中断该发票的诉讼时效）"
    )


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Target field -> file column, from the usual Chinese and English header names."""
    found = {}
    lowered = {h.strip().lower(): h for h in headers}
    for field, (_, _, aliases) in FIELDS.items():
        for alias in aliases:
            if alias.lower() in lowered:
                found[field] = lowered[alias.lower()]
                break
    return found


def _date(text: str) -> date:
    text = text.strip().replace("/", "-").replace(".", "-")
    if " " in text:  # '2024-01-31 00:00:00' from spreadsheets
        text = text.split(" ")[0]
    parts = text.split("-")
    if len(parts) != 3:
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def _amount(text: str) -> Decimal:
    value = Decimal(text.replace(",", "").replace("¥", "").strip())
    if not value.is_finite():
        raise InvalidOperation
    return value


def check_rows(
    raw: list[dict[str, str]],
    mapping: dict[str, str],
    currencies: frozenset[str],
    first_line: int = 2,
) -> tuple[list[Row], list[tuple[int, str]]]:
    """Valid rows and (line, reason) for every bad one; line numbers as in the file (header = 1)."""
    missing = [
        FIELDS[f][0] for f, (_, required, _) in FIELDS.items() if required and f not in mapping
    ]
    if missing:
        return [], [(1, "缺少必需的列：" + "、".join(missing))]
    rows, errors, seen = [], [], {}
    for n, record in enumerate(raw, start=first_line):

        def get(field: str, record: dict = record) -> str:
            column = mapping.get(field)
            return (record.get(column) or "").strip() if column else ""

        problems = []
        name = get("debtor_name")
        if not name:
            problems.append("客户名称为空")
        code = get("debtor_code") or None
        if code and uscc_problem(code):
            problems.append(f"统一社会信用代码 {code} 无效")
        invoice = get("invoice_no")
        if not invoice:
            problems.append("发票号为空")
        dates = {}
        for field in ("issue_date", "due_date"):
            try:
                dates[field] = _date(get(field))
            except (ValueError, TypeError):
                problems.append(f"{FIELDS[field][0]}无效：{get(field) or '（空）'}")
        try:
            amount = _amount(get("amount"))
            if amount <= 0 or amount.as_tuple().exponent < -2:
                problems.append(f"金额应为正数且最多两位小数：{get('amount')}")
        except InvalidOperation:
            amount = None
            problems.append(f"金额不是数字：{get('amount') or '（空）'}")
        paid = Decimal(0)
        if get("paid_amount"):
            try:
                paid = _amount(get("paid_amount"))
                if paid < 0 or (amount is not None and paid > amount):
                    problems.append(f"已收金额应在 0 与金额之间：{get('paid_amount')}")
            except InvalidOperation:
                problems.append(f"已收金额不是数字：{get('paid_amount')}")
        pay_date = None
        if get("payment_date"):
            try:
                pay_date = _date(get("payment_date"))
            except (ValueError, TypeError):
                problems.append(f"收款日期无效：{get('payment_date')}")
        currency = (get("currency") or "CNY").upper()
        if currency not in currencies:
            problems.append(f"未知币种：{currency}")
        if len(dates) == 2 and dates["due_date"] < dates["issue_date"]:
            problems.append("到期日早于开票日")
        if invoice and invoice in seen:
            problems.append(f"发票号 {invoice} 与第 {seen[invoice]} 行重复")
        elif invoice:
            seen[invoice] = n
        if problems:
            errors.append((n, "；".join(problems)))
            continue
        rows.append(
            Row(
                n,
                name,
                code,
                invoice,
                dates["issue_date"],
                dates["due_date"],
                amount.quantize(Decimal("0.01")),
                currency,
                paid.quantize(Decimal("0.01")),
                pay_date,
            )
        )
    return rows, errors
