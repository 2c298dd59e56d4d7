"""legalcase check: stored balances, next deadlines and promise statuses against their sources."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import click

from legalcase.domain.errors import NotFound

from .common import fail, make_app, unit_of_work
from .main import main


def _value(field: str, value: object) -> str:
    from legalcase.domain.money import format_money
    from legalcase.services.promises import status_label

    if value is None:
        return "（空）"
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    if field == "status":
        return status_label(str(value))
    return str(value)


def _report(session, found, verb: str) -> None:
    from legalcase.services.check import case_titles

    titles = case_titles(session, [d.case_id for d in found])
    for d in found:
        click.echo(
            f"案件 {d.case_id}「{titles.get(d.case_id, '')}」：{d.what}{verb}"
            f"{_value(d.field, d.stored)}，应为 {_value(d.field, d.expected)}"
        )


@main.command("check")
@click.option(
    "--fix", is_flag=True, help="Store the expected figures (audited), in one transaction."
)
@click.option("--case", "case_id", type=int, default=None, help="Only this case.")
def check_cmd(fix: bool, case_id: int | None) -> None:
    """Reconcile stored balances, next deadlines and promise statuses with their sources.

    Prints each difference with its case; exits 1 if there is any. With --fix, corrects them
    all under the cases' locks (each change in the audit log) and exits 0.
    """
    from sqlalchemy import func, select

    from legalcase.db import db as database
    from legalcase.models import Case
    from legalcase.services import check

    app = make_app()
    ids = None if case_id is None else [case_id]
    if fix:
        with unit_of_work(app) as uow:
            if case_id is not None and uow.session.get(Case, case_id) is None:
                fail(NotFound(f"案件 {case_id} "))
            fixed = check.fix(uow.session, ids)
            _report(uow.session, fixed, " 原为 ")
        cases = len({d.case_id for d in fixed})
        click.echo(f"已修正 {len(fixed)} 处差异（{cases} 个案件），每处修改已记入审计日志")
        return
    with app.app_context(), database.unit_of_work() as uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":  # one snapshot for every query
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        if case_id is not None and session.get(Case, case_id) is None:
            fail(NotFound(f"案件 {case_id} "))
        found = check.differences(session, ids)
        _report(session, found, " 记录为 ")
        total = 1 if ids else session.scalar(select(func.count()).select_from(Case))
    if found:
        cases = len({d.case_id for d in found})
        click.echo(
            f"发现 {len(found)} 处差异（{cases} 个案件）；运行 legalcase check --fix 修正", err=True
        )
        sys.exit(1)
    click.echo(f"已核对 {total} 个案件，未发现差异")
