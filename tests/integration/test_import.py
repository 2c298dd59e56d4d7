"""Import of an aging ledger: dry run, bad rows by line, all or nothing, idempotent."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError
from legalcase.domain.importer import guess_mapping
from legalcase.models import AuditEntry, Case, Party, Payment, Receivable
from legalcase.services import importer
from tests import factories as F

HEADERS = [
    "客户名称",
    "统一社会信用代码",
    "发票号",
    "开票日期",
    "到期日",
    "金额",
    "币种",
    "已收金额",
    "最近收款日",
]


def write_ledger(path, n: int, bad: dict[int, dict] | None = None) -> None:
    bad = bad or {}
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(n):
            debtor = i % 50
            issue = date(2025, 1, 1) + timedelta(days=i % 300)
            row = {
                "客户名称": f"导入客户{debtor:02d}有限公司",
                "统一社会信用代码": F.uscc(9000 + debtor),
                "发票号": f"ERP{i:06d}",
                "开票日期": issue.isoformat(),
                "到期日": (issue + timedelta(days=60)).isoformat(),
                "金额": f"{1000 + i}.50",
                "币种": "CNY",
                "已收金额": "100.00" if i % 3 == 0 else "",
                "最近收款日": "2025-12-01" if i % 3 == 0 else "",
            }
            row.update(bad.get(i, {}))
            w.writerow([row[h] for h in HEADERS])


PLANTED = {
    7: {"开票日期": "2025-02-30"},
    55: {"到期日": "31/12/2025"},
    140: {"金额": "-5"},
    333: {"金额": "abc"},
    480: {"币种": "RMBX"},
    777: {"发票号": "ERP000001"},
    901: {"到期日": "2024-01-01"},
    1500: {"客户名称": ""},
    2222: {"统一社会信用代码": "913100000000000000"},
    3000: {"已收金额": "999999"},
    3500: {"金额": "1.234"},
    4000: {"开票日期": ""},
    4444: {"币种": "YUAN"},
    5000: {"发票号": ""},
    6000: {"金额": "0"},
    6500: {"最近收款日": "2025-13-01"},
    7000: {"发票号": "ERP000010"},
    8000: {"到期日": "not a date"},
    9000: {"已收金额": "-1"},
    9999: {"金额": ""},
}


def test_ten_thousand_rows_twenty_bad_then_idempotent(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    path = tmp_path / "ledger.csv"
    write_ledger(path, 10_000, PLANTED)
    headers, raw = importer.read_table(path)
    mapping = guess_mapping(headers)
    assert set(mapping) == {
        "debtor_name",
        "debtor_code",
        "invoice_no",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "paid_amount",
        "payment_date",
    }
    p = importer.plan(session, creditor.id, raw, mapping)
    assert sorted(line for line, _ in p.errors) == sorted(
        i + 2 for i in PLANTED
    )  # header is line 1
    reasons = dict(p.errors)
    assert (
        "开票日期无效" in reasons[9]
        and "与第 3 行重复" in reasons[779]
        and "未知币种" in reasons[482]
    )
    with pytest.raises(DomainError, match="有 20 行有误"):
        importer.apply(session, admin, creditor.id, p)
    assert session.scalar(select(func.count()).select_from(Receivable)) == 0
    result = importer.apply(session, admin, creditor.id, p, skip_bad=True, today=date(2026, 11, 24))
    assert (
        result["receivables"] == 10_000 - 20 and result["skipped"] == 20 and result["debtors"] == 50
    )
    assert session.scalar(select(func.count()).select_from(Receivable)) == 9_980
    assert session.scalar(select(func.count()).select_from(Case)) == 50
    assert session.scalar(select(func.count()).select_from(Payment)) == result["payments"] > 3000
    case = session.scalar(select(Case).order_by(Case.id))
    assert case.outstanding_amount == case.principal_amount - case.paid_amount > 0
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "receivables")
        )
        == 9_980
    )
    # the same file again changes nothing
    again = importer.plan(session, creditor.id, raw, mapping)
    assert again.changes == 0 and len(again.errors) == 20
    importer.apply(session, admin, creditor.id, again, skip_bad=True)
    assert session.scalar(select(func.count()).select_from(Receivable)) == 9_980
    assert session.scalar(select(func.count()).select_from(Party)) == 50


def test_known_invoices_are_updated_and_new_payments_recorded(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    path = tmp_path / "a.csv"
    write_ledger(path, 3)
    headers, raw = importer.read_table(path)
    importer.apply(
        session,
        admin,
        creditor.id,
        importer.plan(session, creditor.id, raw, guess_mapping(headers)),
    )
    write_ledger(
        path, 3, {1: {"金额": "2001.50", "已收金额": "500.00", "最近收款日": "2026-01-05"}}
    )
    headers, raw = importer.read_table(path)
    p = importer.plan(session, creditor.id, raw, guess_mapping(headers))
    assert [r.invoice_no for r, _ in p.updated] == ["ERP000001"]
    assert [(r.invoice_no, a) for r, a in p.payments] == [("ERP000001", Decimal("500.00"))]
    importer.apply(session, admin, creditor.id, p)
    r = session.scalar(select(Receivable).where(Receivable.invoice_no == "ERP000001"))
    session.refresh(r)
    assert r.amount == Decimal("2001.50") and r.paid_amount == Decimal("500.00")


def test_an_xlsx_ledger(session, tmp_path):
    from openpyxl import Workbook

    admin = F.user(session)
    creditor = F.creditor(session)
    wb = Workbook()
    wb.active.append(["客户", "发票号码", "单据日期", "到期日期", "应收金额"])
    wb.active.append(["某某贸易有限公司", "X-1", date(2026, 1, 5), date(2026, 3, 5), 12345.6])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    headers, raw = importer.read_table(path)
    p = importer.plan(session, creditor.id, raw, guess_mapping(headers))
    assert not p.errors and p.new_receivables[0].amount == Decimal("12345.60")
    importer.apply(session, admin, creditor.id, p)
    assert session.scalar(select(Receivable.due_date)) == date(2026, 3, 5)


def test_imported_balances_respect_instalment_schedules(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    from legalcase.services import parties

    debtor = parties.create_party(
        session, admin, {"kind": "company", "name": "分期客户有限公司", "id_code": F.uscc(4321)}
    )
    case = F.case(session, admin, debtor_party=debtor, cred=creditor)
    F.receivable(
        session,
        admin,
        case,
        "INST-1",
        "1000.00",
        date(2026, 1, 1),
        date(2026, 6, 1),
        instalments=[
            {"due_date": date(2026, 2, 1), "amount": Decimal("400")},
            {"due_date": date(2026, 6, 1), "amount": Decimal("600")},
        ],
    )
    path = tmp_path / "one.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                HEADERS,
                [
                    "分期客户有限公司",
                    F.uscc(4321),
                    "NEW-1",
                    "2026-03-01",
                    "2026-04-01",
                    "50.00",
                    "CNY",
                    "",
                    "",
                ],
            ]
        )
    headers, raw = importer.read_table(path)
    importer.apply(
        session,
        admin,
        creditor.id,
        importer.plan(session, creditor.id, raw, guess_mapping(headers)),
    )
    session.refresh(case)
    assert case.oldest_unpaid_due_date == date(2026, 2, 1)  # the first instalment, not 2026-06-01
    assert case.outstanding_amount == Decimal("1050.00")
