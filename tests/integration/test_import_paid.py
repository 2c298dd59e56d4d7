"""Honest imports (issue 12 point 5, RULES s.2): a paid amount without a payment date is
"paid before import" (no payment, no effect on limitation); a dated one is a payment that
reaches only the invoice it pays. The dry run says which, row by row."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from legalcase.domain.importer import guess_mapping
from legalcase.models import Case, CaseDeadline, Payment, PaymentAllocation, Receivable
from legalcase.services import check, importer
from legalcase.services.auth import issue_token
from tests import factories as F
from tests.web.test_pages import login

NAME, CODE = "诚实导入有限公司", F.uscc(8123)
TODAY = date(2026, 6, 12)
WITH_DATE = ["客户名称", "统一社会信用代码", "发票号", "开票日期", "到期日", "金额", "已收金额"]


def _write(path: Path, rows: list[tuple[str, str, str, str, str]], dated: bool) -> None:
    """rows: (invoice, issue date, due date, amount, paid[, paid on]) of one debtor."""
    headers = WITH_DATE + (["最近收款日"] if dated else [])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for row in rows:
            w.writerow([NAME, CODE, *row][: len(headers)])


def _plan(session, creditor, path):
    headers, raw = importer.read_table(path)
    p = importer.plan(session, creditor.id, raw, guess_mapping(headers), today=TODAY)
    assert not p.errors, p.errors
    return p


def _limitations(session) -> dict[str, tuple]:
    """Invoice number -> (due date, status) of its active limitation row in case_deadlines."""
    session.rollback()
    invoices = {
        f"receivable:{rid}": no
        for rid, no in session.execute(select(Receivable.id, Receivable.invoice_no))
    }
    rows = session.execute(
        select(CaseDeadline.source_key, CaseDeadline.due_date, CaseDeadline.status).where(
            CaseDeadline.kind == "limitation", CaseDeadline.is_active.is_(True)
        )
    )
    return {invoices[key]: (due, status) for key, due, status in rows}


UNPAID = [
    ("INV-A", "2024-01-05", "2024-03-05", "1000.00", ""),
    ("INV-B", "2024-03-10", "2024-05-10", "2000.00", ""),
]


def _first_import(session, admin, creditor, tmp_path) -> dict[str, tuple]:
    path = tmp_path / "first.csv"
    _write(path, UNPAID, dated=False)
    importer.apply(session, admin, creditor.id, _plan(session, creditor, path), today=TODAY)
    session.commit()
    before = _limitations(session)
    assert before == {
        "INV-A": (date(2027, 3, 5), "running"),
        "INV-B": (date(2027, 5, 10), "running"),
    }
    return before


def test_a_paid_amount_without_a_payment_date_column_is_paid_before_import(app, session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    before = _first_import(session, admin, creditor, tmp_path)
    path = tmp_path / "paid.csv"
    _write(path, [(*UNPAID[0][:4], "400.00"), UNPAID[1]], dated=False)
    p = _plan(session, creditor, path)
    # the dry run says what becomes of the paid amount, and that it is no payment
    assert p.payments == [] and len(p.paid_before) == 1 and p.changes == 1
    assert p.money_notes == [(2, "INV-A", "已付 ¥400.00 记为导入前已付（无日期，不影响时效）")]
    result = importer.apply(session, admin, creditor.id, p, today=TODAY)
    assert result["payments"] == 0 and result["paid_before"] == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    a = session.scalar(select(Receivable).where(Receivable.invoice_no == "INV-A"))
    session.refresh(a)
    assert (a.paid_before_import, a.paid_amount, a.outstanding) == (
        Decimal("400.00"),
        Decimal("400.00"),
        Decimal("600.00"),
    )
    case = session.scalar(select(Case))
    assert (case.paid_amount, case.outstanding_amount) == (Decimal("400.00"), Decimal("2600.00"))
    # no invoice of the case had its limitation restarted by the import
    assert _limitations(session) == before
    assert check.differences(session, today=TODAY) == []
    # the same file again changes nothing
    assert _plan(session, creditor, path).changes == 0
    # the API tells the pre-import part of what is paid
    token = issue_token(session, admin)
    session.commit()
    r = app.test_client().get(
        f"/api/v1/cases/{case.id}/receivables", headers={"Authorization": f"Bearer {token}"}
    )
    listed = {i["invoice_no"]: i for i in r.json["items"]}
    assert listed["INV-A"]["paid_before_import"] == listed["INV-A"]["paid_amount"] == "400.00"
    assert listed["INV-B"]["paid_before_import"] == "0.00"


def test_a_new_invoice_paid_in_full_without_a_date_owes_nothing(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    path = tmp_path / "new.csv"
    _write(path, [("INV-C", "2024-01-05", "2024-03-05", "500.00", "500.00")], dated=True)
    p = _plan(session, creditor, path)
    # the payment-date column is mapped, but this row's cell is empty
    assert p.money_notes == [
        (2, "INV-C", "已付 ¥500.00 记为导入前已付（收款日期为空）（无日期，不影响时效）")
    ]
    importer.apply(session, admin, creditor.id, p, today=TODAY)
    session.commit()
    c = session.scalar(select(Receivable))
    assert (c.paid_before_import, c.outstanding) == (Decimal("500.00"), Decimal("0.00"))
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    assert check.differences(session, today=TODAY) == []


def test_a_dated_payment_reaches_only_the_invoice_it_pays(session, tmp_path):
    admin = F.user(session)
    creditor = F.creditor(session)
    before = _first_import(session, admin, creditor, tmp_path)
    path = tmp_path / "dated.csv"
    _write(path, [(*UNPAID[0][:4], "400.00", "2025-06-10"), (*UNPAID[1], "")], dated=True)
    p = _plan(session, creditor, path)
    assert p.paid_before == [] and len(p.payments) == 1
    assert p.money_notes == [
        (2, "INV-A", "付款 2025-06-10 ¥400.00 → 发票 INV-A（仅中断该发票的诉讼时效）")
    ]
    importer.apply(session, admin, creditor.id, p, today=TODAY)
    session.commit()
    (payment,) = session.scalars(select(Payment)).all()
    assert (payment.paid_date, payment.amount) == (date(2025, 6, 10), Decimal("400.00"))
    allocated = session.execute(
        select(Receivable.invoice_no, PaymentAllocation.amount).join(
            Receivable, Receivable.id == PaymentAllocation.receivable_id
        )
    ).all()
    assert allocated == [("INV-A", Decimal("400.00"))]
    after = _limitations(session)
    # the paid invoice runs 3 years from the payment; the unpaid one is untouched
    assert after["INV-A"][0] >= date(2028, 6, 10) and after["INV-A"] != before["INV-A"]
    assert after["INV-B"] == before["INV-B"]
    case = session.scalar(select(Case))
    assert case.outstanding_amount == Decimal("2600.00")
    assert check.differences(session, today=TODAY) == []


def test_the_dry_run_page_says_which_and_the_case_page_labels_it(app, client, session, tmp_path):
    legal = F.user(session, "legal")
    creditor = F.creditor(session)
    login(client, legal)
    path = tmp_path / "page.csv"
    _write(path, [(*UNPAID[0][:4], "400.00"), UNPAID[1]], dated=False)
    r = client.post(
        "/imports",
        data={"file": (io.BytesIO(path.read_bytes()), "ledger.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    # the upload waits in storage under imports/uploads/<token>
    (kept,) = (Path(app.extensions["legalcase_storage"].root) / "imports" / "uploads").iterdir()
    token = kept.name
    form = {"creditor_id": str(creditor.id)}
    form.update({f"map-{f}": col for f, col in guess_mapping(WITH_DATE).items()})
    r = client.post(f"/imports/{token}/preview", data=form)
    page = r.data.decode()
    assert r.status_code == 200
    assert "已付 ¥400.00 记为导入前已付（无日期，不影响时效）" in page
    assert "导入前已付（无收款日期，只减少欠款，不影响时效）：1 笔" in page
    r = client.post(f"/imports/{token}/apply", data=form)
    assert r.status_code == 302
    session.rollback()
    case = session.scalar(select(Case))
    page = client.get(f"/cases/{case.id}?tab=money").data.decode()
    assert "其中导入前已付 ¥400.00（无日期，不影响时效）" in page
