"""The `legalcase` command group; each command group lives in a module of its own."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """legalcase: legal-case and evidence management for debt collection."""
