"""Online statement confirmation and disputes (issue 16 points 2-3)

Revision ID: b1c2d3e4f515
Revises: b1c2d3e4f514
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f515"
down_revision: str | None = "b1c2d3e4f514"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    t = "confirmations"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("emailed_to", sa.String(length=200), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("signer_name", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=400), nullable=True),
        sa.Column("page_sha256", sa.String(length=64), nullable=True),
        sa.Column("amount_owed", sa.BigInteger(), nullable=True),
        sa.Column("receivable_ids", sa.JSON(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        _fk(t, "case_id", "cases"),
        _fk(t, "contact_id", "contacts"),
        _fk(t, "created_by_id", "users"),
        _fk(t, "evidence_id", "evidence_items"),
        _fk(t, "ledger_entry_id", "ledger_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_confirmations_token_hash")),
    )
    with op.batch_alter_table(t) as batch_op:
        batch_op.create_index(batch_op.f("ix_confirmations_case_id"), ["case_id"], unique=False)

    t = "disputes"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmation_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("credit_amount", sa.BigInteger(), nullable=True),
        _fk(t, "case_id", "cases"),
        _fk(t, "receivable_id", "receivables"),
        _fk(t, "opened_by_id", "users"),
        _fk(t, "confirmation_id", "confirmations"),
        _fk(t, "resolved_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    with op.batch_alter_table(t) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disputes_case_id_status"), ["case_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disputes_receivable_id"), ["receivable_id"], unique=False
        )

    t = "dispute_evidence"
    op.create_table(
        t,
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        _fk(t, "dispute_id", "disputes"),
        _fk(t, "evidence_id", "evidence_items"),
        sa.PrimaryKeyConstraint("dispute_id", "evidence_id", name=op.f("pk_dispute_evidence")),
    )


def downgrade() -> None:
    op.drop_table("dispute_evidence")
    with op.batch_alter_table("disputes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputes_receivable_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_case_id_status"))
    op.drop_table("disputes")
    with op.batch_alter_table("confirmations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_confirmations_case_id"))
    op.drop_table("confirmations")
