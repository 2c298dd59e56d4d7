"""Calculators and the LPR table: legalcase deadlines | interest | lpr."""

from __future__ import annotations

import click

from legalcase.domain.errors import DomainError

from .common import fail, make_app, print_json, read_json, unit_of_work
from .main import main


@main.command("deadlines")
@click.argument("path", metavar="FILE")
def deadlines_cmd(path: str) -> None:
    """Compute deadlines for one claim (RULES.md section 7 format); FILE or - for stdin."""
    from legalcase.domain.calendar import china_calendar
    from legalcase.domain.deadline_io import output_json, parse_deadline_input
    from legalcase.domain.deadlines import compute

    try:
        claim, as_of = parse_deadline_input(read_json(path))
    except DomainError as exc:
        fail(exc)
    print_json(output_json(compute(claim, as_of, china_calendar())))


@main.command("interest")
@click.argument("path", metavar="FILE")
def interest_cmd(path: str) -> None:
    """Compute a claim amount as of a date (RULES.md section 8 format); FILE or - for stdin."""
    from legalcase.db import db as database
    from legalcase.domain.interest import compute_interest
    from legalcase.domain.interest_io import parse_interest_input
    from legalcase.services.lpr import lpr_table

    data = read_json(path)
    app = make_app()
    with app.app_context():
        try:
            result = compute_interest(parse_interest_input(data), lpr_table(database.session))
        except DomainError as exc:
            fail(exc)
    print_json(result.to_json())


@main.group()
def lpr() -> None:
    """The one-year LPR table."""


@lpr.command("import")
@click.argument("path", metavar="FILE")
@click.option(
    "--checked-through",
    "checked",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day up to which the table is now checked against the published rates "
    "(default: the file's '# checked_through: YYYY-MM-DD' line, else its latest date).",
)
def lpr_import(path: str, checked) -> None:
    """Add or correct LPR values from a CSV with effective_date,one_year_percent."""
    from legalcase.migrate import upgrade
    from legalcase.services.lpr_update import update_lpr

    try:
        text = open(path, encoding="utf-8").read()
    except OSError as exc:
        fail(DomainError("bad_file", f"无法读取 {path}：{exc.strerror}"))
    app = make_app()
    upgrade(app.config["DATABASE_URL"])
    with unit_of_work(app) as uow:
        try:
            done = update_lpr(
                uow.session, text, checked.date() if checked else None, source=f"import {path}"
            )
        except DomainError as exc:
            fail(exc)
    click.echo(f"LPR：新增 {done.added} 条，更正 {done.changed} 条")
    if done.checked_through is not None:
        click.echo(f"LPR表核对至 {done.checked_through}")


@lpr.command("list")
def lpr_list() -> None:
    """Show the LPR table in force and the day it is checked through."""
    from legalcase.db import db as database
    from legalcase.services.lpr import lpr_table

    app = make_app()
    with app.app_context():
        table = lpr_table(database.session)
    for day, rate in zip(table.dates, table.rates, strict=True):
        click.echo(f"{day}  {rate}%")
    click.echo(f"核对至 {table.checked_through or '未知'}")
