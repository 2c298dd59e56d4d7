"""Our creditor entities: legalcase creditor list | create | update."""

from __future__ import annotations

import click

from .common import unit_of_work
from .main import main

# option -> (schema field, help)
FIELDS = {
    "uscc": ("uscc", "统一社会信用代码"),
    "address": ("address", "住所地"),
    "legal-rep": ("legal_rep", "法定代表人"),
    "title": ("legal_rep_title", "法定代表人职务"),
    "phone": ("phone", "联系电话"),
    "email": ("email", "电子邮箱"),
    "bank": ("bank_name", "开户行"),
    "account-name": ("account_name", "账户名称"),
    "account-number": ("account_number", "账号"),
    "letter-code": ("letter_code", "函件代字，如 华东建机催"),
}


def _options(fn):
    for option, (field, help_text) in reversed(FIELDS.items()):
        fn = click.option(f"--{option}", field, default=None, help=help_text)(fn)
    return fn


def _data(values: dict) -> dict:
    return {field: values[field] for field, _ in FIELDS.values() if values[field] is not None}


@main.group()
def creditor() -> None:
    """Creditor entities (债权主体)."""


@creditor.command("list")
def creditor_list() -> None:
    """Each creditor: id, name, letter code, legal representative, account."""
    from legalcase.services.creditors import list_creditors
    from legalcase.services.documents.numbering import creditor_letter_code

    with unit_of_work() as uow:
        for c in list_creditors(uow.session):
            click.echo(
                f"{c.id}\t{c.name}\t{creditor_letter_code(c)}\t{c.legal_rep or ''}\t"
                f"{c.bank_name or ''} {c.account_number or c.bank_account or ''}".rstrip()
            )


@creditor.command("create")
@click.argument("name")
@_options
def creditor_create(name: str, **values: str | None) -> None:
    """Create the creditor NAME."""
    from legalcase.schemas import CreditorSchema, parse
    from legalcase.services.creditors import create_creditor

    with unit_of_work() as uow:
        data = parse(CreditorSchema(), {"name": name, **_data(values)})
        c = create_creditor(uow.session, None, data)
        click.echo(f"已创建债权主体 {c.id} {c.name}")


@creditor.command("update")
@click.argument("ref")
@click.option("--name", "new_name", default=None, help="新名称")
@_options
def creditor_update(ref: str, new_name: str | None, **values: str | None) -> None:
    """Change the creditor REF (its id or exact name); only the options given change."""
    from sqlalchemy import select

    from legalcase.domain.errors import NotFound
    from legalcase.models import Creditor
    from legalcase.schemas import CreditorSchema, parse
    from legalcase.services.creditors import update_creditor

    with unit_of_work() as uow:
        s = uow.session
        c = s.get(Creditor, int(ref)) if ref.isdigit() else None
        c = c or s.scalar(select(Creditor).where(Creditor.name == ref))
        if c is None:
            raise NotFound("债权主体")
        raw = _data(values) | ({"name": new_name} if new_name else {})
        update_creditor(s, None, c, parse(CreditorSchema(), raw, partial=True))
        click.echo(f"已更新债权主体 {c.id} {c.name}")
