"""One amount owed (issue 12 point 2, RULES.md s.6): the header, the portfolio, the claim, the
API and the statement of account show the same principal, under the case's allocation
setting (``booked`` or ``statutory``)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from sqlalchemy import select, update

from legalcase.demo.load import load_demo
from legalcase.domain.values import Allocation
from legalcase.models import Case, Payment, Receivable, User
from legalcase.services import check, documents, receivables
from legalcase.services.auth import issue_token
from legalcase.services.balances import refresh_balances
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today as clock_today
from storage import LocalStorage
from tests import factories as F

AS_OF = date(2026, 11, 24)
DEMO_PASSWORD = "demo-pass-123"


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("¥", "").strip())


def statement_table(store, doc) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """The invoice table of a generated statement: (invoice, amount, paid, unpaid) per row."""
    with store.open(doc.storage_key) as fh:
        word = Document(io.BytesIO(fh.read()))
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells][-2:] == ["已付", "未付"]
    rows = []
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        rows.append((cells[0], money(cells[3]), money(cells[4]), money(cells[5])))
    return rows


def statement_text(store, doc) -> str:
    with store.open(doc.storage_key) as fh:
        word = Document(io.BytesIO(fh.read()))
    return "\n".join(p.text for p in word.paragraphs)


@pytest.fixture
def docs(app, tmp_path):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    return LocalStorage(tmp_path / "objects"), config


def _api(app, session, user):
    token = issue_token(session, user)
    session.commit()
    client = app.test_client()

    def call(method, url, json=None):
        headers = {"Authorization": f"Bearer {token}"}
        return client.open(f"/api/v1{url}", method=method, json=json, headers=headers)

    return call


def test_every_demo_case_shows_one_amount_owed_everywhere(app, session, docs):
    store, config = docs
    load_demo(session, DEMO_PASSWORD)
    session.commit()
    today = clock_today()
    legal = session.scalars(select(User).where(User.username == "legal")).one()
    api = _api(app, session, legal)
    web = app.test_client()
    r = web.post("/login", data={"username": "legal", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == 48
    seen = {"booked": 0, "statutory": 0}
    differs = 0
    for case in cases:
        claim = claim_for_case(session, case, today)
        stored = case.outstanding_amount
        assert stored == claim.principal_outstanding, case.title
        # the claim says which allocation it used; its receivables add up to its principal
        assert claim.lines[0].what.startswith("冲抵方式："), case.title
        assert sum(claim.by_receivable.values(), Decimal(0)) == stored
        assert case.principal_amount - case.paid_amount == stored
        # the API
        out = api("GET", f"/cases/{case.id}").json
        assert money(out["outstanding_amount"]) == stored and out["allocation"] == case.allocation
        api_claim = api("GET", f"/cases/{case.id}/claim?as_of={today}").json
        assert money(api_claim["principal_outstanding"]) == stored
        assert api_claim["allocation"] == case.allocation
        # the case page header and its claim
        page = web.get(f"/cases/{case.id}").data.decode()
        assert f'id="outstanding">¥{stored:,.2f}<' in page, case.title
        assert f'id="claim-principal">¥{stored:,.2f}<' in page, case.title
        # the statement of account: its invoice table adds up to the same principal
        doc = documents.generate(
            session, store, legal, case, "statement", as_of=today, config=config,
            override_reason="核对",
        )  # fmt: skip
        rows = statement_table(store, doc)
        assert sum((unpaid for *_, unpaid in rows), Decimal(0)) == stored, case.title
        assert all(amount - paid == unpaid for _, amount, paid, unpaid in rows)
        # the principal named by the contract's kind (货款, 租金...) (issue 13)
        owed = f"尚欠我司(货款|借款本金|租金|服务费|欠款){re.escape(f'{stored:,.2f}')}元"
        assert re.search(owed, statement_text(store, doc)), case.title
        assert "回款冲抵方式：" in statement_text(store, doc)
        session.rollback()  # the statement is not kept
        has_payments = session.scalar(select(Payment.id).where(Payment.case_id == case.id))
        if has_payments:
            seen[case.allocation] += 1
            booked = sum((r.amount - r.paid_amount for r in case.receivables), Decimal(0))
            differs += booked != stored
    # both settings are in the demo, with payments, and under statutory the principal is not
    # the booked one (part of each payment went to interest)
    assert seen["booked"] > 0 and seen["statutory"] > 0
    assert differs > 0
    # the portfolio (and its sort by amount owed) reads the same stored figure
    listed = api("GET", "/cases?per_page=100&sort=outstanding").json["items"]
    assert {c["id"]: money(c["outstanding_amount"]) for c in listed} == {
        c.id: c.outstanding_amount for c in cases
    }
    # the export holds the same figure, with the setting it follows
    export = web.get("/reports/export.csv").data.decode("utf-8-sig")
    assert {
        int(row["案件编号"]): (money(row["欠款"]), row["回款冲抵方式"])
        for row in csv.DictReader(io.StringIO(export))
    } == {c.id: (c.outstanding_amount, Allocation(c.allocation).label) for c in cases}
    assert check.differences(session) == []


@pytest.fixture
def paid_case(session):
    """One invoice of 123,456.78 due 2025-03-31 at 6% a year, 23,456.78 paid on 2025-06-30."""
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    contract = receivables.add_contract(
        session,
        legal,
        case,
        {
            "number": "HD-2025-0042",
            "kind": "sale",
            "signed_date": date(2025, 1, 10),
            "amount": Decimal("300000"),
            "late_fee_type": "annual_rate",
            "late_fee_rate": Decimal("6"),
        },
    )
    F.receivable(
        session, legal, case, "FP-001", "123456.78", date(2025, 2, 1), date(2025, 3, 31),
        contract_id=contract.id,
    )  # fmt: skip
    receivables.record_payment(
        session, legal, case, {"paid_date": date(2025, 6, 30), "amount": Decimal("23456.78")},
        today=AS_OF,
    )  # fmt: skip
    session.commit()
    return legal, case


def test_booked_and_statutory_give_their_own_principal_everywhere(app, session, docs, paid_case):
    store, config = docs
    legal, case = paid_case
    api = _api(app, session, legal)
    # booked (the default): the payment reduces the invoice; interest runs on what remains
    assert case.allocation == "booked"
    assert case.outstanding_amount == Decimal("100000.00")
    claim = api("GET", f"/cases/{case.id}/claim?as_of={AS_OF}").json
    assert claim["allocation"] == "booked"
    assert claim["principal_outstanding"] == "100000.00"
    assert claim["lines"][0]["what"] == "冲抵方式：按入账冲抵（回款冲减所入账的应收款）"
    went = [(x["what"], x["amount"]) for x in claim["lines"][1:] if "回款" in x["what"]]
    assert went == [("2025-06-30回款按入账冲抵本金 FP-001", "23456.78")]
    # 123,456.78 x 6% x 91/365 = 1,846.78 to the payment, then 100,000 x 6% x 512/365 =
    # 8,416.44 to 2026-11-24, all still owed (the payment did not go to interest)
    assert claim["interest_outstanding"] == "10263.22"

    # statutory, set through the API: costs -> interest (1,846.78) -> principal (21,610.00)
    r = api("PATCH", f"/cases/{case.id}", {"allocation": "statutory"})
    assert r.status_code == 200, r.json
    assert r.json["outstanding_amount"] == "101846.78" and r.json["allocation"] == "statutory"
    session.rollback()
    assert case.outstanding_amount == Decimal("101846.78")
    assert case.paid_amount == Decimal("21610.00")
    claim = api("GET", f"/cases/{case.id}/claim?as_of={AS_OF}").json
    assert claim["principal_outstanding"] == "101846.78"
    assert claim["lines"][0]["what"].startswith("冲抵方式：法定顺序冲抵")
    went = [(x["what"], x["amount"]) for x in claim["lines"][1:] if "回款" in x["what"]]
    assert went == [
        ("2025-06-30回款冲抵利息", "1846.78"),
        ("2025-06-30回款冲抵本金 FP-001", "21610.00"),
    ]
    # the principal does not depend on the date of the claim: only interest grows
    later = api("GET", f"/cases/{case.id}/claim?as_of=2027-06-30").json
    assert later["principal_outstanding"] == "101846.78"
    assert money(later["interest_outstanding"]) > money(claim["interest_outstanding"])
    # the header and the statement say the same, and name the setting
    web = app.test_client()
    web.post("/login", data={"username": legal.username, "password": F.PASSWORD})
    page = web.get(f"/cases/{case.id}").data.decode()
    assert 'id="outstanding">¥101,846.78<' in page and 'id="claim-principal">¥101,846.78<' in page
    assert "法定顺序冲抵" in page
    doc = documents.generate(session, store, legal, case, "statement", as_of=AS_OF, config=config)
    assert statement_table(store, doc) == [
        ("FP-001", Decimal("123456.78"), Decimal("21610.00"), Decimal("101846.78"))
    ]
    assert "回款冲抵方式：法定顺序冲抵" in statement_text(store, doc)
    session.rollback()

    # back to booked through the case edit form
    form = {
        "title": case.title, "creditor_id": case.creditor_id, "debtor_id": case.debtor_id,
        "owner_id": case.owner_id, "risk_level": case.risk_level, "currency": "CNY",
        "allocation": "booked",
    }  # fmt: skip
    r = web.post(f"/cases/{case.id}/edit", data=form)
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    assert case.allocation == "booked" and case.outstanding_amount == Decimal("100000.00")
    assert check.differences(session) == []


def test_statutory_goes_to_the_earliest_debt_whatever_the_payment_was_booked_to(app, session, docs):
    store, config = docs
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    a = F.receivable(session, legal, case, "INV-A", "1000.00", date(2025, 1, 1), date(2025, 3, 1))
    b = F.receivable(session, legal, case, "INV-B", "2000.00", date(2025, 2, 1), date(2025, 4, 1))
    # booked to the later invoice, on the day the earlier one fell due (no interest yet)
    receivables.record_payment(
        session, legal, case,
        {"paid_date": date(2025, 3, 1), "amount": Decimal("800.00"), "receivable_id": b.id},
        today=AS_OF,
    )  # fmt: skip
    session.commit()
    booked = claim_for_case(session, case, AS_OF)
    assert booked.by_receivable == {a.id: Decimal("1000.00"), b.id: Decimal("1200.00")}
    api = _api(app, session, legal)
    assert api("PATCH", f"/cases/{case.id}", {"allocation": "statutory"}).status_code == 200
    session.rollback()
    statutory = claim_for_case(session, case, AS_OF)
    assert statutory.by_receivable == {a.id: Decimal("200.00"), b.id: Decimal("2000.00")}
    assert case.outstanding_amount == Decimal("2200.00")
    assert case.oldest_unpaid_due_date == date(2025, 3, 1)
    doc = documents.generate(session, store, legal, case, "statement", as_of=AS_OF, config=config)
    assert [(n, unpaid) for n, *_, unpaid in statement_table(store, doc)] == [
        ("INV-A", Decimal("200.00")),
        ("INV-B", Decimal("2000.00")),
    ]
    session.rollback()


def test_paid_before_import_counts_as_paid_under_either_setting(session, paid_case):
    legal, case = paid_case
    r = session.scalars(select(Receivable).where(Receivable.case_id == case.id)).one()
    before = Decimal("3456.78")  # as an import without a payment date records it
    session.execute(
        update(Receivable).where(Receivable.id == r.id).values(paid_before_import=before)
    )
    session.expire_all()
    refresh_balances(case)
    session.commit()
    assert case.outstanding_amount == Decimal("96543.22")
    claim = claim_for_case(session, case, AS_OF)
    assert claim.principal_outstanding == Decimal("96543.22")
    assert any(line.what.startswith("导入前已付 FP-001") for line in claim.lines)
    case.allocation = "statutory"
    refresh_balances(case)
    session.commit()
    claim = claim_for_case(session, case, AS_OF)
    # 120,000.00 x 6% x 91/365 = 1,795.07 interest first, then 21,661.71 principal
    assert claim.principal_outstanding == case.outstanding_amount == Decimal("98338.29")
    assert check.differences(session) == []


def test_check_finds_and_fixes_a_stale_amount_owed(session, paid_case):
    legal, case = paid_case
    session.execute(update(Case).where(Case.id == case.id).values(allocation="statutory"))
    session.commit()
    found = check.differences(session)
    assert {(d.field, d.stored, d.expected) for d in found} >= {
        ("outstanding_amount", Decimal("100000.00"), Decimal("101846.78"))
    }
    check.fix(session, actor_id=legal.id)
    session.commit()
    session.expire_all()
    assert case.outstanding_amount == claim_for_case(session, case, AS_OF).principal_outstanding
    assert check.differences(session) == []


def test_an_lpr_correction_moves_a_statutory_amount_owed_with_it(
    session, database_url, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from legalcase.cli import main

    legal = F.user(session, "legal")
    case = F.case(session, legal)
    case.allocation = "statutory"
    session.commit()
    # no agreed rate: one-year LPR (3.00 since 2025-05-20) + 50% from 2026-01-01
    F.receivable(session, legal, case, "INV-1", "36500.00", date(2025, 12, 1), date(2025, 12, 31))
    receivables.record_payment(
        session, legal, case, {"paid_date": date(2026, 6, 30), "amount": Decimal("10000.00")},
        today=AS_OF,
    )  # fmt: skip
    session.commit()
    # 36,500 x 4.5% x 181/365 = 814.50 interest first, then 9,185.50 principal
    assert case.outstanding_amount == Decimal("27314.50")
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    csv = tmp_path / "lpr.csv"
    csv.write_text("effective_date,one_year_percent\n2025-12-20,2.00\n")
    r = CliRunner().invoke(main, ["lpr", "import", str(csv)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    session.rollback()
    case = session.get(Case, case.id, populate_existing=True)
    # now 36,500 x 3% x 181/365 = 543.00 interest, 9,457.00 principal
    assert case.outstanding_amount == Decimal("27043.00")
    assert claim_for_case(session, case, AS_OF).principal_outstanding == Decimal("27043.00")
    assert check.differences(session) == []
