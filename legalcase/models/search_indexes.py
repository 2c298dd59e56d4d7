"""Trigram indexes for text search on PostgreSQL (issue 15 point 7; migration b1c2d3e4f513).

Text search matches ``LIKE '%term%'`` in names, titles and numbers (the portfolio's 搜索,
services/search.py). On PostgreSQL a GIN index of trigrams (pg_trgm) over ``column::text``
answers such a LIKE without reading every row; the planner uses it for the plain
``column LIKE ...`` the services write (a varchar compared as text). SQLite has no such index:
``ddl_if`` keeps them PostgreSQL-only, and the migration creates them only there.
"""

from __future__ import annotations

from sqlalchemy import Index, Text, cast

from .cases import Case, Contract
from .parties import Contact, Party
from .receivables import Receivable

TRIGRAM_COLUMNS = (
    (Case, "title"),
    (Case, "case_number"),
    (Party, "name"),
    (Receivable, "invoice_no"),
    (Contract, "number"),
    (Contact, "email"),
)


def _trigram_index(model, column: str) -> Index:
    table = model.__table__
    label = f"{column}_text"
    return Index(
        f"ix_{table.name}_{column}_trgm",
        cast(table.c[column], Text).label(label),
        postgresql_using="gin",
        postgresql_ops={label: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


TRIGRAM_INDEXES = [_trigram_index(model, column) for model, column in TRIGRAM_COLUMNS]
