"""Repayment plans, waivers, mediation (issue 17 points 1-3)

Revision ID: b1c2d3e4f516
Revises: b1c2d3e4f515
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f516"
down_revision: str | None = "b1c2d3e4f515"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch_op:
        for c in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{c}"), [c], unique=False)


def upgrade() -> None:
    t = "repayment_plans"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("agreed_date", sa.Date(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("remind_days", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        *_stamps(),
        _fk(t, "case_id", "cases"),
        _fk(t, "user_id", "users"),
        _fk(t, "ledger_entry_id", "ledger_entries"),
        _fk(t, "cancelled_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repayment_plans")),
    )
    _index(t, "case_id")

    t = "plan_instalments"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        _fk(t, "plan_id", "repayment_plans"),
        _fk(t, "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_instalments")),
        sa.UniqueConstraint("plan_id", "seq", name=op.f("uq_plan_instalments_plan_id_seq")),
    )
    _index(t, "case_id", "plan_id")

    t = "waivers"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("base_amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        *_stamps(),
        _fk(t, "case_id", "cases"),
        _fk(t, "proposed_by_id", "users"),
        _fk(t, "decided_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waivers")),
    )
    _index(t, "case_id")

    op.create_table(
        "waiver_limits",
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("max_share", sa.String(length=32), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_waiver_limits")),
    )

    t = "mediations"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("mediator", sa.String(length=100), nullable=True),
        sa.Column("started_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("ended_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("court_event_id", sa.Integer(), nullable=True),
        *_stamps(),
        _fk(t, "case_id", "cases"),
        _fk(t, "court_event_id", "court_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediations")),
    )
    _index(t, "case_id")

    t = "mediation_sessions"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("held_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _fk(t, "mediation_id", "mediations"),
        _fk(t, "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_sessions")),
    )
    _index(t, "case_id", "mediation_id")


def downgrade() -> None:
    for t in (
        "mediation_sessions",
        "mediations",
        "waiver_limits",
        "waivers",
        "plan_instalments",
        "repayment_plans",
    ):
        op.drop_table(t)
