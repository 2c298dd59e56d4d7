"""RFC 3161 timestamps on stored objects (issue 16 point 1)

Revision ID: b1c2d3e4f514
Revises: b1c2d3e4f513
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f514"
down_revision: str | None = "b1c2d3e4f513"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "timestamps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("object_kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("gen_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("serial_number", sa.String(length=64), nullable=True),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("authority_url", sa.String(length=500), nullable=True),
        sa.Column("is_internal", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_timestamps_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timestamps")),
        sa.UniqueConstraint(
            "object_kind", "object_id", name=op.f("uq_timestamps_object_kind_object_id")
        ),
    )
    op.create_index("ix_timestamps_status", "timestamps", ["status"])
    op.create_index(op.f("ix_timestamps_case_id"), "timestamps", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_timestamps_case_id"), table_name="timestamps")
    op.drop_index("ix_timestamps_status", table_name="timestamps")
    op.drop_table("timestamps")
