"""The demo portfolio and the server: legalcase demo | serve."""

from __future__ import annotations

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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Migrate, load the demo portfolio into an empty database, and serve with gunicorn."""
    from gunicorn.app.base import BaseApplication

    from legalcase.demo.load import load_demo
    from legalcase.migrate import upgrade

    app = make_app()
    upgrade(app.config["DATABASE_URL"])
    with unit_of_work(app) as uow:
        if not has_data(uow.session):
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
