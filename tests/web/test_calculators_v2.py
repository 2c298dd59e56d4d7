"""RULES.md v2 through HTTP: every public vector over the API, and the calculator pages showing
the warnings and the day the LPR table was checked through."""

from datetime import date

from legalcase.models import LprCheck
from legalcase.models.base import utcnow
from tests import factories as F
from tests.unit.test_deadlines import assert_matches
from tests.unit.test_deadlines_v2 import ALL_VECTORS
from tests.unit.test_interest_v2 import ALL_VECTORS as INTEREST
from tests.unit.test_interest_v2 import assert_interest_matches
from tests.web.test_api import api  # noqa: F401  (fixture)
from tests.web.test_pages import login


def test_all_public_vectors_over_http(api):  # noqa: F811
    assert len(ALL_VECTORS) == 20 and len(INTEREST) == 7
    for v in ALL_VECTORS:
        r = api("POST", "/deadlines/calculate", v["input"])
        assert r.status_code == 200, r.json
        assert_matches(v["expect"], r.json["deadlines"])
    for v in INTEREST:
        r = api("POST", "/interest/calculate", v["input"])
        assert r.status_code == 200, r.json
        assert_interest_matches(v["expect"], r.json)


def test_interest_page_shows_warnings_and_the_lpr_checked_through_date(client, session):
    login(client, F.user(session))
    page = client.get("/calculators/interest").data.decode()
    assert "核对至 <strong>2025-05-20</strong>" in page  # shipped with the package
    form = {
        "as_of": "2026-06-30",
        "rate.type": "annual",
        "rate.value": "24",
        "day_count": "365",
        "principal[0].ref": "INV-9",
        "principal[0].amount": "100000",
        "principal[0].due_date": "2025-12-31",
    }
    r = client.post("/calculators/interest", data=form)
    html = r.data.decode()
    assert r.status_code == 200
    assert 'data-code="rate_over_cap"' in html and "四倍" in html
    assert 'data-code="lpr_table_stale"' in html and "2025-05-20" in html
    assert "¥11,901.37" in html  # 100000 x 24% x 181/365: computed all the same
    # a later check recorded in the database moves the date and clears the stale warning
    session.add(LprCheck(checked_through=date(2026, 11, 20), source="test", created_at=utcnow()))
    session.commit()
    html = client.post("/calculators/interest", data=form).data.decode()
    assert "核对至 <strong>2026-11-20</strong>" in html
    assert 'data-code="lpr_table_stale"' not in html and 'data-code="rate_over_cap"' in html


def test_interest_page_takes_payments_after_the_judgment(client, session):
    login(client, F.user(session))
    r = client.post(
        "/calculators/interest",
        data={
            "as_of": "2025-04-01",
            "rate.type": "annual",
            "rate.value": "0",
            "day_count": "365",
            "judgment.amount": "60000",
            "judgment.ordinary_interest": "10000",
            "judgment.performance_due": "2025-01-31",
            "judgment.payments[1].date": "2025-03-02",
            "judgment.payments[1].amount": "15000",
        },
    )
    html = r.data.decode()
    assert r.status_code == 200
    assert "¥45,000.00" in html and "¥498.75" in html and "¥45,498.75" in html
    r = client.post(
        "/calculators/interest",
        data={
            "as_of": "2025-04-01",
            "rate.type": "annual",
            "rate.value": "0",
            "judgment.amount": "60000",
            "judgment.performance_due": "2025-01-31",
            "judgment.payments[2].date": "2025-02-30",
            "judgment.payments[2].amount": "100",
        },
    )
    assert r.status_code == 422
    assert 'data-field="judgment.payments[2].date">日期无效' in r.data.decode()


def test_deadline_page_offers_the_v2_events_and_marks_provisional_dates(client, session):
    login(client, F.user(session))
    page = client.get("/calculators/deadlines").data.decode()
    assert "申请强制执行（法院收到）" in page and "终结（本次）执行裁定送达" in page
    r = client.post(
        "/calculators/deadlines",
        data={
            "jurisdiction": "CN",
            "as_of": "2026-11-25",
            "due_date": "2024-02-29",
            "events[0].type": "proceedings_started",
            "events[0].date": "2024-05-06",
            "events[1].type": "judgment",
            "events[1].date": "2025-01-06",
            "events[1].performance_due": "2025-01-20",
            "events[2].type": "enforcement_applied",
            "events[2].date": "2025-04-01",
        },
    )
    html = r.data.decode()
    assert r.status_code == 200
    assert "2027-01-20" in html and "已于2025-04-01申请强制执行" in html and "暂定" in html


def test_deadline_page_counts_down_to_the_earlier_date_while_provisional(client, session):
    login(client, F.user(session))
    r = client.post(
        "/calculators/deadlines",
        data={"jurisdiction": "CN", "as_of": "2026-11-25", "due_date": "2024-05-01"},
    )
    html = r.data.decode()
    # Labour Day 2027 (Saturday 1 May) rolls to Monday 3 May, provisional: count to 1 May
    assert "2027-05-03" in html and "（原 2027-05-01）" in html and "暂定" in html
    assert "剩 157 天（按原日期 2027-05-01）" in html
