"""Documents v2: issuers' number series, creditor and natural-person fields, the court on a case (issue 13 point 1)

Revision ID: b1c2d3e4f506
Revises: b1c2d3e4f505
Create Date: 2026-11-25 13:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f506"
down_revision: str | None = "b1c2d3e4f505"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CREDITOR_COLUMNS = (
    ("legal_rep", 100),
    ("legal_rep_title", 50),
    ("phone", 40),
    ("email", 200),
    ("bank_name", 100),
    ("account_name", 200),
    ("account_number", 64),
    ("letter_code", 32),
)
PARTY_COLUMNS = (
    ("legal_rep_title", 50),
    ("phone", 40),
    ("sex", 8),
    ("ethnicity", 8),
    ("id_type", 24),
)


def upgrade() -> None:
    # one number series per issuer: the firm (existing counters) or a creditor
    with op.batch_alter_table("letter_counters") as batch:
        batch.add_column(
            sa.Column("issuer", sa.String(length=40), server_default="firm", nullable=False)
        )
        batch.drop_constraint("uq_letter_counters_firm_code_year", type_="unique")
        batch.create_unique_constraint(
            batch.f("uq_letter_counters_issuer_year"), ["issuer", "year"]
        )
    # court filings carry no letter number
    with op.batch_alter_table("generated_documents") as batch:
        batch.alter_column("letter_number", existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table("creditors") as batch:
        for name, length in CREDITOR_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table("parties") as batch:
        for name, length in PARTY_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        batch.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("court", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("court")
    with op.batch_alter_table("parties") as batch:
        batch.drop_column("birth_date")
        for name, _ in reversed(PARTY_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("creditors") as batch:
        for name, _ in reversed(CREDITOR_COLUMNS):
            batch.drop_column(name)
    op.execute(
        "UPDATE generated_documents SET letter_number = 'none-' || id WHERE letter_number IS NULL"
    )
    with op.batch_alter_table("generated_documents") as batch:
        batch.alter_column("letter_number", existing_type=sa.String(length=64), nullable=False)
    # creditors' series leave; the firm's stays
    op.execute("DELETE FROM letter_counters WHERE issuer <> 'firm'")
    with op.batch_alter_table("letter_counters") as batch:
        batch.drop_constraint("uq_letter_counters_issuer_year", type_="unique")
        batch.create_unique_constraint(
            batch.f("uq_letter_counters_firm_code_year"), ["firm_code", "year"]
        )
        batch.drop_column("issuer")
