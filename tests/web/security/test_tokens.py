"""API tokens expire, can be revoked by their user, and record their last use (written at
most once a minute, so that reading requests stay cheap)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select, update

from legalcase.models import ApiToken
from legalcase.models.base import utcnow
from legalcase.services import auth
from tests import factories as F

from . import login


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _token(session, user, **kw) -> str:
    session.rollback()  # after a request committed (SQLite snapshot)
    token = auth.issue_token(session, user, **kw)
    session.commit()
    return token


def _row(session, name: str = "api") -> ApiToken:
    session.rollback()  # see what the requests committed
    return session.scalars(select(ApiToken).where(ApiToken.name == name)).one()


@contextmanager
def writes_to_tokens(app):
    """The UPDATE statements on api_tokens sent while the block runs."""
    seen: list[str] = []
    engine = app.extensions["legalcase_db"]["engine"]

    def listen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_a_token_is_valid_for_180_days_by_default_then_refused(client, session):
    user = F.user(session, "legal")
    token = _token(session, user)
    row = _row(session)
    assert row.expires_at - row.created_at == timedelta(days=180)
    assert client.get("/api/v1/me", headers=bearer(token)).json["username"] == user.username
    old = _token(session, user, name="old", days=1, now=utcnow() - timedelta(days=2))
    r = client.get("/api/v1/me", headers=bearer(old))
    assert r.status_code == 401
    assert "已过期" in r.json["error"]["message"]


def test_last_use_is_written_at_most_once_a_minute(web, client, session):
    user = F.user(session, "legal")
    token = _token(session, user)
    assert _row(session).last_used_at is None
    with writes_to_tokens(web) as first:
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    used = _row(session).last_used_at
    assert len(first) == 1 and utcnow() - used < timedelta(seconds=30)
    with writes_to_tokens(web) as again:
        for _ in range(5):
            assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert again == []  # nothing written within the minute
    assert _row(session).last_used_at == used
    # a minute later the next use is written
    session.execute(update(ApiToken).values(last_used_at=used - timedelta(minutes=2)))
    session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert _row(session).last_used_at > used


def test_user_revokes_a_token_on_the_settings_page(client, session):
    user = F.user(session, "legal")
    other = F.user(session, "legal")
    token = _token(session, user, name="erp")
    theirs = _token(session, other, name="theirs")
    login(client, user)
    html = client.get("/settings/account").get_data(as_text=True)
    assert "erp" in html and "theirs" not in html and "有效" in html
    mine = _row(session, "erp")
    r = client.post(f"/settings/account/tokens/{_row(session, 'theirs').id}/revoke")
    assert r.status_code == 404  # not one's own: nothing revoked
    assert client.get("/api/v1/me", headers=bearer(theirs)).status_code == 200
    r = client.post(f"/settings/account/tokens/{mine.id}/revoke")
    assert r.status_code == 302
    r = client.get("/api/v1/me", headers=bearer(token))
    assert r.status_code == 401 and "已撤销" in r.json["error"]["message"]
    html = client.get("/settings/account").get_data(as_text=True)
    assert "已撤销" in html
