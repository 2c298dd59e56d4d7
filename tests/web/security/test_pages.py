"""Pages: security headers and a content security policy without inline script, session
cookies, sessions that end (logout, deactivation), and the security log."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from legalcase.models import SecurityEvent
from legalcase.services import auth
from tests import factories as F

from . import login, served_app, signed_in

TEMPLATES = Path(__file__).resolve().parents[3] / "legalcase" / "web" / "templates"


# ---- headers and the content security policy ------------------------------------------


def _csp(response) -> dict[str, str]:
    parts = (
        p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";")
    )
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_security_headers_on_pages_and_api(client, session):
    admin = F.user(session)
    login(client, admin)
    for url in ("/login", "/", "/cases", "/reports", "/api/v1/openapi.yaml"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "same-origin"
        csp = _csp(r)
        assert csp["script-src"] == "'self'"
        assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
        assert csp["frame-ancestors"] == "'none'"
        assert csp["object-src"] == "'none'"


def test_session_cookie_is_samesite_and_secure_over_https(database_url, tmp_path, session):
    user = F.user(session, "legal")
    for https in (False, True):
        served = served_app(
            database_url, tmp_path / f"i{https}", HTTPS=https, SESSION_COOKIE_SECURE=https
        )
        base = "https://localhost" if https else "http://localhost"
        r = login(served.test_client(), user, base_url=base)
        cookie = r.headers["Set-Cookie"]
        assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
        assert ("Secure" in cookie) is https
        assert ("Strict-Transport-Security" in r.headers) is https
        served.extensions["legalcase_db"]["engine"].dispose()


def test_templates_have_no_inline_script_or_style():
    for path in TEMPLATES.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), path.name
        assert not re.search(r"\son[a-z]+\s*=", html), path.name
        assert "style=" not in html and "<style" not in html, path.name
        assert "javascript:" not in html, path.name


def test_batch_progress_has_no_inline_script(client, session):
    from datetime import timedelta

    from legalcase.services.clock import today

    admin = F.user(session)
    for n in range(2):
        case = F.case(session, admin, title=f"进度{n}")
        due = today() - timedelta(days=40)
        F.receivable(session, admin, case, f"P-{n}", "1000", due - timedelta(days=30), due)
    login(client, admin)
    r = client.post("/documents/batch", data={"tier": "31-60", "doc_type": "reminder_30"})
    r = client.get(r.headers["Location"])  # the job's page
    html = r.get_data(as_text=True)
    assert 'data-done="2" data-total="2"' in html
    assert '<script src="/static/js/job.js">' in re.findall(r"<script[^>]*>", html)
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]


# ---- sessions -------------------------------------------------------------------------


def _stolen_cookie(web, client) -> object:
    """A copy of the client's session cookie, replayed in another client."""
    value = client.get_cookie("session").value
    thief = web.test_client()
    thief.set_cookie("session", value)
    return thief


def test_a_cookie_saved_before_logout_is_refused_after_it(web, client, session):
    user = F.user(session, "legal")
    login(client, user)
    thief = _stolen_cookie(web, client)
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(thief)
    r = thief.get("/cases")
    assert r.status_code == 302 and "/login" in r.location


def test_deactivation_ends_sessions(client, session):
    user = F.user(session, "legal")
    login(client, user)
    assert signed_in(client)
    auth.set_active(session, user, False)
    session.commit()
    assert not signed_in(client)
    auth.set_active(session, user, True)
    session.commit()
    assert not signed_in(client)  # reactivated: the old session stays ended
    assert login(client, user).status_code == 302


# ---- the security log -----------------------------------------------------------------


def test_failed_logins_and_refusals_are_in_the_security_log(client, session):
    admin = F.user(session, "admin", username="sec-admin")
    viewer = F.user(session, "viewer", username="sec-viewer")
    case = F.case(session, admin)
    client.post("/login", data={"username": "sec-viewer", "password": "wrong-password-x"})
    client.post("/login", data={"username": "ghost", "password": "wrong-password-x"})
    login(client, viewer)
    assert client.post(f"/cases/{case.id}/stage", data={"stage": "demand"}).status_code == 403
    r = client.get("/settings/security")  # never shown to a non-admin
    assert r.status_code == 403
    assert "安全日志" not in client.get("/").get_data(as_text=True)
    session.rollback()
    events = session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
    assert [(e.kind, e.username, e.user_id) for e in events] == [
        ("login_failed", "sec-viewer", viewer.id),
        ("login_failed", "ghost", None),
        ("forbidden", "sec-viewer", viewer.id),
        ("forbidden", "sec-viewer", viewer.id),
    ]
    assert "只读用户不能修改任何内容" in events[2].detail
    assert events[0].address == "127.0.0.1"

    client.post("/logout")
    login(client, admin)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/settings/security"' in html  # 设置 → 安全日志
    html = client.get("/settings/security").get_data(as_text=True)
    assert html.count('data-kind="login_failed"') == 2
    assert html.count('data-kind="forbidden"') == 2
    assert "ghost" in html and "未知用户名" in html


def test_api_refusal_is_in_the_security_log(client, session):
    admin = F.user(session, "admin")
    case = F.case(session, admin)
    viewer = F.user(session, "viewer", username="api-viewer")
    token = auth.issue_token(session, viewer)
    session.commit()
    r = client.patch(
        f"/api/v1/cases/{case.id}",
        json={"risk_level": "low"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 403
    session.rollback()
    event = session.scalars(select(SecurityEvent)).one()
    assert (event.kind, event.username) == ("forbidden", "api-viewer")
    assert event.detail.startswith(f"PATCH /api/v1/cases/{case.id}：只读")
