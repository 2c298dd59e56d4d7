"""The `legalcase` console script: a module per command group, all on one ``main`` group."""

from __future__ import annotations

from . import (  # noqa: F401
    allocation,
    calculators,
    check,
    creditors,
    daily,
    database,
    demo,
    evidence,
    model,
    users,
    worker,
)
from .main import main

__all__ = ["main"]
