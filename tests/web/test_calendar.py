"""期限日历 (issue 14 point 3): a month and a list of deadlines across cases, passed unhandled
ones first; the API's /deadlines; each user's iCal feed at an unguessable URL they can reset."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from legalcase.models import CaseDeadline
from legalcase.models.base import utcnow
from legalcase.services import auth
from legalcase.services.clock import today
from tests import factories as F
from tests.web.security import login, served_app


def _deadline(session, case, kind, days, status="running", handled=False):
    d = CaseDeadline(
        case_id=case.id,
        kind=kind,
        source_key=f"receivable:{days}",
        due_date=today() + timedelta(days=days),
        unadjusted_date=None,
        is_provisional=False,
        status=status,
        basis="依据",
        computed_at=utcnow(),
        is_handled=handled,
        handled_note="已续行" if handled else None,
    )
    session.add(d)
    session.commit()
    return d


def _portfolio(session):
    legal = F.user(session, "legal", name="陈律师")
    owner = F.user(session, "collector", name="张伟")
    other = F.user(session, "collector", name="李娜")
    mine = F.case(session, legal, owner=owner, title="张伟的案件")
    theirs = F.case(session, legal, owner=other, title="李娜的案件")
    passed = _deadline(session, mine, "freeze_renewal_apply_by", -8, status="expired")
    soon = _deadline(session, mine, "limitation", 5)
    later = _deadline(session, theirs, "appeal", 20)
    handled = _deadline(session, theirs, "freeze_expiry", -3, status="expired", handled=True)
    return legal, owner, other, mine, theirs, passed, soon, later, handled


def test_the_calendar_page_shows_passed_deadlines_first_in_red(session, database_url, tmp_path):
    legal, owner, other, mine, theirs, passed, soon, later, handled = _portfolio(session)
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    login(client, legal)
    page = client.get("/deadlines?view=list").get_data(as_text=True)
    listing = page[page.index('id="calendar-list"') :]
    order = [listing.index(t) for t in ("申请续行保全截止", "诉讼时效", "上诉期限")]
    assert order == sorted(order)
    assert "已过 8 天" in listing and "deadline-passed" in listing
    assert "保全期限届满" not in listing  # handled: not among the open ones
    month = client.get(f"/deadlines?month={soon.due_date:%Y-%m}").get_data(as_text=True)
    assert 'id="calendar-month"' in month and "诉讼时效：张伟的案件" in month
    page = client.get(f"/deadlines?view=list&owner={other.id}").get_data(as_text=True)
    mine_only = page[page.index('id="calendar-list"') :]
    assert "上诉期限" in mine_only and "诉讼时效" not in mine_only
    r = client.get("/deadlines?view=list&kind=nonsense")
    assert r.status_code == 400 and "未知的期限类型" in r.get_data(as_text=True)
    app.extensions["legalcase_db"]["engine"].dispose()


def test_the_deadlines_api(session, database_url, tmp_path):
    legal, owner, other, mine, theirs, passed, soon, later, handled = _portfolio(session)
    token = auth.issue_token(session, legal, "api")
    session.commit()
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    h = {"Authorization": f"Bearer {token}"}
    items = client.get("/api/v1/deadlines", headers=h).json["items"]
    assert [(i["kind"], i["case_id"]) for i in items] == [
        ("freeze_renewal_apply_by", mine.id),
        ("limitation", mine.id),
        ("appeal", theirs.id),
    ]
    assert items[0]["acts_on"] == str(today() - timedelta(days=8))
    frm, to = today() + timedelta(days=10), today() + timedelta(days=30)
    only = client.get(f"/api/v1/deadlines?from={frm}&to={to}&status=all", headers=h).json["items"]
    assert [i["kind"] for i in only] == ["appeal"]
    r = client.get(f"/api/v1/deadlines?from={to}&to={frm}", headers=h)
    assert r.status_code == 400 and r.json["error"]["fields"] == {"to": "结束日期早于开始日期"}
    r = client.get("/api/v1/deadlines?from=2026-13-01", headers=h)
    assert r.status_code == 400 and "from" in r.json["error"]["fields"]
    app.extensions["legalcase_db"]["engine"].dispose()


def test_each_user_subscribes_to_their_own_feed_and_can_reset_it(session, database_url, tmp_path):
    legal, owner, other, mine, theirs, passed, soon, later, handled = _portfolio(session)
    token = auth.issue_token(session, owner, "api")
    session.commit()
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    h = {"Authorization": f"Bearer {token}"}
    url = client.get("/api/v1/me", headers=h).json["calendar_url"]
    assert url and len(url.rsplit("/", 1)[1]) > 40
    assert client.get("/api/v1/me", headers=h).json["calendar_url"] == url  # stable
    path = url.split("localhost", 1)[1]
    r = client.get(path)  # no cookie, no token header: the URL is the key
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(r.data).walk("VEVENT")]
    summaries = sorted(str(e["summary"]) for e in events)
    assert summaries == ["【已过 8 天未处理】申请续行保全截止：张伟的案件", "诉讼时效：张伟的案件"]
    # the collector's feed holds only their own cases; a reset kills the old URL
    login(client, owner)
    assert client.post("/settings/account/calendar").status_code == 302
    assert client.get(path).status_code == 404
    new = client.get("/api/v1/me", headers=h).json["calendar_url"]
    assert new != url and client.get(new.split("localhost", 1)[1]).status_code == 200
    assert "/calendar/" in client.get("/settings/account").get_data(as_text=True)
    app.extensions["legalcase_db"]["engine"].dispose()
