"""Creditor scoping: users limited to some creditor entities (issue 11 point 11)

Revision ID: b1c2d3e4f501
Revises: 7c1e5a9d3b20
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f501"
down_revision: str | None = "7c1e5a9d3b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_creditors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["creditor_id"], ["creditors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "creditor_id"),
    )


def downgrade() -> None:
    op.drop_table("user_creditors")
