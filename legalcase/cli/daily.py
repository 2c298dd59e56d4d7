"""The daily runs by hand: promises refresh, deadlines-refresh, ladder run, alerts send;
alerts daemon is the worker with the schedule (legalcase worker --beat)."""

from __future__ import annotations

import sys

import click

from legalcase.domain.errors import DomainError

from .common import fail, make_app, unit_of_work
from .main import main


@main.group()
def promises() -> None:
    """Promises to pay."""


@promises.command("refresh")
def promises_refresh() -> None:
    """Mark promises kept or broken as of today (run daily from cron)."""
    from legalcase.services.audit import set_actor
    from legalcase.services.promises import refresh_promises

    with unit_of_work() as uow:
        set_actor(uow.session, None)
        n = refresh_promises(uow.session)
    click.echo(f"已更新 {n} 条还款承诺的状态")


@main.command("deadlines-refresh")
def deadlines_refresh() -> None:
    """Recompute and store every case's deadlines (nightly, and after a calendar update)."""
    import time

    from legalcase.services.deadlines import refresh_all

    with unit_of_work() as uow:
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
    from legalcase.services.ladder import run_ladder
    from legalcase.services.settings import ladder_rungs

    app = make_app()
    with unit_of_work(app) as uow:  # the rungs stored under 设置 → 催收阶梯 win over the config
        rungs = ladder_rungs(uow.session, app.config["LADDER_DAYS"])
        created = run_ladder(uow.session, rungs=rungs)
    click.echo(f"新建任务 {created} 项")


@main.group()
def alerts() -> None:
    """Deadline alert e-mails."""


@alerts.command("send")
@click.option("--date", "on", default=None, help="Pretend today is this date (YYYY-MM-DD).")
def alerts_send(on: str | None) -> None:
    """Mail each owner one digest of what is due (run daily from cron); exit 1 if SMTP fails."""
    from datetime import date

    from legalcase.jobs.daily import alert_transport
    from legalcase.services.alerts import send_alerts
    from legalcase.services.clock import today

    app = make_app()
    cfg = app.config
    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        fail(DomainError("bad_date", f"日期无效：{on}", {"date": "格式 YYYY-MM-DD"}))
    transport, where = alert_transport(cfg)
    with unit_of_work(app) as uow:
        report = send_alerts(uow.session, transport, cfg["MAIL_FROM"], day, uow.commit)
    click.echo(f"已发送 {report.sent} 封提醒邮件（{report.items} 项）到 {where}")
    if report.error:
        click.echo(f"错误：{report.error}；未发送的提醒会在下次运行时补发", err=True)
        sys.exit(1)


@alerts.command("daemon")
@click.option("--at", "at", default=None, help="Time of day (Asia/Shanghai), default 08:00.")
@click.pass_context
def alerts_daemon(ctx: click.Context, at: str | None) -> None:
    """Stay running: the schedule on a background-job worker (legalcase worker --beat):
    every day at AT the promises, the escalation ladder and the alert digest; a day missed
    while it was stopped runs when it starts again; one scheduler however many run."""
    import os

    from .worker import worker

    if at:
        os.environ["LEGALCASE_ALERTS_AT"] = at
    ctx.invoke(worker, concurrency=1, beat=True, loglevel="INFO")
