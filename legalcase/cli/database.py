"""Database schema: legalcase db upgrade | downgrade."""

from __future__ import annotations

import click

from .common import make_app
from .main import main


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema, under the deployment's migration lock
    (PostgreSQL advisory lock, SQLite file lock): run it once per release, before the servers
    start; a second run at the same time waits and then finds nothing to do."""
    from legalcase.migrate import upgrade_locked

    app = make_app()
    upgrade_locked(app.config["DATABASE_URL"], revision)
    click.echo(f"数据库已升级：{_safe_url(app.config['DATABASE_URL'])}")


@db.command("downgrade")
@click.option("--revision", required=True)
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    from legalcase.migrate import downgrade

    app = make_app()
    downgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"数据库已回退到 {revision}")


def schema_for_serve(config: dict) -> str | None:
    """Before a server starts: the embedded default migrates itself (under the lock); a
    production server never migrates (two would race) and refuses an out-of-date schema.
    Returns why it may not start, or None."""
    from legalcase.config import is_embedded
    from legalcase.migrate import pending, upgrade_locked

    url = config["DATABASE_URL"]
    if is_embedded(config):
        upgrade_locked(url)
        return None
    if pending(url):
        return (
            f"数据库结构不是最新（{_safe_url(url)}）：请先运行 legalcase db upgrade，"
            "再启动服务器（生产环境的服务器启动时不做迁移）"
        )
    return None


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
