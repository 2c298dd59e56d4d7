import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook

from legalcase.services import cases, dashboard, ledger, receivables
from legalcase.services.clock import today
from tests import factories as F


def test_dashboard_figures_by_hand(session):
    admin = F.user(session)
    now = today()
    # A: 1000 due 45 days ago, 250 paid, contacted 10 days after falling overdue, a promise 20 days after
    a = F.case(session, admin, title="甲")
    due_a = now - timedelta(days=45)
    F.receivable(session, admin, a, "A", "1000", due_a - timedelta(days=30), due_a)
    receivables.record_payment(
        session, admin, a, {"paid_date": now, "amount": Decimal("250")}, today=now
    )
    ledger.record_contact(
        session,
        admin,
        a,
        {
            "contacted_at": datetime.combine(
                due_a + timedelta(days=10), datetime.min.time(), tzinfo=UTC
            )
            + timedelta(hours=4),
            "channel": "call",
            "summary": "x",
            "outcome": "reached",
        },
    )
    # B: 500 due 100 days ago, never contacted, then written off
    b = F.case(session, admin, title="乙")
    due_b = now - timedelta(days=100)
    F.receivable(session, admin, b, "B", "500", due_b - timedelta(days=30), due_b)
    cases.move_stage(session, admin, b, "closed_written_off", "债务人注销")
    # C: 300 not yet due
    c = F.case(session, admin, title="丙")
    F.receivable(session, admin, c, "C", "300", now - timedelta(days=5), now + timedelta(days=20))
    d = dashboard.build(session, now)
    assert d.aging["31-60"] == Decimal("750.00") and d.aging["90+"] == Decimal("500.00")
    assert d.aging["current"] == Decimal("300.00")
    assert d.outstanding == Decimal("1550.00") and d.overdue == Decimal("1250.00")
    assert d.recovery_rate == Decimal("250") / Decimal("1800")
    assert d.bad_debt_rate == Decimal("500") / Decimal("1800")
    assert d.contact_rate == Decimal("0.5")  # A yes, B no (C is not 30 days overdue)
    assert d.stages["closed_written_off"] == 1 and d.stages["pre_legal"] == 2


def test_reports_page_and_exports(client, session):
    from tests.web.test_pages import login

    admin = F.user(session)
    case = F.case(session, admin, title="报表案件")
    F.receivable(
        session,
        admin,
        case,
        "R",
        "1234.56",
        today() - timedelta(days=70),
        today() - timedelta(days=40),
    )
    login(client, admin)
    html = client.get("/reports").data.decode()
    assert "逾期率" in html and "vendor/chart.umd.min.js" in html and "¥1,234.56" in html
    assert client.get("/static/vendor/chart.umd.min.js").status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(client.get("/reports/export.csv").data.decode("utf-8-sig")))
    )
    assert (
        rows[0]["案件"] == "报表案件"
        and rows[0]["欠款"] == "1234.56"
        and rows[0]["账龄"] == "逾期31-60天"
    )
    wb = load_workbook(io.BytesIO(client.get("/reports/export.xlsx").data))
    sheet = wb.active
    assert (
        sheet["B1"].value == "案件"
        and sheet["B2"].value == "报表案件"
        and sheet["I2"].value == 1234.56
    )


def test_exports_neutralise_formulas_and_drop_control_characters(client, session):
    from tests.web.test_pages import login

    admin = F.user(session)
    evil = F.case(session, admin, title="公式案件")
    bell = F.case(session, admin, title="响铃案件")
    # names as an import or an older version stored them
    bell.title = "响铃\x07案件"
    evil.debtor.name = '=HYPERLINK("http://evil.example","x")'
    bell.debtor.name = "恒达\x07机电"
    session.commit()
    login(client, admin)
    r = client.get("/reports/export.csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert [(row["案件"], row["债务人"]) for row in rows] == [
        ("公式案件", '\'=HYPERLINK("http://evil.example","x")'),
        ("响铃案件", "恒达机电"),
    ]
    r = client.get("/reports/export.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    assert sheet["C2"].value == '\'=HYPERLINK("http://evil.example","x")'
    assert sheet["C2"].data_type == "s"  # text, not a formula
    assert (sheet["B3"].value, sheet["C3"].value) == ("响铃案件", "恒达机电")
    assert sheet["J2"].value == 0 and sheet["J2"].data_type == "n"
