"""Users and API tokens: legalcase user create | password | activate | deactivate | token |
tokens | revoke-token."""

from __future__ import annotations

import click

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
    """Create a user who can log in (password: at least 10 characters, not a common one)."""
    from legalcase.services.auth import create_user

    with unit_of_work() as uow:
        u = create_user(uow.session, username, password, role, display_name, email)
        click.echo(f"已创建用户 {u.username}（{u.role}）")


@user.command("password")
@click.argument("username")
@click.option("--password", prompt="New password", hide_input=True, confirmation_prompt=True)
def user_password(username: str, password: str) -> None:
    """Set USERNAME's password; every session of the user ends."""
    from legalcase.services.auth import set_password, user_by_name

    with unit_of_work() as uow:
        set_password(uow.session, user_by_name(uow.session, username), password)
    click.echo(f"已为 {username} 设置新密码，其已登录的会话全部失效")


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Deactivate USERNAME: no more logins, sessions end, API tokens are revoked."""
    from legalcase.services.auth import set_active, user_by_name

    with unit_of_work() as uow:
        n = set_active(uow.session, user_by_name(uow.session, username), False)
    click.echo(f"已停用 {username}：会话已失效，撤销令牌 {n} 个")


@user.command("activate")
@click.argument("username")
def user_activate(username: str) -> None:
    """Activate USERNAME again (revoked tokens stay revoked)."""
    from legalcase.services.auth import set_active, user_by_name

    with unit_of_work() as uow:
        set_active(uow.session, user_by_name(uow.session, username), True)
    click.echo(f"已启用 {username}")


@user.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True)
@click.option(
    "--days", type=int, default=None, help="Days valid [default: LEGALCASE_TOKEN_DAYS or 180]"
)
def user_token(username: str, name: str, days: int | None) -> None:
    """Issue an API token for USERNAME (printed once, alone on stdout)."""
    from flask import current_app

    from legalcase.services.auth import issue_token, user_by_name

    with unit_of_work() as uow:
        days = days or current_app.config["TOKEN_DAYS"]
        try:
            token = issue_token(uow.session, user_by_name(uow.session, username), name, days)
        except DomainError as exc:
            fail(exc)
    click.echo(token)
    click.echo(f"令牌 {name} 有效期 {days} 天", err=True)


@user.command("tokens")
@click.argument("username")
def user_tokens(username: str) -> None:
    """List USERNAME's API tokens: name, issued, expires, last use, status."""
    from legalcase.services.auth import TOKEN_STATUS_LABELS, token_status, user_by_name
    from legalcase.services.auth import user_tokens as tokens_of

    def day(value) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else "从未使用"

    with unit_of_work() as uow:
        rows = tokens_of(uow.session, user_by_name(uow.session, username))
        for t in rows:
            click.echo(
                f"{t.name}\t签发 {day(t.created_at)}\t到期 {day(t.expires_at)}\t"
                f"最近使用 {day(t.last_used_at)}\t{TOKEN_STATUS_LABELS[token_status(t)]}"
            )


@user.command("revoke-token")
@click.argument("username")
@click.option("--name", default=None, help="Revoke the tokens with this name.")
@click.option("--all", "everything", is_flag=True, help="Revoke all of the user's tokens.")
def user_revoke_token(username: str, name: str | None, everything: bool) -> None:
    """Revoke USERNAME's API tokens named --name, or --all of them."""
    from legalcase.services.auth import revoke_tokens, user_by_name

    if (name is None) == (not everything):
        fail(DomainError("bad_options", "请指定 --name NAME 或 --all（二选一）"))
    with unit_of_work() as uow:
        n = revoke_tokens(
            uow.session, user_by_name(uow.session, username), name=name, everything=everything
        )
    click.echo(f"已撤销 {username} 的 {n} 个令牌")


@user.command("scope")
@click.argument("username")
@click.option(
    "--creditor",
    "creditors",
    multiple=True,
    help="A creditor entity (id or exact name) the user may see; repeat for several.",
)
@click.option("--all", "everything", is_flag=True, help="Let the user see every creditor.")
def user_scope(username: str, creditors: tuple[str, ...], everything: bool) -> None:
    """Limit USERNAME to some creditors' cases (--creditor ...), or to none (--all)."""
    from legalcase.services.auth import user_by_name
    from legalcase.services.scope import creditor_ids_named, scope_label, set_creditor_scope

    if bool(creditors) == everything:
        fail(DomainError("bad_options", "请指定 --creditor（可多次）或 --all（二选一）"))
    with unit_of_work() as uow:
        target = user_by_name(uow.session, username)
        ids = creditor_ids_named(uow.session, creditors)
        set_creditor_scope(uow.session, target, ids)
        label = scope_label(target)
    click.echo(f"{username} 可见的债权主体：{label}")
