"""The `legalcase` command group; each command group lives in a module of its own."""

from __future__ import annotations

import getpass
import os

import click


def operator_name() -> str:
    """Who runs the command: LEGALCASE_OPERATOR, else the OS user."""
    name = os.environ.get("LEGALCASE_OPERATOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. in a container)
        return f"uid {os.getuid()}"


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """legalcase: legal-case and evidence management for debt collection."""
    from legalcase.services.audit import operating_as

    # every change a command makes is audited with its operator (AuditEntry.operator)
    ctx.with_resource(operating_as(operator_name()))
