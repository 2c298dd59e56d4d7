"""Import of an aging ledger: dry run, bad rows by line, all or nothing, idempotent."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError
from legalcase.domain.importer import guess_mapping
from legalcase.models import AuditEntry, Case, Party, Payment, Receivable, StageChange
from legalcase.services import check, importer
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
    created = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "create")
    assert session.scalar(created.where(AuditEntry.entity == "receivables")) == 9_980
    assert session.scalar(created.where(AuditEntry.entity == "payments")) == result["payments"]
    assert check.differences(session) == []
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


def _import(session, admin, creditor, path, today=None):
    headers, raw = importer.read_table(path)
    p = importer.plan(session, creditor.id, raw, guess_mapping(headers), today=today)
    assert not p.errors, p.errors
    return importer.apply(session, admin, creditor.id, p, today=today)


def _one_row(path, name, code, invoice, amount, paid="", paid_on=""):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                HEADERS,
                [name, code, invoice, "2026-01-05", "2026-03-05", amount, "CNY", paid, paid_on],
            ]
        )


def test_imported_payments_keep_an_open_promise_and_are_audited_on_the_case(session, tmp_path):
    from datetime import UTC, datetime

    from legalcase.services import ledger, parties, queries

    admin = F.user(session)
    creditor = F.creditor(session)
    debtor = parties.create_party(
        session, admin, {"kind": "company", "name": "承诺客户有限公司", "id_code": F.uscc(5555)}
    )
    case = F.case(session, admin, debtor_party=debtor, cred=creditor)
    F.receivable(session, admin, case, "PRM-1", "1000.00", date(2026, 1, 5), date(2026, 3, 5))
    entry = ledger.record_contact(
        session,
        admin,
        case,
        {
            "contacted_at": datetime(2026, 6, 1, 2, tzinfo=UTC),
            "channel": "call",
            "summary": "承诺月中付款",
            "outcome": "promised",
            "promise_amount": Decimal("600"),
            "promise_due_date": date(2026, 6, 15),
        },
        now=datetime(2026, 6, 1, 3, tzinfo=UTC),
    )
    session.commit()
    promise = entry.promises[0]
    assert promise.status == "open"
    before_import = session.scalar(select(func.max(AuditEntry.id)))
    path = tmp_path / "paid.csv"
    _one_row(path, "承诺客户有限公司", F.uscc(5555), "PRM-1", "1000.00", "600.00", "2026-06-10")
    result = _import(session, admin, creditor, path, today=date(2026, 6, 12))
    assert result["payments"] == 1 and result["promises"] == 1
    session.commit()
    session.refresh(promise)
    assert promise.status == "kept"
    # every row the import wrote for the case names it, and the case's audit tab lists them
    rows = session.scalars(select(AuditEntry).where(AuditEntry.id > before_import)).all()
    by_entity = {(a.entity, a.action): a for a in rows}
    assert {("payments", "create"), ("receivables", "update"), ("cases", "update")} <= set(
        by_entity
    ) and ("promises", "update") in by_entity
    assert all(a.case_id == case.id for a in rows)
    assert by_entity[("receivables", "update")].after == {"paid_amount": "600.00"}
    shown = {a.id for a in queries.case_page(session, case.id, date(2026, 6, 12)).audit}
    assert {a.id for a in rows} <= shown
    assert check.differences(session, today=date(2026, 6, 12)) == []


def test_an_invoice_updated_by_an_import_is_audited_on_its_case(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    path = tmp_path / "a.csv"
    _one_row(path, "更新客户有限公司", F.uscc(6666), "UPD-1", "1000.00")
    _import(session, admin, creditor, path)
    session.commit()
    case = session.scalar(select(Case))
    assert case.title == "更新客户有限公司货款"
    opened = session.scalars(select(StageChange).where(StageChange.case_id == case.id)).all()
    assert [(s.to_stage, s.reason) for s in opened] == [("pre_legal", "由台账导入立案")]
    created = session.scalars(select(AuditEntry.entity).where(AuditEntry.case_id == case.id)).all()
    assert {"cases", "stage_changes", "receivables"} <= set(created)
    _one_row(path, "更新客户有限公司", F.uscc(6666), "UPD-1", "1500.00", "300.00", "2026-02-01")
    _import(session, admin, creditor, path)
    session.commit()
    update = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "receivables",
            AuditEntry.action == "update",
            AuditEntry.after["amount"].is_not(None),
        )
    )
    assert update.case_id == case.id
    assert (update.before, update.after) == (
        {"amount": "1000.00"},
        {"amount": "1500.00", "source": "import"},
    )
    session.refresh(case)
    assert (case.principal_amount, case.paid_amount, case.outstanding_amount) == (
        Decimal("1500.00"),
        Decimal("300.00"),
        Decimal("1200.00"),
    )
    assert check.differences(session) == []


def test_legalcase_check_passes_after_an_import(session, tmp_path, app, database_url, monkeypatch):
    from click.testing import CliRunner

    from legalcase.cli import main

    admin = F.user(session)
    creditor = F.creditor(session)
    path = tmp_path / "ledger.csv"
    write_ledger(path, 300)
    _import(session, admin, creditor, path)
    session.commit()
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli"))
    r = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "已核对 50 个案件，未发现差异" in r.output


def test_a_payment_dated_in_the_future_is_a_bad_row(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    path = tmp_path / "future.csv"
    _one_row(path, "未来客户有限公司", F.uscc(7777), "FUT-1", "1000.00", "10.00", "2026-07-01")
    headers, raw = importer.read_table(path)
    p = importer.plan(session, creditor.id, raw, guess_mapping(headers), today=date(2026, 6, 30))
    assert p.errors == [(2, "收款日期 2026-07-01 晚于今天")] and p.changes == 0
    with pytest.raises(DomainError, match="有 1 行有误"):
        importer.apply(session, admin, creditor.id, p)
