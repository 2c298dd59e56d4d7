"""Login: throttling per account and per address, equal work for unknown users, password
rules, and redirects after login that stay on the site."""

from __future__ import annotations

import pytest

from legalcase.services import auth
from tests import factories as F

from . import login, served_app, signed_in

# ---- throttling -----------------------------------------------------------------------


def test_fifty_wrong_passwords_are_throttled_and_then_the_right_one_is_refused(client, session):
    user = F.user(session, "legal")
    statuses = [login(client, user, "wrong-password-x").status_code for _ in range(50)]
    assert statuses[:5] == [401] * 5  # the account's allowance: 5 failures a minute
    assert set(statuses[5:]) == {429}
    r = login(client, user)  # the right password, while throttled
    assert r.status_code == 429
    assert "登录失败次数过多" in r.get_data(as_text=True)
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= 61  # the rest of the minute, rounded up to whole seconds
    assert f"请 {wait} 秒后再试" in r.get_data(as_text=True)
    assert not signed_in(client)


def test_throttle_per_account_from_many_addresses(client, session):
    user = F.user(session, "legal")
    for n in range(5):
        r = login(client, user, "wrong-password-x", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert r.status_code == 401
    r = login(client, user, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert r.status_code == 429
    other = F.user(session, "legal")  # another account is not held up
    assert login(client, other, environ_base={"REMOTE_ADDR": "10.0.0.99"}).status_code == 302


def test_throttle_per_address_across_accounts(client, session):
    user = F.user(session, "legal")
    for n in range(20):  # 20 failures a minute from one address, each on another name
        r = client.post("/login", data={"username": f"guess{n}", "password": "x" * 12})
        assert r.status_code == 401
    assert login(client, user).status_code == 429
    # the same account from elsewhere is fine: its own allowance was not used
    assert login(client, user, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 302


def test_successful_logins_are_not_counted(client, session):
    user = F.user(session, "legal")
    for _ in range(8):
        assert login(client, user).status_code == 302
        client.post("/logout")
    assert login(client, user).status_code == 302


def test_throttle_is_shared_through_redis(database_url, tmp_path, session):
    """Two app processes (gunicorn workers) count failures together in Redis."""
    import os
    import uuid

    import redis

    url = os.environ.get("LEGALCASE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"legalcase-test-{uuid.uuid4().hex}"
    apps = [
        served_app(
            database_url,
            tmp_path / f"worker{n}",
            RATELIMIT_STORAGE_URI=url,
            RATELIMIT_KEY_PREFIX=prefix,
        )
        for n in range(2)
    ]
    user = F.user(session, "legal")
    try:
        clients = [a.test_client() for a in apps]
        for n in range(5):
            assert login(clients[n % 2], user, "wrong-password-x").status_code == 401
        assert login(clients[0], user).status_code == 429
        assert login(clients[1], user).status_code == 429
        assert any(redis.Redis.from_url(url).scan_iter(f"*{prefix}*"))
    finally:
        r = redis.Redis.from_url(url)
        for key in r.scan_iter(f"*{prefix}*"):
            r.delete(key)
        for a in apps:
            a.extensions["legalcase_db"]["engine"].dispose()


# ---- equal work for unknown users -------------------------------------------------------


def test_unknown_user_costs_the_same_hashing_as_a_known_one(client, session, monkeypatch):
    user = F.user(session, "legal")
    calls = []
    real = auth.check_password_hash

    def spy(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(auth, "check_password_hash", spy)
    assert login(client, user, "wrong-password-x").status_code == 401
    r = client.post("/login", data={"username": "nobody-here", "password": "wrong-password-x"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.get_data(as_text=True)  # the same answer
    known, unknown = calls
    # the same function on a hash of the same method and cost ("scrypt:32768:8:1$salt$...")
    assert known != unknown
    assert known.split("$")[0] == unknown.split("$")[0]


# ---- passwords ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw1", "密码至少 10 位"),
        ("password123", "这个密码太常见"),
        ("QWERTYUIOP", "这个密码太常见"),
        ("wang-xiaoming", "这个密码太常见"),  # the user name itself
    ],
)
def test_new_passwords_must_be_long_and_uncommon(session, password, message):
    from legalcase.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        auth.create_user(session, "wang-xiaoming", password, "legal")
    assert message in exc.value.fields["password"]
    session.rollback()


def test_change_password_on_the_account_page(web, client, session):
    user = F.user(session, "legal")
    login(client, user)
    other = web.test_client()  # the same user on another device
    login(other, user)
    r = client.post(
        "/settings/account/password",
        data={
            "current_password": F.PASSWORD,
            "new_password": "1234567890",
            "confirm_password": "1234567890",
        },
    )
    assert r.status_code == 422 and "这个密码太常见" in r.get_data(as_text=True)
    r = client.post(
        "/settings/account/password",
        data={"current_password": "not-mine-123", "new_password": "x", "confirm_password": "x"},
    )
    assert r.status_code == 422 and "当前密码不正确" in r.get_data(as_text=True)
    new = "蓝色长江-Yangtze-2026"
    r = client.post(
        "/settings/account/password",
        data={"current_password": F.PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert r.status_code == 302
    assert signed_in(client)  # this session goes on
    assert not signed_in(other)  # the other device is signed out
    client.post("/logout")
    assert login(client, user).status_code == 401
    assert login(client, user, new).status_code == 302


# ---- redirects after login ------------------------------------------------------------


@pytest.mark.parametrize(
    "probe",
    [
        "/%09/evil.example/x",
        "//evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "https://evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
        "/%0d%0a/evil.example",
        "/cases\\@evil.example",
    ],
)
def test_next_goes_only_to_a_local_path(client, session, probe):
    user = F.user(session, "legal")
    r = client.post(
        f"/login?next={probe}", data={"username": user.username, "password": F.PASSWORD}
    )
    assert r.status_code == 302
    assert r.location == "/"  # the dashboard, not the probe


def test_next_local_path_is_followed(client, session):
    user = F.user(session, "legal")
    r = client.post(
        "/login?next=/cases%3Fstage%3Ddemand",
        data={"username": user.username, "password": F.PASSWORD},
    )
    assert r.location == "/cases?stage=demand"
