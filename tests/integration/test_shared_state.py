"""Shared state of many app servers (issue 15 point 5), with the real Redis on loopback:
a session signed on one server is honoured by another with the same key (not with another
key), and a named lock held on one server keeps the others out."""

from __future__ import annotations

import os
import threading
import time
import uuid

import redis

from legalcase import create_app
from legalcase.locks import PREFIX, shared_lock
from tests import factories as F

REDIS_URL = os.environ.get("LEGALCASE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _server(database_url, instance, key):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": key,
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"legalcase-test-{uuid.uuid4().hex}",
        }
    )


def test_a_session_signed_on_one_server_works_on_another_with_the_same_key(
    database_url, tmp_path, session
):
    user = F.user(session, "legal")
    session.commit()
    key = "shared-secret-key-of-the-deployment-0123456789"
    a = _server(database_url, tmp_path / "a", key)
    b = _server(database_url, tmp_path / "b", key)
    other = _server(database_url, tmp_path / "c", "another-machine-key-0123456789abcdef")
    try:
        ca = a.test_client()
        r = ca.post("/login", data={"username": user.username, "password": F.PASSWORD})
        assert r.status_code == 302
        cookie = ca.get_cookie("session")
        assert cookie is not None
        cb, cc = b.test_client(), other.test_client()
        cb.set_cookie("session", cookie.value)
        cc.set_cookie("session", cookie.value)
        assert cb.get("/cases").status_code == 200  # logged in on server B as well
        assert cc.get("/cases").status_code == 302  # a key of its own: to the login page
    finally:
        for app in (a, b, other):
            app.extensions["legalcase_db"]["engine"].dispose()


def test_a_lock_held_on_one_server_keeps_the_others_out(tmp_path):
    name = f"test-{uuid.uuid4().hex}"
    servers = [{"REDIS_URL": REDIS_URL, "INSTANCE_PATH": str(tmp_path / f"s{n}")} for n in (1, 2)]
    held = threading.Event()
    release = threading.Event()

    def first():
        with shared_lock(servers[0], name) as got:
            assert got
            held.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    held.wait(10)
    assert redis.Redis.from_url(REDIS_URL).exists(PREFIX + name)
    with shared_lock(servers[1], name, wait=0.5) as got:
        assert got is False  # the other server holds it
    release.set()
    t.join(10)
    started = time.monotonic()
    with shared_lock(servers[1], name, wait=5) as got:
        assert got and time.monotonic() - started < 5


def test_without_redis_the_lock_is_a_file_of_the_machine(tmp_path):
    config = {"REDIS_URL": "", "INSTANCE_PATH": str(tmp_path)}
    with shared_lock(config, "daily") as got:
        assert got
        with shared_lock(dict(config), "daily", wait=0.2) as again:
            assert again is False
    with shared_lock(config, "daily", wait=0.2) as got:
        assert got
