"""Upholding a dispute credits the receivable (the principal comes down): the legal staff or an
admin only; a collector may reject it (issue 16 review). Any HTTP error without its own page,
405 included, reads as the app's Chinese error page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from legalcase.models import Dispute, Receivable
from legalcase.services import disputes
from legalcase.services.auth import issue_token
from tests import factories as F


def world(session):
    admin = F.user(session, "admin")
    collector = F.user(session, "collector")
    legal = F.user(session, "legal")
    c = F.case(session, admin, owner=collector)
    r = F.receivable(session, admin, c, "FP-9", "839000", date(2026, 1, 1), date(2026, 3, 31))
    d1 = disputes.open_dispute(
        session, admin, c, {"receivable_id": r.id, "reason": "price", "amount": Decimal("1000")}
    )
    session.commit()
    return admin, collector, legal, c, r, d1


def login(app, user):
    web = app.test_client()
    web.post("/login", data={"username": user.username, "password": F.PASSWORD})
    return web


def test_a_collector_cannot_uphold_through_the_page_nor_the_api_but_may_reject(app, session):
    admin, collector, legal, c, r, d = world(session)
    web = login(app, collector)
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    assert "须由法务或管理员处理" in page and 'value="upheld"' not in page
    refused = web.post(
        f"/disputes/{d.id}/resolve", data={"outcome": "upheld"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "只有法务或管理员可以认定异议成立" in refused
    token = issue_token(session, collector)
    session.commit()
    api = app.test_client()
    hdr = {"Authorization": f"Bearer {token}"}
    r403 = api.post(f"/api/v1/disputes/{d.id}/resolve", json={"outcome": "upheld"}, headers=hdr)
    assert r403.status_code == 403
    assert "只有法务或管理员" in r403.json["error"]["message"]
    session.expire_all()
    assert session.get(Receivable, r.id).amount == Decimal("839000.00")
    assert session.get(Dispute, d.id).status == "open"
    ok = api.post(f"/api/v1/disputes/{d.id}/resolve", json={"outcome": "rejected"}, headers=hdr)
    assert ok.status_code == 200 and ok.json["status"] == "rejected"


def test_the_legal_staff_upholds_and_the_credit_is_the_amount_disputed(app, session):
    admin, collector, legal, c, r, d = world(session)
    web = login(app, legal)
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    assert 'value="upheld"' in page and "默认异议金额 ¥1,000.00" in page
    assert re.search(rf"/disputes/{d.id}/resolve", page)
    web.post(f"/disputes/{d.id}/resolve", data={"outcome": "upheld", "credit_amount": ""})
    session.expire_all()
    assert session.get(Dispute, d.id).credit_amount == Decimal("1000.00")
    assert session.get(Receivable, r.id).amount == Decimal("838000.00")  # not the full 839,000
    # the money tab keeps the original amount in view
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    assert "原金额 ¥839,000.00，异议成立冲减 ¥1,000.00" in page


def test_a_wrong_method_reads_as_the_chinese_error_page(app, session):
    admin, collector, legal, c, r, d = world(session)
    web = login(app, admin)
    resp = web.get(f"/cases/{c.id}/disputes")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 405 and "Method Not Allowed" not in text
    assert "不支持此操作" in text and 'data-code="http_405"' in text
    assert "POST" in resp.headers["Allow"]
    token = issue_token(session, admin)
    session.commit()
    hdr = {"Authorization": f"Bearer {token}"}
    api = app.test_client().delete(f"/api/v1/disputes/{d.id}/resolve", headers=hdr)
    assert api.status_code == 405 and api.json["error"]["message"] == "不支持该请求方法"
