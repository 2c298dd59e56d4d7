"""The `legalcase` console script: serve, db upgrade, user create, demo, promises refresh."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError

DEMO_PASSWORD = "demo-pass-2026"


def _app():
    from legalcase import create_app

    return create_app()


@contextmanager
def _unit_of_work(app=None) -> Iterator:
    """One command, one unit of work: committed when the block ends without an error."""
    from legalcase.db import db as database

    app = app or _app()
    with app.app_context():
        uow = database.uow
        yield uow
        uow.commit()


def _fail(exc: DomainError) -> None:
    click.echo(f"错误：{exc.message}", err=True)
    for field, msg in exc.fields.items():
        click.echo(f"  {field}: {msg}", err=True)
    sys.exit(2)


@click.group()
def main() -> None:
    """legalcase: legal-case and evidence management for debt collection."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema."""
    from legalcase.migrate import upgrade

    app = _app()
    upgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"数据库已升级：{_safe_url(app.config['DATABASE_URL'])}")


@db.command("downgrade")
@click.option("--revision", required=True)
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    from legalcase.migrate import downgrade

    app = _app()
    downgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"数据库已回退到 {revision}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


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

    with _unit_of_work() as uow:
        try:
            u = create_user(uow.session, username, password, role, display_name, email)
        except DomainError as exc:
            _fail(exc)
        click.echo(f"已创建用户 {u.username}（{u.role}）")


@user.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True)
def user_token(username: str, name: str) -> None:
    """Issue an API token for USERNAME (shown once)."""
    from legalcase.models import User
    from legalcase.services.auth import issue_token

    with _unit_of_work() as uow:
        u = uow.session.scalar(select(User).where(User.username == username))
        if u is None:
            _fail(DomainError("not_found", f"用户 {username} 不存在", {"username": "不存在"}))
        token = issue_token(uow.session, u, name)
    click.echo(token)


@main.command()
@click.option("--force", is_flag=True, help="Load even when the database already has cases.")
def demo(force: bool) -> None:
    """Load the demo portfolio (only into an empty database unless --force)."""
    from legalcase.demo.load import load_demo
    from legalcase.migrate import upgrade

    app = _app()
    upgrade(app.config["DATABASE_URL"])
    with _unit_of_work(app) as uow:
        if not force and _has_data(uow.session):
            click.echo("数据库已有数据，未加载演示数据（用 --force 强制加载）")
            return
        n = load_demo(
            uow.session, DEMO_PASSWORD, storage=uow.storage, tmp_dir=app.config["UPLOAD_TMP"]
        )
        click.echo(
            f"已加载演示数据：{n} 个案件。演示账号 admin / legal / zhangwei / viewer，密码 {DEMO_PASSWORD}"
        )


def _has_data(session) -> bool:
    from legalcase.models import User

    return bool(session.scalar(select(func.count()).select_from(User)))


@main.group()
def promises() -> None:
    """Promises to pay."""


@promises.command("refresh")
def promises_refresh() -> None:
    """Mark promises kept or broken as of today (run daily from cron)."""
    from legalcase.services.audit import set_actor
    from legalcase.services.promises import refresh_promises

    with _unit_of_work() as uow:
        set_actor(uow.session, None)
        n = refresh_promises(uow.session)
    click.echo(f"已更新 {n} 条还款承诺的状态")


def _read_json(path: str) -> object:
    import json

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        _fail(DomainError("bad_file", f"无法读取 {path}：{exc.strerror}"))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(
            DomainError(
                "bad_json", f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}"
            )
        )


def _print_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@main.command("deadlines")
@click.argument("path", metavar="FILE")
def deadlines_cmd(path: str) -> None:
    """Compute deadlines for one claim (RULES.md section 7 format); FILE or - for stdin."""
    from legalcase.domain.calendar import china_calendar
    from legalcase.domain.deadline_io import output_json, parse_deadline_input
    from legalcase.domain.deadlines import compute

    try:
        claim, as_of = parse_deadline_input(_read_json(path))
    except DomainError as exc:
        _fail(exc)
    _print_json(output_json(compute(claim, as_of, china_calendar())))


@main.command("interest")
@click.argument("path", metavar="FILE")
def interest_cmd(path: str) -> None:
    """Compute a claim amount as of a date (RULES.md section 8 format); FILE or - for stdin."""
    from legalcase.db import db as database
    from legalcase.domain.interest import compute_interest
    from legalcase.domain.interest_io import parse_interest_input
    from legalcase.services.lpr import lpr_table

    data = _read_json(path)
    app = _app()
    with app.app_context():
        try:
            result = compute_interest(parse_interest_input(data), lpr_table(database.session))
        except DomainError as exc:
            _fail(exc)
    _print_json(result.to_json())


@main.command("deadlines-refresh")
def deadlines_refresh() -> None:
    """Recompute and store every case's deadlines (nightly, and after a calendar update)."""
    import time

    from legalcase.services.deadlines import refresh_all

    with _unit_of_work() as uow:
        started = time.perf_counter()
        cases, changed = refresh_all(uow.session, checkpoint=uow.commit)
        click.echo(
            f"已重新计算 {cases} 个案件的期限，{changed} 条有变化，用时 {time.perf_counter() - started:.1f} 秒"
        )


@main.group()
def ladder() -> None:
    """The escalation ladder."""


@ladder.command("run")
def ladder_run() -> None:
    """Create the tasks that overdue days, broken promises and near deadlines call for (daily)."""
    from legalcase.domain.ladder import rungs_from
    from legalcase.services.ladder import run_ladder

    app = _app()
    with _unit_of_work(app) as uow:
        created = run_ladder(uow.session, rungs=rungs_from(app.config["LADDER_DAYS"]))
    click.echo(f"新建任务 {created} 项")


