"""Allocation (分案): rules, the allocation log, collectors' capacity (issue 14 point 2)

Revision ID: b1c2d3e4f509
Revises: b1c2d3e4f508
Create Date: 2026-11-25 13:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f509"
down_revision: str | None = "b1c2d3e4f508"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("priority", sa.Integer(), server_default="100", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=True),
        sa.Column("tiers", sa.String(length=100), nullable=True),
        sa.Column("min_amount", sa.BigInteger(), nullable=True),
        sa.Column("max_amount", sa.BigInteger(), nullable=True),
        sa.Column("regions", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditors.id"], name="fk_allocation_rules_creditor_id_creditors"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_allocation_rules"),
    )
    op.create_table(
        "allocation_rule_members",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["allocation_rules.id"],
            name="fk_allocation_rule_members_rule_id_allocation_rules",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_allocation_rule_members_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "user_id", name="pk_allocation_rule_members"),
    )
    op.create_table(
        "collector_capacities",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("max_open_cases", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_collector_capacities_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_collector_capacities"),
    )
    op.create_table(
        "allocation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(length=100), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("rule_name", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_allocation_log_case_id_cases"),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["users.id"], name="fk_allocation_log_from_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"], ["users.id"], name="fk_allocation_log_to_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name="fk_allocation_log_by_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["allocation_rules.id"], name="fk_allocation_log_rule_id_allocation_rules"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_allocation_log"),
    )
    op.create_index("ix_allocation_log_case_id", "allocation_log", ["case_id"])
    op.create_index("ix_allocation_log_to_user_id", "allocation_log", ["to_user_id"])
    op.create_index("ix_allocation_log_at", "allocation_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_allocation_log_at", table_name="allocation_log")
    op.drop_index("ix_allocation_log_to_user_id", table_name="allocation_log")
    op.drop_index("ix_allocation_log_case_id", table_name="allocation_log")
    op.drop_table("allocation_log")
    op.drop_table("collector_capacities")
    op.drop_table("allocation_rule_members")
    op.drop_table("allocation_rules")
