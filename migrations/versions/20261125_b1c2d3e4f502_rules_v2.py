"""RULES.md v2: new court event kinds, LPR table checked_through (issue 12 points 1 and 4)

Revision ID: b1c2d3e4f502
Revises: b1c2d3e4f501
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f502"
down_revision: str | None = "b1c2d3e4f501"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # How far the LPR table was checked (RULES.md s.6 lpr_table_stale); append-only.
    op.create_table(
        "lpr_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_through", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lpr_checks")),
    )


def downgrade() -> None:
    op.drop_table("lpr_checks")
