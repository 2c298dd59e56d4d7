"""Deadlines, court events, the LPR table; legal effect of ledger entries

Revision ID: 5ad551c509b9
Revises: 5956f4bceda1
Create Date: 2026-11-23 23:41:24.198068+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ad551c509b9"
down_revision: str | None = "5956f4bceda1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "lpr_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("one_year_percent", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lpr_rates")),
        sa.UniqueConstraint("effective_date", name=op.f("uq_lpr_rates_effective_date")),
    )
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=40), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("unadjusted_date", sa.Date(), nullable=True),
        sa.Column("is_provisional", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("is_defence_waived", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_handled", sa.Boolean(), nullable=False),
        sa.Column("handled_note", sa.Text(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_deadlines_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_case_deadlines_handled_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadlines")),
        sa.UniqueConstraint(
            "case_id", "kind", "source_key", name=op.f("uq_case_deadlines_case_id_kind_source_key")
        ),
    )
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_deadlines_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_case_deadlines_due_date_is_active", ["due_date", "is_active"], unique=False
        )

    op.create_table(
        "court_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("served_date", sa.Date(), nullable=True),
        sa.Column("performance_due", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("is_foreign_party", sa.Boolean(), nullable=False),
        sa.Column("is_pre_suit", sa.Boolean(), nullable=False),
        sa.Column("asset_kind", sa.String(length=16), nullable=True),
        sa.Column("expires_date", sa.Date(), nullable=True),
        sa.Column("court_name", sa.String(length=200), nullable=True),
        sa.Column("document_number", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_court_events_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_court_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_events")),
    )
    with op.batch_alter_table("court_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_court_events_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_deadline_date", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_cases_next_deadline_date"), ["next_deadline_date"], unique=False
        )

    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        # existing entries had no legal effect recorded and were addressed to the debtor
        batch_op.add_column(
            sa.Column("legal_effect", sa.String(length=16), nullable=False, server_default="none")
        )
        batch_op.add_column(
            sa.Column("addressee", sa.String(length=16), nullable=False, server_default="debtor")
        )
        batch_op.add_column(sa.Column("arrival_date", sa.Date(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_column("arrival_date")
        batch_op.drop_column("addressee")
        batch_op.drop_column("legal_effect")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_next_deadline_date"))
        batch_op.drop_column("next_deadline_date")

    with op.batch_alter_table("court_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_court_events_case_id"))

    op.drop_table("court_events")
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_case_deadlines_due_date_is_active")
        batch_op.drop_index(batch_op.f("ix_case_deadlines_case_id"))

    op.drop_table("case_deadlines")
    op.drop_table("lpr_rates")
