"""The online statement's public page (issue 16 point 2) and disputes through the API and the
case page (point 3): single use, expiry, a wrong token, the rate limit, CSRF; a dispute pauses
the ladder; upheld, the amount owed follows everywhere."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import func, select

from legalcase import create_app
from legalcase.db import db
from legalcase.models import Confirmation, Dispute, EvidenceItem, LedgerEntry, Task
from legalcase.services import confirmations as svc
from legalcase.services import ladder, parties
from legalcase.services.auth import issue_token
from legalcase.services.dashboard import build
from legalcase.services.disputes import paused_case_ids
from legalcase.services.documents.context import document_context
from tests import factories as F


def world(session):
    admin = F.user(session)
    c = F.case(session, admin)
    a = F.receivable(session, admin, c, "FP-A", "1000", date(2026, 1, 1), date(2026, 3, 31))
    b = F.receivable(session, admin, c, "FP-B", "2500.50", date(2026, 2, 1), date(2026, 4, 30))
    contact = parties.add_contact(
        session,
        admin,
        c.debtor,
        {"name": "李会计", "relation": "finance", "email": "li@example.com"},
    )
    session.commit()
    return admin, c, a, b, contact


def link(session, admin, c, **kw):
    conf, token = svc.create_link(session, admin, c, {"expires_in_days": 7, **kw})
    session.commit()
    return conf, token


def form(page: bytes) -> dict:
    html = page.decode()
    digest = re.search(r'name="page_sha256" value="([0-9a-f]{64})"', html).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return {"page_sha256": digest, **({"csrf_token": csrf.group(1)} if csrf else {})}


def test_the_link_shows_the_statement_once_and_is_kept_as_evidence(app, client, session):
    admin, c, a, b, contact = world(session)
    conf, token = link(session, admin, c, contact_id=contact.id)
    page = client.get(f"/confirm/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "3,500.50" in html and "FP-A" in html and "FP-B" in html
    assert "href=" not in html.split("<body", 1)[1]  # nothing else of the app is reachable
    assert page.headers["Cache-Control"] == "no-store"
    data = {**form(page.data), "decision": "confirm", "name": "李会计", "reason": ""}
    done = client.post(f"/confirm/{token}", data=data, headers={"User-Agent": "TestPhone/1.0"})
    assert done.status_code == 200 and "已收到您的答复" in done.get_data(as_text=True)
    session.expire_all()
    conf = session.get(Confirmation, conf.id)
    assert conf.decision == "confirm" and conf.user_agent == "TestPhone/1.0"
    assert conf.page_sha256 == data["page_sha256"]
    assert session.get(EvidenceItem, conf.evidence_id).kind == "online_confirmation"
    entry = session.get(LedgerEntry, conf.ledger_entry_id)
    assert entry.channel == "online" and entry.legal_effect == "acknowledgment"
    # the checklist: proof of acknowledgment, not the signed statement
    web = app.test_client()
    web.post("/login", data={"username": admin.username, "password": F.PASSWORD})
    ev = web.get(f"/cases/{c.id}/evidence").get_data(as_text=True)
    assert "在线对账确认（电子数据）" in ev
    # used: a clear page, not a second answer
    again = client.get(f"/confirm/{token}")
    assert again.status_code == 410 and "已使用" in again.get_data(as_text=True)
    assert client.post(f"/confirm/{token}", data=data).status_code == 410


def test_wrong_and_expired_tokens_are_refused(app, client, session):
    admin, c, a, b, contact = world(session)
    conf, token = link(session, admin, c)
    wrong = client.get(f"/confirm/{token[:-2]}xx")
    assert wrong.status_code == 404 and "对账链接不存在" in wrong.get_data(as_text=True)
    conf.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.commit()
    expired = client.get(f"/confirm/{token}")
    assert expired.status_code == 410 and "已过期" in expired.get_data(as_text=True)


def test_changed_figures_and_missing_fields_are_refused_without_using_the_link(
    app, client, session
):
    admin, c, a, b, contact = world(session)
    conf, token = link(session, admin, c)
    data = {**form(client.get(f"/confirm/{token}").data), "decision": "dispute", "name": "李"}
    assert client.post(f"/confirm/{token}", data=data).status_code == 422  # no reason given
    stale = client.post(f"/confirm/{token}", data={**data, "page_sha256": "0" * 64})
    assert stale.status_code == 409 and "对账内容已更新" in stale.get_data(as_text=True)
    session.expire_all()
    assert session.get(Confirmation, conf.id).used_at is None


def test_a_dispute_on_one_invoice_opens_one_dispute_and_the_case_is_not_paused(
    app, client, session
):
    admin, c, a, b, contact = world(session)
    conf, token = link(session, admin, c)
    page = client.get(f"/confirm/{token}").get_data(as_text=True)
    assert f'name="dispute_ids" id="dispute-{b.id}"' in page and "checked" not in page
    data = {**form(page.encode()), "decision": "dispute", "name": "李会计", "reason": "单价不符"}
    # none ticked: refused beside the field, the link stays unused
    r = client.post(f"/confirm/{token}", data=data)
    assert r.status_code == 422 and "请勾选您有异议的发票" in r.get_data(as_text=True)
    # more than it owes: refused beside its amount
    r = client.post(
        f"/confirm/{token}", data={**data, "dispute_ids": [str(b.id)], f"amount_{b.id}": "9999"}
    )
    assert r.status_code == 422 and "不能超过该发票尚欠的 ¥2,500.50" in r.get_data(as_text=True)
    r = client.post(
        f"/confirm/{token}", data={**data, "dispute_ids": [str(b.id)], f"amount_{b.id}": "400.5"}
    )
    assert r.status_code == 200
    session.expire_all()
    ds = session.scalars(select(Dispute)).all()
    assert [(d.receivable_id, d.amount) for d in ds] == [(b.id, Decimal("400.50"))]
    assert c.id not in paused_case_ids(session, [c.id])


@pytest.fixture
def strict_app(database_url, tmp_path):
    """CSRF on, and a low limit on the link's page."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test",
            "CONFIRM_LINK_LIMIT": "3 per minute",
        }
    )
    from tests.conftest import _empty_tables

    _empty_tables(app)
    yield app
    app.extensions["legalcase_db"]["engine"].dispose()