@main.group()
def alerts() -> None:
    """Deadline alert e-mails."""


@alerts.command("send")
@click.option("--date", "on", default=None, help="Pretend today is this date (YYYY-MM-DD).")
def alerts_send(on: str | None) -> None:
    """Mail each owner one digest of what is due (run daily from cron); exit 1 if SMTP fails."""
    from datetime import date

    from legalcase.services.alerts import FileTransport, SmtpTransport, send_alerts
    from legalcase.services.clock import today

    app = _app()
    cfg = app.config
    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        _fail(DomainError("bad_date", f"日期无效：{on}", {"date": "格式 YYYY-MM-DD"}))
    if cfg["SMTP_HOST"]:
        transport = SmtpTransport(
            cfg["SMTP_HOST"],
            cfg["SMTP_PORT"],
            cfg["SMTP_SECURITY"],
            cfg["SMTP_USER"] or None,
            cfg["SMTP_PASSWORD"] or None,
        )
        where = f"{cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}"
    else:
        transport = FileTransport(cfg["OUTBOX"])
        where = f"文件夹 {cfg['OUTBOX']}（未配置 SMTP，邮件写入文件）"
    with _unit_of_work(app) as uow:
        report = send_alerts(uow.session, transport, cfg["MAIL_FROM"], day, uow.commit)
    click.echo(f"已发送 {report.sent} 封提醒邮件（{report.items} 项）到 {where}")
    if report.error:
        click.echo(f"错误：{report.error}；未发送的提醒会在下次运行时补发", err=True)
        sys.exit(1)


@alerts.command("daemon")
@click.option(
    "--at",
    "at",
    default=None,
    help="Time of day (Asia/Shanghai), default from LEGALCASE_ALERTS_AT.",
)
def alerts_daemon(at: str | None) -> None:
    """Stay running: every day at AT run the escalation ladder, then send the alert digest."""
    import time as clock
    from datetime import datetime, timedelta

    from legalcase.services.clock import SHANGHAI

    app = _app()
    hour, minute = map(int, (at or app.config["ALERTS_AT"]).split(":"))
    while True:
        now = datetime.now(SHANGHAI)
        run = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if run <= now:
            run += timedelta(days=1)
        click.echo(f"下次运行：{run:%Y-%m-%d %H:%M}")
        clock.sleep((run - now).total_seconds())
        ctx = click.get_current_context()
        ctx.invoke(ladder_run)
        try:
            ctx.invoke(alerts_send, on=None)
        except SystemExit:  # reported already; the next day's run catches up
            pass


@main.group()
def evidence() -> None:
    """Evidence."""


@evidence.command("verify")
@click.option("--case", "case_id", type=int, default=None, help="Only this case.")
def evidence_verify(case_id: int | None) -> None:
    """Re-read every stored object, re-hash it, report mismatches and missing objects (exit 1)."""
    from legalcase.services.evidence import verify

    with _unit_of_work() as uow:
        result = verify(uow.session, uow.storage, case_id)
        for item, problem in result.problems:
            click.echo(f"案件 {item.case_id} 证据 {item.id}「{item.title}」：{problem}")
        click.echo(f"已校验 {result.checked} 项，问题 {len(result.problems)} 项")
    if result.problems:
        sys.exit(1)


@main.group()
def lpr() -> None:
    """The one-year LPR table."""


@lpr.command("import")
@click.argument("path", metavar="FILE")
def lpr_import(path: str) -> None:
    """Add or correct LPR values from a CSV with effective_date,one_year_percent."""
    from legalcase.migrate import upgrade
    from legalcase.services.lpr import import_lpr

    try:
        text = open(path, encoding="utf-8").read()
    except OSError as exc:
        _fail(DomainError("bad_file", f"无法读取 {path}：{exc.strerror}"))
    app = _app()
    upgrade(app.config["DATABASE_URL"])
    with _unit_of_work(app) as uow:
        try:
            added, changed = import_lpr(uow.session, text)
        except DomainError as exc:
            _fail(exc)
    click.echo(f"LPR：新增 {added} 条，更正 {changed} 条")


@lpr.command("list")
def lpr_list() -> None:
    """Show the LPR table in force."""
    from legalcase.db import db as database
    from legalcase.services.lpr import lpr_table

    app = _app()
    with app.app_context():
        table = lpr_table(database.session)
    for day, rate in zip(table.dates, table.rates, strict=True):
        click.echo(f"{day}  {rate}%")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Migrate, load the demo portfolio into an empty database, and serve with gunicorn."""
    from gunicorn.app.base import BaseApplication

    from legalcase.demo.load import load_demo
    from legalcase.migrate import upgrade

    app = _app()
    upgrade(app.config["DATABASE_URL"])
    with _unit_of_work(app) as uow:
        if not _has_data(uow.session):
            click.echo("数据库为空，正在加载演示数据……")
            load_demo(
                uow.session, DEMO_PASSWORD, storage=uow.storage, tmp_dir=app.config["UPLOAD_TMP"]
            )
            login = f"演示登录：用户名 admin（或 legal / zhangwei / viewer），密码 {DEMO_PASSWORD}"
        else:
            login = "使用已有账号登录（新建账号：legalcase user create NAME --role admin）"
    database_engine = app.extensions["legalcase_db"]["engine"]
    database_engine.dispose()

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return app

    click.echo(f"legalcase 已启动：http://{host}:{port}/")
    click.echo(login)
    _Server().run()


if __name__ == "__main__":
    main()
