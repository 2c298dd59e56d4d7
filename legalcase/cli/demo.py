"""The demo portfolio and the server: legalcase demo | serve."""

from __future__ import annotations

import sys

import click

from .common import DEMO_PASSWORD, has_data, make_app, unit_of_work
from .main import main


@main.command()
@click.option("--force", is_flag=True, help="Load even when the database already has cases.")
def demo(force: bool) -> None:
    """Load the demo portfolio (only into an empty database unless --force)."""
    from legalcase.demo.load import load_demo
    from legalcase.migrate import upgrade

    app = make_app()
    upgrade(app.config["DATABASE_URL"])
    with unit_of_work(app) as uow:
        if not force and has_data(uow.session):
            click.echo("数据库已有数据，未加载演示数据（用 --force 强制加载）")
            return
        n = load_demo(
            uow.session, DEMO_PASSWORD, storage=uow.storage, tmp_dir=app.config["UPLOAD_TMP"]
        )
        click.echo(
            f"已加载演示数据：{n} 个案件。演示账号 admin / legal / zhangwei / viewer，密码 {DEMO_PASSWORD}"
        )


def production_problem(config: dict) -> str | None:
    """Why this configuration may not be served, or None (``config.server_problem``)."""
    from legalcase.config import server_problem

    return server_problem(config)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Load the demo portfolio (known passwords!) if the database has no users yet.",
)
@click.option(
    "--jobs/--no-jobs",
    default=True,
    show_default=True,
    help="Also run a background-job worker with the schedule (--no-jobs when workers run "
    "elsewhere: legalcase worker).",
)
def serve(host: str, port: int, workers: int, with_demo: bool, jobs: bool) -> None:
    """Serve with gunicorn. The embedded default (SQLite in instance/) migrates itself; a
    production database must be migrated first by `legalcase db upgrade`, and
    LEGALCASE_SECRET_KEY must be set. The demo portfolio only with --demo (and only into
    an empty database)."""
    from gunicorn.app.base import BaseApplication

    from legalcase.demo.load import load_demo

    from .database import schema_for_serve

    app = make_app()
    problem = production_problem(app.config) or schema_for_serve(app.config)
    if problem:
        click.echo(f"错误：{problem}", err=True)
        sys.exit(2)
    with unit_of_work(app) as uow:
        empty = not has_data(uow.session)
        if empty and with_demo:
            click.echo("数据库为空，正在加载演示数据……")
            load_demo(
                uow.session, DEMO_PASSWORD, storage=uow.storage, tmp_dir=app.config["UPLOAD_TMP"]
            )
            login = f"演示登录：用户名 admin（或 legal / zhangwei / viewer），密码 {DEMO_PASSWORD}"
        elif empty:
            login = "数据库中还没有用户：先用 legalcase user create NAME --role admin 创建管理员"
        else:
            login = "使用已有账号登录（新建账号：legalcase user create NAME --role admin）"
    if not app.config.get("REDIS_URL") and workers > 1:
        click.echo("提示：未设置 LEGALCASE_REDIS_URL，登录限流按每个工作进程分别计数", err=True)
    database_engine = app.extensions["legalcase_db"]["engine"]
    database_engine.dispose()

    class _Server(BaseApplication):
        def load_config(self):
            from legalcase.gunicorn_conf import settings

            for name, value in settings(app.config["DATABASE_URL"]).items():
                self.cfg.set(name, value)
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)

        def load(self):
            return app

    click.echo(f"legalcase 已启动：http://{host}:{port}/")
    click.echo(login)
    from legalcase.jobs.app import warm

    from .worker import start_embedded_worker, stop_embedded_worker

    warm(app)  # the job queue's client, before the server forks: no request pays for it
    job_worker = start_embedded_worker() if jobs else None
    try:
        _Server().run()
    finally:
        stop_embedded_worker(job_worker)
        from docgen.warm import shutdown

        shutdown()  # a LibreOffice this process started (its own process group) goes too
