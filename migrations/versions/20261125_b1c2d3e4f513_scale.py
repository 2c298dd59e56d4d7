"""Scaling: search indexes, shared state (issue 15 points 5, 7)

Text search (the portfolio's 搜索 and the one search box, services/search.py) matches
``LIKE '%term%'`` anywhere in names, titles and numbers: on PostgreSQL a trigram GIN index
(pg_trgm) answers that without reading every row. SQLite is unchanged (no such index type).
The extension is trusted (PostgreSQL 13+): the database's owner may create it.

Revision ID: b1c2d3e4f513
Revises: b1c2d3e4f512
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b1c2d3e4f513"
down_revision: str | None = "b1c2d3e4f512"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column) searched with LIKE '%term%'
TRIGRAM_INDEXES = (
    ("ix_cases_title_trgm", "cases", "title"),
    ("ix_cases_case_number_trgm", "cases", "case_number"),
    ("ix_parties_name_trgm", "parties", "name"),
    ("ix_receivables_invoice_no_trgm", "receivables", "invoice_no"),
    ("ix_contracts_number_trgm", "contracts", "number"),
    ("ix_contacts_email_trgm", "contacts", "email"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        # over column::text, as legalcase.models.search_indexes declares them
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({column}::text) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # the extension stays: other objects of the database may use it
