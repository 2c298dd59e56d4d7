"""Settings screens: firm profile, ladder rungs; ledger follow-up (issue 14 points 5, 7)

Revision ID: b1c2d3e4f510
Revises: b1c2d3e4f509
Create Date: 2026-11-25 13:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f510"
down_revision: str | None = "b1c2d3e4f509"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firm_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("lawyers", sa.String(length=200), nullable=True),
        sa.Column("seal_key", sa.String(length=200), nullable=True),
        sa.Column("seal_sha256", sa.String(length=64), nullable=True),
        sa.Column("seal_content_type", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_profiles")),
    )
    op.create_table(
        "ladder_rungs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(length=16), nullable=False),
        sa.Column("due_in_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ladder_rungs")),
        sa.UniqueConstraint("position", name=op.f("uq_ladder_rungs_position")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_follow_up", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_column("next_follow_up")
    op.drop_table("ladder_rungs")
    op.drop_table("firm_profiles")
