"""No hidden missed deadline (issue 12 point 7): a passed, unhandled deadline stays the case's
next deadline (header, portfolio, API, dashboards, the daily digest) until it is marked handled."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from legalcase.models import Case, CaseDeadline
from legalcase.models.base import utcnow
from legalcase.services import alerts, court, deadlines
from legalcase.services.auth import issue_token
from legalcase.services.cases import PortfolioFilter, list_cases
from legalcase.services.check import differences
from legalcase.services.clock import today as clock_today
from legalcase.services.next_deadline import acts_on, store_next_deadlines
from tests import factories as F


class Outbox:
    def __init__(self) -> None:
        self.messages = []

    def send(self, msg) -> None:
        self.messages.append(msg)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def frozen_case(session, admin, today: date, title: str = "冻结续封案"):
    """A bank deposit frozen until yesterday: the renewal date (7 days before) has passed too."""
    c = F.case(session, admin, title=title)
    F.receivable(session, admin, c, "FP-9", "5000", today - timedelta(days=90), today)
    court.add_court_event(
        session,
        admin,
        c,
        {
            "kind": "preservation",
            "event_date": today - timedelta(days=200),
            "asset_kind": "bank_deposit",
            "expires_date": today - timedelta(days=1),
        },
        today=today,
    )
    session.commit()
    return c


def row(session, case, kind) -> CaseDeadline:
    return session.scalars(
        select(CaseDeadline).where(
            CaseDeadline.case_id == case.id,
            CaseDeadline.kind == kind,
            CaseDeadline.is_active.is_(True),
        )
    ).one()


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302


def test_a_passed_freeze_renewal_stays_the_next_deadline_until_handled(app, client, session):
    today = clock_today()
    admin = F.user(session)
    c = frozen_case(session, admin, today)
    renewal = row(session, c, "freeze_renewal_apply_by")
    expiry = row(session, c, "freeze_expiry")
    passed = (today - renewal.due_date).days
    assert passed >= 8 and expiry.due_date == today - timedelta(days=1)
    session.refresh(c)
    assert c.next_deadline_date == renewal.due_date

    login(client, admin)
    html = client.get(f"/cases/{c.id}").data.decode()
    start = html.index("下一个期限")  # the header (the menu also says 风险分层)
    header = html[start : html.index("风险", start)]
    assert f'id="next-deadline">{renewal.due_date}<' in header
    assert re.search(r'class="val text-danger[^"]*" id="next-deadline"', header)
    assert f"申请续行保全截止 · 已过 {passed} 天" in header

    token = issue_token(session, admin)
    body = client.get(
        f"/api/v1/cases/{c.id}", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert body["next_deadline_date"] == renewal.due_date.isoformat()

    rows, total = list_cases(session, PortfolioFilter(deadline_within=7), today)
    assert total == 1 and rows[0].id == c.id
    html = client.get("/cases?deadline_within=7").data.decode()
    assert "冻结续封案" in html and f"已过 {passed} 天" in html
    assert "没有符合条件的案件" not in html

    html = client.get("/reports").data.decode()
    upcoming = html[html.index('id="upcoming"') :]
    first = upcoming[: upcoming.index("</tr>")]
    assert str(renewal.due_date) in first and "申请续行保全截止" in first
    assert "deadline-passed" in first and f"已过 {passed} 天" in first

    html = client.get("/").data.decode()
    mine = html[html.index('id="my-deadlines"') :]
    first = mine[: mine.index("</tr>", mine.index("<tbody>"))]
    assert "申请续行保全截止" in first and f"已过 {passed} 天" in first

    # once handled, the next deadline moves on: to the expired freeze, then to the limitation
    r = client.post(f"/deadlines/{renewal.id}/handled", data={"note": "已申请续行冻结"})
    assert r.status_code == 302
    session.rollback()
    session.refresh(c)
    assert c.next_deadline_date == expiry.due_date
    deadlines.mark_handled(session, admin, expiry.id, "法院已续冻，新裁定另行登记")
    session.commit()
    session.refresh(c)
    limitation = row(session, c, "limitation")
    assert acts_on(limitation) > today and c.next_deadline_date == acts_on(limitation)
    assert list_cases(session, PortfolioFilter(deadline_within=7), today)[1] == 0
    html = client.get(f"/cases/{c.id}").data.decode()
    assert "已过" not in html[html.index("下一个期限") : html.index("风险")]
    assert differences(session, [c.id]) == []


def test_the_daily_digest_repeats_a_passed_deadline_until_it_is_handled(session):
    today = clock_today()
    admin = F.user(session)
    owner = F.user(session, "collector", username="zhou", name="周律师")
    owner.email = "zhou@example.cn"
    session.commit()
    c = F.case(session, admin, owner=owner, title="冻结续封案")
    session.commit()
    c = session.get(Case, c.id)
    court.add_court_event(
        session,
        admin,
        c,
        {
            "kind": "preservation",
            "event_date": today - timedelta(days=200),
            "asset_kind": "bank_deposit",
            "expires_date": today - timedelta(days=1),
        },
        today=today,
    )
    session.commit()
    renewal = row(session, c, "freeze_renewal_apply_by")

    def digest(day: date) -> str:
        out = Outbox()
        alerts.send_alerts(session, out, "legal@example.cn", day, session.commit)
        return "\n".join(m.get_body(("plain",)).get_content() for m in out.messages)

    for day in (today, today + timedelta(days=1), today + timedelta(days=2)):
        text = digest(day)
        left = (day - renewal.due_date).days
        assert f"申请续行保全截止 {renewal.due_date}（已过 {left} 天" in text, day
        assert "保全期限届满" in text
    assert digest(today + timedelta(days=2)) == ""  # once a day, not once a run
    deadlines.mark_handled(session, admin, renewal.id, "已申请续行冻结")
    session.commit()
    text = digest(today + timedelta(days=3))
    assert "申请续行保全截止" not in text and "保全期限届满" in text


def test_a_provisional_deadline_acts_on_its_earlier_date(session):
    today = date(2026, 11, 25)
    admin = F.user(session)
    c = F.case(session, admin)
    session.add(
        CaseDeadline(
            case_id=c.id,
            kind="limitation",
            source_key="receivable:0",
            due_date=date(2027, 10, 8),
            unadjusted_date=date(2027, 10, 2),
            is_provisional=True,
            status="running",
            basis="暂定",
            computed_at=utcnow(),
        )
    )
    session.commit()
    store_next_deadlines(session, [c.id])
    session.commit()
    session.refresh(c)
    d = row(session, c, "limitation")
    assert acts_on(d) == date(2027, 10, 2) == c.next_deadline_date
    assert today < c.next_deadline_date
