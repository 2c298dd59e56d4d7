"""Allocation (分案): legalcase allocate."""

from __future__ import annotations

import click

from .common import unit_of_work
from .main import main


@main.command("allocate")
@click.option("--dry-run", is_flag=True, help="只显示将如何分配，不保存")
def allocate(dry_run: bool) -> None:
    """Give the cases waiting for a collector to collectors by the active rules, now."""
    from legalcase.services.allocation import run_rules
    from legalcase.services.clock import today

    with unit_of_work() as uow:
        result = run_rules(uow.session, None, today())
        for entry in result.given:
            case = entry.case
            click.echo(
                f"#{case.id}\t{case.title}\t→ {entry.to_user.display_name}\t（规则：{entry.rule_name}）"
            )
        for case, why in result.left:
            click.echo(f"#{case.id}\t{case.title}\t未分配：{why}")
        verb = "将分配" if dry_run else "已分配"
        click.echo(f"{verb} {len(result.given)} 件，未能分配 {len(result.left)} 件")
        if dry_run:
            uow.rollback()
