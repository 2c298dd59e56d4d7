"""Documents v2: evidence list fields (source, purpose, original or copy, recording duration and transcript) (issue 13 point 6)

Revision ID: b1c2d3e4f507
Revises: b1c2d3e4f506
Create Date: 2026-11-25 13:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f507"
down_revision: str | None = "b1c2d3e4f506"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 原件/复印件 becomes a value list (OriginalOrCopy) instead of a yes/no flag
    with op.batch_alter_table("evidence_items") as batch:
        batch.add_column(
            sa.Column(
                "original_or_copy", sa.String(length=16), nullable=False, server_default="copy"
            )
        )
        batch.add_column(sa.Column("transcript", sa.Text(), nullable=True))
        batch.add_column(sa.Column("duration_seconds", sa.Float(), nullable=True))
    items = sa.table(
        "evidence_items", sa.column("is_original", sa.Boolean), sa.column("original_or_copy")
    )
    op.execute(
        items.update().where(items.c.is_original == sa.true()).values(original_or_copy="original")
    )
    with op.batch_alter_table("evidence_items") as batch:
        batch.drop_column("is_original")


def downgrade() -> None:
    with op.batch_alter_table("evidence_items") as batch:
        batch.add_column(
            sa.Column("is_original", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    items = sa.table(
        "evidence_items", sa.column("is_original", sa.Boolean), sa.column("original_or_copy")
    )
    op.execute(
        items.update().where(items.c.original_or_copy == "original").values(is_original=True)
    )
    with op.batch_alter_table("evidence_items") as batch:
        batch.drop_column("transcript")
        batch.drop_column("duration_seconds")
        batch.drop_column("original_or_copy")
