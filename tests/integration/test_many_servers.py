"""Many app servers (issue 15 point 5): a configured secret key outside the embedded default,
migrations by `legalcase db upgrade` under a lock and never by a production server's start."""

from __future__ import annotations

import threading
import time

from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from legalcase.cli import main
from legalcase.config import is_embedded, load_config, server_problem
from legalcase.migrate import migration_lock, pending, upgrade_locked


def _config(monkeypatch, tmp_path, **env):
    for name in ("LEGALCASE_DATABASE_URL", "LEGALCASE_ENV", "LEGALCASE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_config({"INSTANCE_PATH": str(tmp_path / "instance")})


def test_only_the_embedded_default_may_sign_with_a_key_of_its_own(monkeypatch, tmp_path):
    embedded = _config(monkeypatch, tmp_path)
    assert is_embedded(embedded) and server_problem(embedded) is None
    other_db = _config(monkeypatch, tmp_path, LEGALCASE_DATABASE_URL="sqlite:////tmp/other.db")
    assert "LEGALCASE_SECRET_KEY" in server_problem(other_db)
    production = _config(monkeypatch, tmp_path, LEGALCASE_ENV="production")
    assert not is_embedded(production)
    assert "LEGALCASE_SECRET_KEY" in server_problem(production)
    short = _config(monkeypatch, tmp_path, LEGALCASE_ENV="production", LEGALCASE_SECRET_KEY="x")
    assert "太短" in server_problem(short)
    key = "k" * 40
    good = _config(monkeypatch, tmp_path, LEGALCASE_ENV="production", LEGALCASE_SECRET_KEY=key)
    assert server_problem(good) is None and good["SECRET_KEY"] == key


def test_wsgi_entry_refuses_a_production_config_without_a_key(monkeypatch, tmp_path):
    import importlib
    import sys

    import pytest

    from legalcase.config import ConfigError

    _config(monkeypatch, tmp_path, LEGALCASE_ENV="production")
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "instance"))
    sys.modules.pop("legalcase.wsgi", None)
    with pytest.raises(ConfigError, match="LEGALCASE_SECRET_KEY"):
        importlib.import_module("legalcase.wsgi")


def test_a_production_server_does_not_migrate_and_says_how(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _config(monkeypatch, tmp_path, LEGALCASE_DATABASE_URL=url, LEGALCASE_SECRET_KEY="s" * 40)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()
    r = runner.invoke(main, ["serve", "--port", "5098"])
    assert r.exit_code == 2
    assert "legalcase db upgrade" in r.output
    engine = create_engine(url)
    assert inspect(engine).get_table_names() == []  # nothing was migrated by the server
    r = runner.invoke(main, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    assert "cases" in inspect(engine).get_table_names()
    assert not pending(url)
    engine.dispose()


def test_the_embedded_default_migrates_itself_on_serve(monkeypatch, tmp_path):
    from gunicorn.app.base import BaseApplication

    started = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: started.append(self.cfg))
    config = _config(monkeypatch, tmp_path)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "instance"))
    r = CliRunner().invoke(main, ["serve", "--port", "5097"])
    assert r.exit_code == 0, r.output
    assert not pending(config["DATABASE_URL"])
    # and it is served by threaded workers whose timeout suits long uploads
    cfg = started[0]
    assert cfg.worker_class_str == "gthread" and cfg.timeout >= 300
    assert cfg.threads == 1  # SQLite takes one writer at a time: no threads queuing on it


def test_db_upgrade_waits_for_the_migration_lock(database_url):
    """A second `db upgrade` (another server's deploy step) waits while one holds the lock
    (PostgreSQL advisory lock; SQLite file lock), then finds the schema at head."""
    holding = threading.Event()
    release = threading.Event()
    done: list[float] = []

    def first():
        with migration_lock(database_url):
            holding.set()
            release.wait(10)

    def second():
        holding.wait(10)
        upgrade_locked(database_url)
        done.append(time.monotonic())

    a = threading.Thread(target=first)
    b = threading.Thread(target=second)
    a.start()
    b.start()
    holding.wait(10)
    time.sleep(1.0)
    assert done == []  # still waiting for the lock
    released = time.monotonic()
    release.set()
    a.join(10)
    b.join(30)
    assert done and done[0] >= released
    assert not pending(database_url)