def test_csrf_is_required_and_the_page_is_rate_limited(strict_app):
    from flask import g

    with strict_app.app_context():
        g.uow = db.unit_of_work(write=False)
        g.uow.start()
        session = db.session
        admin, c, a, b, contact = world(session)
        conf, token = link(session, admin, c)
        client = strict_app.test_client()
        page = client.get(f"/confirm/{token}")
        fields = form(page.data)
        assert "csrf_token" in fields
        data = {"page_sha256": fields["page_sha256"], "decision": "confirm", "name": "李会计"}
        refused = client.post(f"/confirm/{token}", data=data)  # no CSRF token
        assert refused.status_code == 400 and "页面已失效" in refused.get_data(as_text=True)
        session.expire_all()
        assert session.get(Confirmation, conf.id).used_at is None
        # the refused POST never reached the page; two more views reach the limit (3)
        assert [client.get(f"/confirm/{token}").status_code for _ in range(2)] == [200, 200]
        throttled = client.get(f"/confirm/{token}")
        assert throttled.status_code == 429 and "访问过于频繁" in throttled.get_data(as_text=True)
        assert client.get("/confirm/another-token").status_code == 429  # per address


# ---- disputes ---------------------------------------------------------------------


@pytest.fixture
def api(app, session):
    admin = F.user(session, "admin")
    token = issue_token(session, admin)
    session.commit()
    client = app.test_client()

    def call(method, url, json=None):
        return client.open(
            f"/api/v1{url}", method=method, json=json, headers={"Authorization": f"Bearer {token}"}
        )

    call.admin = admin
    return call


def rung_tasks(session, c) -> list[str]:
    return sorted(
        session.scalars(
            select(Task.reason_key).where(
                Task.case_id == c.id, Task.reason_key.not_like("deadline:%")
            )
        )
    )


def test_disputes_pause_the_ladder_and_upheld_the_amount_owed_follows(app, api, session):
    admin, c, a, b, contact = world(session)
    today = date(2026, 11, 20)
    r = api("POST", f"/cases/{c.id}/disputes", {"receivable_id": a.id, "reason": "quality"})
    assert r.status_code == 201, r.json
    assert r.json["amount"] == "1000.00" and r.json["status"] == "open"
    listed = api("GET", f"/cases/{c.id}/disputes").json
    assert listed["paused"] is False and [d["invoice_no"] for d in listed["items"]] == ["FP-A"]
    r = api(
        "POST",
        f"/cases/{c.id}/disputes",
        {"receivable_id": b.id, "reason": "price", "amount": "500.50", "description": "单价不符"},
    )
    assert r.status_code == 201
    dispute_b = r.json["id"]
    assert api("GET", f"/cases/{c.id}/disputes").json["paused"] is True
    clash = api("POST", f"/cases/{c.id}/disputes", {"receivable_id": b.id, "reason": "other"})
    assert clash.status_code == 409
    # paused: the ladder creates no collection task for the case
    ladder.run_ladder(session, today)
    session.commit()
    assert rung_tasks(session, c) == []
    # the dashboard counts them
    d = build(session, today)
    assert (d.disputes.open, d.disputes.amount, d.disputes.cases) == (2, Decimal("1500.50"), 1)
    # the complaint's element item reads them
    facts = document_context(session, c, today, {})["facts"]
    (item,) = [f["text"] for f in facts if f["label"] == "是否提出异议"]
    assert "质量异议" in item and "FP-A" in item and "价格异议（单价不符）" in item
    # the case page shows them, and that the case is paused
    web = app.test_client()
    web.post("/login", data={"username": admin.username, "password": F.PASSWORD})
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    assert 'id="case-paused"' in page and "单价不符" in page
    # upheld: the receivable is credited, the amount owed follows (API and case page)
    assert api("GET", f"/cases/{c.id}").json["outstanding_amount"] == "3500.50"
    r = api("POST", f"/disputes/{dispute_b}/resolve", {"outcome": "upheld", "note": "同意调价"})
    assert r.status_code == 200 and r.json["credit_amount"] == "500.50"
    assert api("GET", f"/cases/{c.id}").json["outstanding_amount"] == "3000.00"
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    assert re.search(r'id="outstanding">[^<]*3,000\.00<', page)
    again = api("POST", f"/disputes/{dispute_b}/resolve", {"outcome": "rejected"})
    assert again.status_code == 409
    # FP-B is no longer disputed: the ladder chases it (FP-A still disputed)
    session.expire_all()
    ladder.run_ladder(session, today)
    session.commit()
    assert rung_tasks(session, c) != []


