"""Evidence: legalcase evidence verify."""

from __future__ import annotations

import sys

import click

from .common import unit_of_work
from .main import main


@main.group()
def evidence() -> None:
    """Evidence."""


@evidence.command("verify")
@click.option("--case", "case_id", type=int, default=None, help="Only this case.")
def evidence_verify(case_id: int | None) -> None:
    """Re-read every stored object, re-hash it, report mismatches and missing objects (exit 1)."""
    from legalcase.services.evidence import verify

    with unit_of_work() as uow:
        result = verify(uow.session, uow.storage, case_id)
        for item, problem in result.problems:
            click.echo(f"案件 {item.case_id} 证据 {item.id}「{item.title}」：{problem}")
        click.echo(f"已校验 {result.checked} 项，问题 {len(result.problems)} 项")
    if result.problems:
        sys.exit(1)
