"""Users and API tokens: legalcase user create | token."""

from __future__ import annotations

import click
from sqlalchemy import select

from legalcase.domain.errors import DomainError

from .common import fail, unit_of_work
from .main import main


@main.group()
def user() -> None:
    """Users."""


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "legal", "collector", "viewer"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default=None, help="Display name (姓名)")
@click.option("--email", default=None)
def user_create(
    username: str, role: str, password: str, display_name: str | None, email: str | None
) -> None:
    """Create a user who can log in."""
    from legalcase.services.auth import create_user

    with unit_of_work() as uow:
        try:
            u = create_user(uow.session, username, password, role, display_name, email)
        except DomainError as exc:
            fail(exc)
        click.echo(f"已创建用户 {u.username}（{u.role}）")


@user.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True)
def user_token(username: str, name: str) -> None:
    """Issue an API token for USERNAME (shown once)."""
    from legalcase.models import User
    from legalcase.services.auth import issue_token

    with unit_of_work() as uow:
        u = uow.session.scalar(select(User).where(User.username == username))
        if u is None:
            fail(DomainError("not_found", f"用户 {username} 不存在", {"username": "不存在"}))
        token = issue_token(uow.session, u, name)
    click.echo(token)
