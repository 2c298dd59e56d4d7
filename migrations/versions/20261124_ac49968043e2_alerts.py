"""Alert deliveries and users alert preferences

Revision ID: ac49968043e2
Revises: a6bbc7330505
Create Date: 2026-11-24 00:58:49.903108+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ac49968043e2"
down_revision: str | None = "a6bbc7330505"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alert_deliveries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "user_id", "alert_key", name=op.f("uq_alert_deliveries_user_id_alert_key")
        ),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "alert_thresholds",
                sa.String(length=64),
                server_default="90,30,7,1,overdue",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("is_alerts_enabled", sa.Boolean(), server_default="1", nullable=False)
        )


def downgrade() -> None:

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("is_alerts_enabled")
        batch_op.drop_column("alert_thresholds")

    op.drop_table("alert_deliveries")
