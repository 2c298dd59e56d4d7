"""Propensity score, worklist, segments, targets (issue 18)

Revision ID: b1c2d3e4f518
Revises: b1c2d3e4f517
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f518"
down_revision: str | None = "b1c2d3e4f517"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "propensity_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trained_at", TS, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("snapshots", sa.Integer(), nullable=False),
        sa.Column("positives", sa.Integer(), nullable=False),
        sa.Column("holdout_from", sa.Date(), nullable=True),
        sa.Column("holdout_snapshots", sa.Integer(), nullable=False),
        sa.Column("auc", sa.String(length=32), nullable=True),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("calibration", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_propensity_models"),
        sa.UniqueConstraint("version", name="uq_propensity_models_version"),
    )
    op.create_table(
        "risk_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("min_score", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=True),
        sa.Column("min_owed", sa.BigInteger(), nullable=True),
        sa.Column("max_owed", sa.BigInteger(), nullable=True),
        sa.Column("ladder_days", sa.String(length=100), nullable=False),
        sa.Column("channels", sa.String(length=100), nullable=False),
        sa.Column("letter_template", sa.String(length=64), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditors.id"], name="fk_risk_segments_creditor_id_creditors"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_segments"),
        sa.UniqueConstraint("position", name="uq_risk_segments_position"),
    )
    op.create_table(
        "collector_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("commitments", sa.Integer(), nullable=False),
        sa.Column("recovered", sa.BigInteger(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_collector_targets_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_collector_targets"),
        sa.UniqueConstraint("user_id", "month", name="uq_collector_targets_user_id_month"),
    )
    with op.batch_alter_table("collector_targets") as batch:
        batch.create_index("ix_collector_targets_user_id", ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("collector_targets") as batch:
        batch.drop_index("ix_collector_targets_user_id")
    op.drop_table("collector_targets")
    op.drop_table("risk_segments")
    op.drop_table("propensity_models")
