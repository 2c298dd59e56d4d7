"""Fixtures: ``app``, ``client``, ``runner`` (flaskr style) on SQLite or PostgreSQL.

The database comes from LEGALCASE_TEST_DATABASE_URL (scripts/test sets it for the
PostgreSQL run); without it a SQLite file in a temporary directory is used. The schema
is built once per run with the real Alembic migrations; each test starts from empty
tables.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from legalcase import create_app
from legalcase.db import db
from legalcase.migrate import downgrade, upgrade
from legalcase.models import Base

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LEGALCASE_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = create_engine(url)
    with engine.connect() as conn:  # fails loudly when the server is missing
        conn.execute(text("select 1"))
    engine.dispose()
    downgrade(url, "base")
    upgrade(url)
    return url


def _empty_tables(app) -> None:
    engine = app.extensions["legalcase_db"]["engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
        }
    )
    _empty_tables(app)
    yield app
    app.extensions["legalcase_db"]["engine"].dispose()


@pytest.fixture
def session(app):
    """The test's own unit of work. It does not begin as a writer, so that on SQLite a
    command or served app started by the test is not kept waiting for the write lock."""
    from flask import g

    with app.app_context():
        g.uow = db.unit_of_work(write=False)
        g.uow.start()
        yield db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---- a real S3 server process on loopback (moto's standalone server) ----


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the S3 test server did not start") from None
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def minio_storage(s3_endpoint, request):
    bucket = "evidence-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    from storage.s3 import MinioStorage

    return MinioStorage(s3_endpoint, "test-key", "test-secret", bucket)
