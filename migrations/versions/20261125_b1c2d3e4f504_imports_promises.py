"""Honest imports (paid before import) and partly kept promises (issue 12 points 5 and 6)

Revision ID: b1c2d3e4f504
Revises: b1c2d3e4f503
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f504"
down_revision: str | None = "b1c2d3e4f503"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A paid amount an ERP ledger gave without a payment date (in fen, like every amount).
    # Promises need no change: "partial" (partly kept) fits the status column.
    with op.batch_alter_table("receivables") as batch:
        batch.add_column(
            sa.Column("paid_before_import", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("receivables") as batch:
        batch.drop_column("paid_before_import")
