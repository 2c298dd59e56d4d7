"""Field visits, asset register, filing packages (issue 17 points 4-6)

Revision ID: b1c2d3e4f517
Revises: b1c2d3e4f516
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f517"
down_revision: str | None = "b1c2d3e4f516"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for c in columns:
            batch.create_index(f"ix_{table}_{c}", [c])


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("identifier", sa.String(length=120), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("estimated_value", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("found_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_stamps(),
        _fk("assets", "case_id", "cases"),
        _fk("assets", "party_id", "parties"),
        _fk("assets", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_assets"),
    )
    _indexes("assets", "case_id", "party_id")
    op.create_table(
        "asset_freezes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("court_event_id", sa.Integer(), nullable=False),
        sa.Column("frozen_amount", sa.BigInteger(), nullable=True),
        *_stamps(),
        _fk("asset_freezes", "case_id", "cases"),
        _fk("asset_freezes", "asset_id", "assets"),
        _fk("asset_freezes", "court_event_id", "court_events"),
        sa.PrimaryKeyConstraint("id", name="pk_asset_freezes"),
        sa.UniqueConstraint("court_event_id", name="uq_asset_freezes_court_event_id"),
    )
    _indexes("asset_freezes", "case_id", "asset_id")
    op.create_table(
        "enforcement_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("outcome_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("court_event_id", sa.Integer(), nullable=True),
        sa.Column("court_name", sa.String(length=200), nullable=True),
        sa.Column("document_number", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_stamps(),
        _fk("enforcement_outcomes", "case_id", "cases"),
        _fk("enforcement_outcomes", "party_id", "parties"),
        _fk("enforcement_outcomes", "asset_id", "assets"),
        _fk("enforcement_outcomes", "payment_id", "payments"),
        _fk("enforcement_outcomes", "court_event_id", "court_events"),
        _fk("enforcement_outcomes", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_enforcement_outcomes"),
    )
    _indexes("enforcement_outcomes", "case_id", "party_id")
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("visited_at", TS, nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("met_person", sa.String(length=100), nullable=True),
        sa.Column("met_role", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("commitment_evidence_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_stamps(),
        _fk("visits", "case_id", "cases"),
        _fk("visits", "ledger_entry_id", "ledger_entries"),
        _fk("visits", "commitment_evidence_id", "evidence_items"),
        _fk("visits", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
    )
    _indexes("visits", "case_id")
    op.create_table(
        "visit_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _fk("visit_members", "case_id", "cases"),
        _fk("visit_members", "visit_id", "visits"),
        _fk("visit_members", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_visit_members"),
    )
    _indexes("visit_members", "case_id", "visit_id")
    op.create_table(
        "visit_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", TS, nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        _fk("visit_photos", "case_id", "cases"),
        _fk("visit_photos", "visit_id", "visits"),
        _fk("visit_photos", "evidence_id", "evidence_items"),
        sa.PrimaryKeyConstraint("id", name="pk_visit_photos"),
        sa.UniqueConstraint("evidence_id", name="uq_visit_photos_evidence_id"),
    )
    _indexes("visit_photos", "case_id", "visit_id")
    op.create_table(
        "filing_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        _fk("filing_packages", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_filing_packages"),
    )
    op.create_table(
        "filing_package_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("files", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _fk("filing_package_items", "package_id", "filing_packages"),
        _fk("filing_package_items", "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name="pk_filing_package_items"),
    )
    _indexes("filing_package_items", "package_id", "case_id")


def downgrade() -> None:
    for table in (
        "filing_package_items",
        "filing_packages",
        "visit_photos",
        "visit_members",
        "visits",
        "enforcement_outcomes",
        "asset_freezes",
        "assets",
    ):
        op.drop_table(table)
