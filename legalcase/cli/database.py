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
    """Migrate the database to the newest schema."""
    from legalcase.migrate import upgrade

    app = make_app()
    upgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"数据库已升级：{_safe_url(app.config['DATABASE_URL'])}")


@db.command("downgrade")
@click.option("--revision", required=True)
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    from legalcase.migrate import downgrade

    app = make_app()
    downgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"数据库已回退到 {revision}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
