"""Reading an ERP aging ledger (CSV or XLSX) and the dry run: what an import would change."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError
from legalcase.domain.importer import Row, check_rows, paid_before_note, payment_note
from legalcase.models import (
    Party,
    Receivable,
)

from ..clock import today as clock_today
from ..scope import UNSCOPED

# Rows one import may hold: more is refused with a clear message (split the file).
MAX_ROWS = 200_000


def _too_many() -> DomainError:
    return DomainError(
        "too_many_rows",
        f"文件超过单次导入上限 {MAX_ROWS:,} 行，未导入；请拆分为多个文件分批导入",
        {"file": f"最多 {MAX_ROWS:,} 行"},
    )


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Headers and rows (as text) of a CSV (UTF-8 or GB18030) or XLSX file, at most MAX_ROWS."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = wb.active.iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        out = []
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            if len(out) >= MAX_ROWS:
                raise _too_many()
            out.append({h: _cell(v) for h, v in zip(headers, values, strict=False)})
        return headers, out
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("bad_file", "文件既不是 Excel（.xlsx），也不是 UTF-8/GBK 编码的 CSV")
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for r in reader:
        if len(rows) >= MAX_ROWS:
            raise _too_many()
        rows.append(dict(r))
    return [h.strip() for h in reader.fieldnames or []], rows


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Plan:
    rows: list[Row]
    errors: list[tuple[int, str]]
    new_debtors: set[str] = field(default_factory=set)
    new_receivables: list[Row] = field(default_factory=list)
    updated: list[tuple[Row, int]] = field(default_factory=list)  # (row, receivable id)
    payments: list[tuple[Row, Decimal]] = field(default_factory=list)  # dated: payment events
    # paid amounts without a payment date: "paid before import", no payment, no legal effect
    paid_before: list[tuple[Row, Decimal]] = field(default_factory=list)
    # (line, invoice number, what happens to the row's paid amount), for the dry run
    money_notes: list[tuple[int, str, str]] = field(default_factory=list)
    known_cases: set[int] = field(default_factory=set)  # cases of the known invoices it changes
    known_ids: dict[str, int] = field(default_factory=dict)  # their invoice number -> id

    @property
    def changes(self) -> int:
        return (
            len(self.new_receivables)
            + len(self.updated)
            + len(self.payments)
            + len(self.paid_before)
        )

    def _paid(self, row: Row, amount: Decimal, dated: bool) -> None:
        """A row's newly paid ``amount``: a payment when the file dates it (the payment-date
        column is mapped and filled), else paid before import."""
        if row.payment_date is not None:
            self.payments.append((row, amount))
            note = payment_note(row.payment_date, amount, row.currency, row.invoice_no)
        else:
            self.paid_before.append((row, amount))
            note = paid_before_note(amount, row.currency, dateless=dated)
        self.money_notes.append((row.line, row.invoice_no, note))


def plan(
    session: Session,
    creditor_id: int,
    raw: list[dict],
    mapping: dict[str, str],
    today: date | None = None,
) -> Plan:
    """The dry run: every bad row by line, and what importing the good ones would change."""
    from babel.numbers import list_currencies

    today = today or clock_today()
    dated = "payment_date" in mapping  # a mapped column, though a row's cell may be empty
    rows, errors = check_rows(raw, mapping, frozenset(list_currencies()))
    p = Plan(rows, errors)
    known = {
        r.invoice_no: r
        for r in session.execute(
            select(
                Receivable.id,
                Receivable.case_id,
                Receivable.invoice_no,
                Receivable.amount,
                Receivable.issue_date,
                Receivable.due_date,
                Receivable.paid_amount,
            ).where(Receivable.creditor_id == creditor_id)
        )
    }
    codes = set(  # across every creditor: the import links to the existing party
        session.scalars(
            select(Party.id_code).where(Party.id_code.is_not(None)).execution_options(**UNSCOPED)
        )
    )
    names = set(session.scalars(select(Party.name)))
    for row in rows:
        if row.payment_date is not None and row.payment_date > today:
            p.errors.append((row.line, f"收款日期 {row.payment_date} 晚于今天"))
            continue
        if not (
            (row.debtor_code and row.debtor_code in codes)
            or (not row.debtor_code and row.debtor_name in names)
        ):
            p.new_debtors.add(row.debtor_code or row.debtor_name)
        old = known.get(row.invoice_no)
        if old is None:
            p.new_receivables.append(row)
            if row.paid_amount > 0:
                p._paid(row, row.paid_amount, dated)
            continue
        if (old.amount, old.issue_date, old.due_date) != (row.amount, row.issue_date, row.due_date):
            if row.amount < old.paid_amount:
                p.errors.append((row.line, f"金额 {row.amount} 低于系统中已收的 {old.paid_amount}"))
                continue
            p.updated.append((row, old.id))
            p.known_cases.add(old.case_id)
            p.known_ids[row.invoice_no] = old.id
        if row.paid_amount > old.paid_amount:
            p._paid(row, row.paid_amount - old.paid_amount, dated)
            p.known_cases.add(old.case_id)
            p.known_ids[row.invoice_no] = old.id
    p.errors.sort()
    bad = {line for line, _ in p.errors}
    p.new_receivables = [r for r in p.new_receivables if r.line not in bad]
    p.updated = [(r, i) for r, i in p.updated if r.line not in bad]
    p.payments = [(r, a) for r, a in p.payments if r.line not in bad]
    p.paid_before = [(r, a) for r, a in p.paid_before if r.line not in bad]
    p.money_notes = sorted(n for n in p.money_notes if n[0] not in bad)
    return p
