"""No hidden missed deadline (issue 12 point 7); the receivables a ledger entry names (point 1)

Revision ID: b1c2d3e4f505
Revises: b1c2d3e4f504
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "b1c2d3e4f505"
down_revision: str | None = "b1c2d3e4f504"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The receivables a demand or signed statement names (RULES s.2); none named: all.
    op.create_table(
        "ledger_entry_receivables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entry_receivables_ledger_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["receivable_id"],
            ["receivables.id"],
            name=op.f("fk_ledger_entry_receivables_receivable_id_receivables"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry_receivables")),
        sa.UniqueConstraint(
            "ledger_entry_id",
            "receivable_id",
            name=op.f("uq_ledger_entry_receivables_ledger_entry_id_receivable_id"),
        ),
    )
    with op.batch_alter_table("ledger_entry_receivables") as batch:
        batch.create_index(
            batch.f("ix_ledger_entry_receivables_ledger_entry_id"), ["ledger_entry_id"]
        )
        batch.create_index(batch.f("ix_ledger_entry_receivables_receivable_id"), ["receivable_id"])


def downgrade() -> None:
    op.drop_table("ledger_entry_receivables")
