"""What every command shares: the app, one unit of work per command, errors as exit 2."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError

DEMO_PASSWORD = "demo-pass-2026"


def make_app():
    from legalcase import create_app

    return create_app()


@contextmanager
def unit_of_work(app=None) -> Iterator:
    """One command, one unit of work: committed when the block ends without an error; a
    DomainError is printed and exits 2 with nothing written."""
    from legalcase.db import db as database

    app = app or make_app()
    with app.app_context():
        uow = database.uow
        try:
            yield uow
        except DomainError as exc:
            fail(exc)
        uow.commit()


def fail(exc: DomainError) -> None:
    click.echo(f"错误：{exc.message}", err=True)
    for field, msg in exc.fields.items():
        click.echo(f"  {field}: {msg}", err=True)
    sys.exit(2)


def has_data(session) -> bool:
    from legalcase.models import User

    return bool(session.scalar(select(func.count()).select_from(User)))


def read_json(path: str) -> object:
    import json

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        fail(DomainError("bad_file", f"无法读取 {path}：{exc.strerror}"))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(
            DomainError(
                "bad_json", f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}"
            )
        )


def print_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
