"""Judgments on a case (issue 12 point 3, RULES.md s.6 and s.8): what a judgment awarded,
payments after it applied costs -> ordinary interest -> rest -> delayed-performance interest,
and the claim after judgment on the API, the case page and the enforcement application.

Hand-worked figures (judgment: principal 100,000 + ordinary interest 5,000 + costs 2,300 =
107,300; effective 2024-03-01, performance due 2024-03-11; delayed interest 0.0175%/day on the
unpaid judgment money less its unpaid ordinary interest):
- 2024-03-11 -> 2024-06-30, 111 days on 102,300.00: 102,300 x 0.000175 x 111 = 1,987.18
- 2024-06-30 pays 60,000: costs 2,300, ordinary interest 5,000, principal 52,700 -> 47,300 left
- 2024-06-30 -> 2024-09-30, 92 days on 47,300: 761.53 (as of 2024-09-30: 2,748.71)
- 2024-06-30 -> 2024-10-31, 123 days on 47,300: 1,018.13 (accrued 3,005.31)
- 2024-10-31 pays 48,000: principal 47,300, then 700 to the delayed interest -> 2,305.31 left
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from sqlalchemy import func, select

from legalcase.domain.interest import (
    InterestInput,
    Judgment,
    LprTable,
    Payment,
    Rate,
    compute_interest,
)
from legalcase.models import CourtEvent
from legalcase.services import court, documents, receivables
from legalcase.services.auth import issue_token
from legalcase.services.claims import claim_for_case
from legalcase.services.judgments import judgment_outstanding
from storage import LocalStorage
from tests import factories as F

JUDGMENT = {
    "kind": "judgment",
    "served_date": date(2024, 2, 20),
    "effective_date": date(2024, 3, 1),
    "performance_due": date(2024, 3, 11),
    "court_name": "上海市闵行区人民法院",
    "document_number": "（2024）沪0112民初88号民事判决书",
    "awarded_principal": Decimal("100000.00"),
    "awarded_interest": Decimal("5000.00"),
    "awarded_costs": Decimal("2300.00"),
}


def bearer(session, user) -> dict:
    token = issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def pay(session, actor, case, day: date, amount: str) -> None:
    receivables.record_payment(
        session, actor, case, {"paid_date": day, "amount": Decimal(amount)}, today=day
    )
    session.commit()


@pytest.fixture
def judged(session):
    """A case with a 120,000 invoice, a payment before the judgment and one after it."""
    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal)
    case.forum_name = "上海市闵行区人民法院"
    session.commit()
    F.receivable(session, legal, case, "FP-9", "120000.00", date(2023, 5, 1), date(2023, 6, 30))
    pay(session, legal, case, date(2023, 12, 1), "5000.00")  # before the judgment: not counted
    court.add_court_event(session, legal, case, dict(JUDGMENT), today=date(2024, 3, 5))
    session.commit()
    pay(session, legal, case, date(2024, 6, 30), "60000.00")
    return session, legal, case


def engine(as_of: date, payments: list[tuple[date, str]], costs: str = "0") -> dict:
    """The interest calculator (RULES.md s.8) on the same judgment."""
    j = Judgment(
        amount=Decimal("107300.00"),
        performance_due=date(2024, 3, 11),
        ordinary_interest=Decimal("5000.00"),
        payments=tuple(Payment(d, Decimal(a)) for d, a in payments),
        costs=Decimal(costs),
    )
    out = compute_interest(
        InterestInput(as_of, Rate("annual", Decimal(0)), judgment=j), LprTable([])
    )
    return out.to_json()


def test_claim_after_judgment_is_the_unpaid_judgment_money_plus_delayed_interest(judged):
    session, legal, case = judged
    claim = claim_for_case(session, case, date(2024, 9, 30)).to_json()
    assert claim["judgment_outstanding"] == "47300.00"
    assert claim["delayed_performance_interest"] == "2748.71"  # 1,987.18 + 761.53
    assert claim["total"] == "50048.71"
    # the parts of the unpaid judgment money: 60,000 paid costs 2,300, interest 5,000, principal
    assert claim["principal_outstanding"] == "47300.00" and claim["interest_outstanding"] == "0.00"
    assert claim["costs_outstanding"] == "0.00"
    # one amount owed: the stored figures (header, portfolio, API) are the claim's principal
    session.refresh(case)
    assert (case.principal_amount, case.paid_amount, case.outstanding_amount) == (
        Decimal("100000.00"),
        Decimal("52700.00"),
        Decimal("47300.00"),
    )
    calc = engine(date(2024, 9, 30), [(date(2024, 6, 30), "60000.00")])
    for key in ("judgment_outstanding", "delayed_performance_interest", "total"):
        assert claim[key] == calc[key], key
    j = claim["judgment"]
    assert j["awarded_total"] == "107300.00" and j["paid_after_judgment"] == "60000.00"
    assert (j["costs_outstanding"], j["ordinary_interest_outstanding"]) == ("0.00", "0.00")
    assert j["principal_outstanding"] == "47300.00"
    # itemised: the award, each segment of delayed interest, where the payment went, in order
    lines = [(line["what"], line["days"], line["base"], line["amount"]) for line in claim["lines"]]
    assert lines[0][3] == "107300.00" and "民事判决书" in lines[0][0]
    assert (
        "迟延履行期间的加倍部分债务利息（民事诉讼法第264条）",
        111,
        "102300.00",
        "1987.18",
    ) in lines
    went = [(w, a) for w, d, _, a in lines if "回款冲抵" in w]
    assert went == [
        ("2024-06-30判决后回款冲抵诉讼费等费用", "2300.00"),
        ("2024-06-30判决后回款冲抵判决确定的一般债务利息", "5000.00"),
        ("2024-06-30判决后回款冲抵判决确定的本金", "52700.00"),
    ]
    assert (
        "迟延履行期间的加倍部分债务利息（民事诉讼法第264条）",
        92,
        "47300.00",
        "761.53",
    ) in lines


def test_a_payment_beyond_the_judgment_money_goes_to_the_delayed_interest(judged):
    session, legal, case = judged
    pay(session, legal, case, date(2024, 10, 31), "48000.00")
    claim = claim_for_case(session, case, date(2024, 12, 31)).to_json()
    assert claim["judgment_outstanding"] == "0.00"
    assert claim["delayed_performance_interest"] == "2305.31"  # 1,987.18 + 1,018.13 - 700
    assert claim["total"] == "2305.31"
    went = [(line["what"], line["amount"]) for line in claim["lines"] if "10-31" in line["what"]]
    assert went == [
        ("2024-10-31判决后回款冲抵判决确定的本金", "47300.00"),
        ("2024-10-31判决后回款冲抵迟延履行利息", "700.00"),
    ]
    payments = [(date(2024, 6, 30), "60000.00"), (date(2024, 10, 31), "48000.00")]
    for costs in ("0", "2300.00"):  # the calculator's format has no costs part: same figures
        calc = engine(date(2024, 12, 31), payments, costs)
        assert (calc["judgment_outstanding"], calc["delayed_performance_interest"]) == (
            "0.00",
            "2305.31",
        )


def test_the_api_claim_and_court_event_carry_the_judgment(app, judged):
    session, legal, case = judged
    client = app.test_client()
    headers = bearer(session, legal)
    r = client.get(f"/api/v1/cases/{case.id}/claim?as_of=2024-09-30", headers=headers)
    assert r.status_code == 200, r.json
    assert r.json["judgment_outstanding"] == "47300.00"
    assert r.json["delayed_performance_interest"] == "2748.71"
    assert r.json["judgment"]["performance_due"] == "2024-03-11"
    r = client.get(f"/api/v1/cases/{case.id}/court-events", headers=headers)
    event = next(e for e in r.json["items"] if e["kind"] == "judgment")
    assert (event["awarded_principal"], event["awarded_interest"]) == ("100000.00", "5000.00")
    assert (event["awarded_costs"], event["awarded_total"]) == ("2300.00", "107300.00")


def test_recording_a_judgment_through_the_api(app, session):
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    F.receivable(session, legal, case, "FP-1", "100000.00", date(2023, 5, 1), date(2023, 6, 30))
    client = app.test_client()
    headers = bearer(session, legal)
    body = {
        "kind": "ruling",
        "effective_date": "2024-03-01",
        "performance_due": "2024-03-11",
        "awarded_principal": "100,000.00",
        "awarded_interest": "5000",
        "awarded_costs": "2300.00",
        "document_number": "（2024）沪0112民初88号民事调解书",
    }
    r = client.post(f"/api/v1/cases/{case.id}/court-events", json=body, headers=headers)
    assert r.status_code == 201, r.json
    assert r.json["awarded_total"] == "107300.00"
    r = client.get(f"/api/v1/cases/{case.id}/claim?as_of=2024-12-31", headers=headers)
    # no payment after it: 102,300 x 0.000175 x 295 days = 5,281.24
    assert r.json["judgment_outstanding"] == "107300.00"
    assert r.json["delayed_performance_interest"] == "5281.24"
    assert r.json["total"] == "112581.24"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"awarded_principal": "-100.00"}, "awarded_principal", "金额"),
        ({"awarded_costs": "-1.00"}, "awarded_costs", "金额"),
        ({"awarded_principal": None}, "awarded_principal", "本金"),
        ({"performance_due": "2024-02-28"}, "performance_due", "不能早于生效日"),
        ({"effective_date": None}, "effective_date", "生效日"),
        ({"kind": "filing", "event_date": "2024-01-05"}, "awarded_principal", "判决书"),
    ],
)
def test_invalid_judgment_input_names_the_field_and_writes_nothing(
    app, session, change, field, words
):
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    client = app.test_client()
    headers = bearer(session, legal)
    body = {
        "kind": "judgment",
        "effective_date": "2024-03-01",
        "performance_due": "2024-03-11",
        "awarded_principal": "100000.00",
        "awarded_interest": "5000.00",
        "awarded_costs": "2300.00",
        **change,
    }
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post(f"/api/v1/cases/{case.id}/court-events", json=body, headers=headers)
    assert r.status_code == 400, r.json
    error = r.json["error"]
    assert field in error["fields"] and words in error["fields"][field], error
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CourtEvent)) == 0


def test_correcting_a_judgment_to_an_invalid_award_keeps_the_old_one(app, judged):
    session, legal, case = judged
    event = session.scalar(select(CourtEvent).where(CourtEvent.case_id == case.id))
    client = app.test_client()
    headers = bearer(session, legal)
    r = client.patch(
        f"/api/v1/court-events/{event.id}",
        json={"performance_due": "2024-02-01"},
        headers=headers,
    )
    assert r.status_code == 400 and "performance_due" in r.json["error"]["fields"]
    r = client.patch(
        f"/api/v1/court-events/{event.id}", json={"awarded_costs": "3300.00"}, headers=headers
    )
    assert r.status_code == 200 and r.json["awarded_total"] == "108300.00"
    session.rollback()
    assert session.get(CourtEvent, event.id).performance_due == date(2024, 3, 11)


def test_case_page_shows_the_claim_after_judgment(client, judged):
    session, legal, case = judged
    pay(session, legal, case, date(2024, 10, 31), "48000.00")
    r = client.post("/login", data={"username": legal.username, "password": F.PASSWORD})
    assert r.status_code == 302
    html = client.get(f"/cases/{case.id}").data.decode()
    # the judgment money is paid: the delayed interest no longer grows, whatever today is
    assert 'id="claim-judgment-outstanding">¥0.00' in html
    assert 'id="claim-delayed-interest">¥2,305.31' in html
    assert "判决确定金额（本金 ¥100,000.00，一般债务利息 ¥5,000.00，诉讼费等 ¥2,300.00）" in html
    assert "¥108,000.00" in html  # paid after the judgment
    assert "2024-10-31判决后回款冲抵迟延履行利息" in html


def test_the_web_form_refuses_a_bad_award_beside_the_field(client, session):
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    client.post("/login", data={"username": legal.username, "password": F.PASSWORD})
    r = client.post(
        f"/cases/{case.id}/court-events/new",
        data={
            "kind": "judgment",
            "effective_date": "2024-03-01",
            "performance_due": "2024-02-01",
            "awarded_principal": "100000.00",
        },
    )
    assert r.status_code == 422
    assert "履行期限最后一日不能早于生效日" in r.data.decode()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CourtEvent)) == 0


def test_enforcement_application_carries_the_judgment_figures(app, judged, tmp_path):
    session, legal, case = judged
    store = LocalStorage(tmp_path / "objects")
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "enforcement_application",
        as_of=date(2024, 9, 30),
        config=config,
        override_reason="证据原件在法院，测试生成",
    )
    session.commit()
    with store.open(doc.storage_key) as fh:
        word = Document(io.BytesIO(fh.read()))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in word.paragraphs] + cells)
    assert "{{" not in text and "{%" not in text
    assert "共计107,300.00元（本金100,000.00元、利息5,000.00元、诉讼费等2,300.00元）" in text
    assert "已履行的60,000.00元，尚欠47,300.00元" in text
    assert "人民币肆万柒仟叁佰元整" in text
    assert "截至2024年9月30日为2,748.71元" in text
    assert "合计50,048.71元" in text
    assert "1,987.18" in text and "761.53" in text  # the lines table
    assert "2024年3月11日" in text  # the performance date


def test_unpaid_judgment_money_for_the_stored_figures_and_the_latest_judgment_wins(judged):
    session, legal, case = judged
    other = F.case(session, legal, title="没有判决的案件")
    assert judgment_outstanding(session, [case.id, other.id]) == {case.id: Decimal("47300.00")}
    # a later judgment (e.g. on appeal) replaces the earlier one
    appeal = {**JUDGMENT, "effective_date": date(2024, 5, 1), "performance_due": date(2024, 5, 11)}
    appeal["awarded_principal"] = Decimal("90000.00")
    court.add_court_event(session, legal, case, appeal, today=date(2024, 7, 2))
    session.commit()
    # 90,000 + 5,000 + 2,300 - 60,000 paid on 2024-06-30
    assert judgment_outstanding(session, [case.id]) == {case.id: Decimal("37300.00")}
    claim = claim_for_case(session, case, date(2024, 5, 11)).to_json()
    assert claim["judgment_outstanding"] == "97300.00"  # the payment came later
    assert claim["delayed_performance_interest"] == "0.00"  # within the performance period


def test_the_interest_calculator_takes_the_same_judgment(app, judged):
    session, legal, case = judged
    client = app.test_client()
    headers = bearer(session, legal)
    body = {
        "as_of": "2024-09-30",
        "rate": {"type": "annual", "percent": "0"},
        "principal": [],
        "judgment": {
            "amount": "107300.00",
            "ordinary_interest": "5000.00",
            "performance_due": "2024-03-11",
            "payments": [{"date": "2024-06-30", "amount": "60000.00"}],
        },
    }
    r = client.post("/api/v1/interest/calculate", json=body, headers=headers)
    assert r.status_code == 200, r.json
    claim = client.get(f"/api/v1/cases/{case.id}/claim?as_of=2024-09-30", headers=headers).json
    for key in ("judgment_outstanding", "delayed_performance_interest", "total"):
        assert r.json[key] == claim[key], key
    body["judgment"]["ordinary_interest"] = "200000.00"
    r = client.post("/api/v1/interest/calculate", json=body, headers=headers)
    assert r.status_code == 400
    assert "一般债务利息不能超过判决金额" in r.json["error"]["fields"]["judgment.ordinary_interest"]


def test_the_judgment_money_may_be_paid_in_full_beyond_the_invoices(session):
    """After a judgment the debtor owes costs and interest on top of the invoices: a payment
    of all of it is accepted, and the case then owes nothing on every screen."""
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    F.receivable(session, legal, case, "FP-1", "100000.00", date(2023, 5, 1), date(2023, 6, 30))
    court.add_court_event(session, legal, case, dict(JUDGMENT), today=date(2024, 3, 5))
    session.commit()
    pay(session, legal, case, date(2024, 3, 11), "107300.00")  # within the performance period
    claim = claim_for_case(session, case, date(2024, 12, 31)).to_json()
    assert (claim["judgment_outstanding"], claim["total"]) == ("0.00", "0.00")
    session.refresh(case)
    assert case.outstanding_amount == Decimal("0.00") and case.paid_amount == Decimal("100000.00")
    with pytest.raises(Exception) as exc:  # but not more than the judgment makes owed
        receivables.record_payment(
            session,
            legal,
            case,
            {"paid_date": date(2024, 12, 31), "amount": Decimal("1.00")},
            today=date(2024, 12, 31),
        )
    assert "超过尚欠金额" in str(exc.value)
    session.rollback()