def test_a_rejected_dispute_resumes_collection_and_the_case_page_forms_work(app, session):
    admin, c, a, b, contact = world(session)
    web = app.test_client()
    web.post("/login", data={"username": admin.username, "password": F.PASSWORD})
    for r in (a, b):
        resp = web.post(
            f"/cases/{c.id}/disputes",
            data={"receivable_id": r.id, "reason": "not_delivered", "description": "未收到货"},
        )
        assert resp.status_code == 302
    today = date(2026, 11, 20)
    ladder.run_ladder(session, today)
    session.commit()
    assert rung_tasks(session, c) == []
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    ids = re.findall(r"/disputes/(\d+)/resolve", page)
    assert len(ids) == 2
    for i in ids:
        web.post(f"/disputes/{i}/resolve", data={"outcome": "rejected", "note": "有签收单"})
    session.expire_all()
    ladder.run_ladder(session, today)
    session.commit()
    assert rung_tasks(session, c) != []
    page = web.get(f"/cases/{c.id}?tab=money").get_data(as_text=True)
    assert 'id="case-paused"' not in page and page.count("异议不成立") == 2
    assert 'id="make-link"' in page and "李会计（li@example.com）" in page  # the button
    # the link button: the URL is shown once, the e-mail goes to the contact
    resp = web.post(
        f"/cases/{c.id}/confirmations",
        data={"contact_id": contact.id, "expires_in_days": "5", "send_email": "true"},
        follow_redirects=True,
    )
    text = resp.get_data(as_text=True)
    url = re.search(r"(http://localhost/confirm/[\w-]+)", text).group(1)
    assert "已发送至 li@example.com" in text
    (eml,) = Path(app.config["OUTBOX"]).glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), policy=default)
    assert mail["To"] == "li@example.com" and url in mail.get_content()
    assert web.get(url.removeprefix("http://localhost")).status_code == 200


def test_two_answers_at_once_only_one_is_taken(app, session):
    import threading

    admin, c, a, b, contact = world(session)
    conf, token = link(session, admin, c)
    session.close()
    clients = [app.test_client() for _ in range(4)]
    pages = [cl.get(f"/confirm/{token}") for cl in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def answer(cl, page, n):
        data = {**form(page.data), "decision": "confirm", "name": f"会计{n}"}
        barrier.wait()
        statuses.append(cl.post(f"/confirm/{token}", data=data).status_code)

    threads = [
        threading.Thread(target=answer, args=(cl, p, n))
        for n, (cl, p) in enumerate(zip(clients, pages, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 410, 410, 410]
    fresh = app.extensions["legalcase_db"]["sessions"]()
    try:
        assert fresh.scalar(select(func.count(EvidenceItem.id))) == 1
        assert fresh.scalar(select(func.count(LedgerEntry.id))) == 1
    finally:
        fresh.close()


def test_the_api_makes_a_link_and_mails_it_through_smtp(app, api, session):
    from tests.integration.test_alerts import Server

    admin, c, a, b, contact = world(session)
    server = Server()
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="ar@example.cn")
        r = api(
            "POST",
            f"/cases/{c.id}/confirmations",
            {"contact_id": contact.id, "expires_in_days": 3, "send_email": True},
        )
        assert r.status_code == 201, r.json
        assert r.json["url"].startswith("http://localhost/confirm/")
        assert r.json["emailed_to"] == "li@example.com"
        (mail,) = server.messages
        assert mail["To"] == "li@example.com" and r.json["url"] in mail.get_content()
        # the mail server down: the link stands (its URL is in the answer), nothing mailed
        server.stop()
        r = api(
            "POST", f"/cases/{c.id}/confirmations", {"contact_id": contact.id, "send_email": True}
        )
        assert r.status_code == 201 and r.json["emailed_to"] is None
    finally:
        server.stop()
    # too many days: refused in the API's error format, nothing written
    r = api("POST", f"/cases/{c.id}/confirmations", {"expires_in_days": 61})
    assert r.status_code == 400 and "expires_in_days" in r.json["error"]["fields"]
    session.expire_all()
    assert len(session.scalars(select(Confirmation)).all()) == 2
