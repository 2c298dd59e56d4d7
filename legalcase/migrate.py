"""Run Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations

SCRIPT_LOCATION = Path(migrations.__file__).parent


def alembic_config(url: str) -> Config:
    cfg = Config(str(SCRIPT_LOCATION / "alembic.ini"))
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


# ---- many servers: one migration at a time, and never by a server's start -------------

MIGRATION_LOCK_KEY = 0x6C63_6D69  # PostgreSQL advisory lock id ("lcmi"), one per database


@contextmanager
def migration_lock(url: str) -> Iterator[object]:
    """Hold the deployment's migration lock; yields the connection to migrate on (PostgreSQL:
    a session advisory lock on it) or None (SQLite: an exclusive lock on a file next to the
    database; other databases: no lock). A second ``legalcase db upgrade`` waits here, then
    finds the schema at head and does nothing."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from legalcase.db import make_engine

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()
                try:
                    yield conn
                finally:
                    conn.rollback()
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
    elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        import fcntl

        path = Path(parsed.database).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".migrate-lock"), "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield None
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    else:
        yield None


def upgrade_locked(url: str, revision: str = "head") -> None:
    """``upgrade`` under ``migration_lock``: however many run it at once, the migrations run
    once and every caller returns with the schema at ``revision``."""
    with migration_lock(url) as conn:
        cfg = alembic_config(url)
        if conn is not None:
            cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if conn is not None:
            conn.commit()


def pending(url: str) -> bool:
    """Whether the database is not at the newest schema (empty, or older revisions)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from legalcase.db import make_engine

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads()) != heads
    finally:
        engine.dispose()
