"""The scheduled runs: the daily collection run (promises, escalation ladder, alert
digests), the nightly deadline refresh and the weekly removal of stray temporary files."""

from __future__ import annotations

from datetime import date

from legalcase.services.alerts import FileTransport, SmtpTransport, send_alerts
from legalcase.services.deadlines import refresh_all
from legalcase.services.ladder import run_ladder
from legalcase.services.promises import refresh_promises
from legalcase.services.settings import ladder_rungs

from . import job_kind


def alert_transport(cfg: dict) -> tuple[object, str]:
    """SMTP when LEGALCASE_SMTP_HOST is set, else .eml files in OUTBOX; and where to."""
    if cfg["SMTP_HOST"]:
        transport = SmtpTransport(
            cfg["SMTP_HOST"],
            cfg["SMTP_PORT"],
            cfg["SMTP_SECURITY"],
            cfg["SMTP_USER"] or None,
            cfg["SMTP_PASSWORD"] or None,
        )
        return transport, f"{cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}"
    return FileTransport(cfg["OUTBOX"]), f"文件夹 {cfg['OUTBOX']}（未配置 SMTP，邮件写入文件）"


@job_kind("daily.run", "每日催收（还款承诺、催收阶梯、提醒邮件）")
def daily_run(ctx) -> dict:
    """Three steps, each its own unit of work and item: a run again skips a finished one."""
    day = date.fromisoformat(ctx.params["day"])
    out: dict = {}
    steps = ("promises", "ladder", "alerts")
    for step in ctx.pending(steps):
        with ctx.item(step) as item:
            if step == "promises":
                item.result = {"promises": refresh_promises(item.session, today=day)}
            elif step == "ladder":
                rungs = ladder_rungs(item.session, ctx.config["LADDER_DAYS"])
                item.result = {"tasks": run_ladder(item.session, rungs=rungs, today=day)}
            else:
                transport, where = alert_transport(ctx.config)
                report = send_alerts(
                    item.session, transport, ctx.config["MAIL_FROM"], day, item.uow.commit
                )
                item.result = {"sent": report.sent, "items": report.items, "to": where}
                if report.error:  # the unsent digests go out with the next run
                    item.result["error"] = report.error
    for step in steps:
        out.update(ctx.items[step].result or {"problem": ctx.items[step].problem})
    return out


@job_kind("deadlines.refresh", "重新计算全部期限")
def deadlines_refresh(ctx) -> dict:
    with ctx.unit_of_work() as uow:
        day = date.fromisoformat(ctx.params["day"]) if ctx.params.get("day") else None

        def checkpoint() -> None:
            uow.commit()
            ctx.progress()  # a heartbeat between batches

        cases, changed = refresh_all(uow.session, today=day, checkpoint=checkpoint)
        uow.commit()
    return {"cases": cases, "changed": changed}


@job_kind("temp.cleanup", "清理临时文件")
def temp_cleanup(ctx) -> dict:
    from legalcase import remove_stray_temp_files

    from .app import prune_sql_queue

    return {
        "removed": remove_stray_temp_files(ctx.app),
        "queue_messages_removed": prune_sql_queue(ctx.config),
    }
