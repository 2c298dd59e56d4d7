"""The `legalcase` console script: a module per command group, all on one ``main`` group."""

from __future__ import annotations

from . import calculators, check, creditors, daily, database, demo, evidence, users  # noqa: F401
from .main import main

__all__ = ["main"]
