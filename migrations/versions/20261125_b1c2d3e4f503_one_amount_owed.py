"""One amount owed: allocation setting per case, judgment awards (issue 12 points 2 and 3)

Revision ID: b1c2d3e4f503
Revises: b1c2d3e4f502
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "b1c2d3e4f503"
down_revision: str | None = "b1c2d3e4f502"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ---- issue 12 point 2 (one amount owed): how a case's payments are applied ---------
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("allocation", sa.String(16), nullable=False, server_default="booked")
        )
    # ---- end of issue 12 point 2 -------------------------------------------------------
    # ---- issue 12 point 3 (judgments on a case): what a judgment awarded -------------
    with op.batch_alter_table("court_events") as batch:
        batch.add_column(sa.Column("awarded_principal", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("awarded_interest", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("awarded_costs", sa.BigInteger(), nullable=True))
    # ---- end of issue 12 point 3 -------------------------------------------------------


def downgrade() -> None:
    # ---- issue 12 point 2 (one amount owed) --------------------------------------------
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("allocation")
    # ---- end of issue 12 point 2 -------------------------------------------------------
    # ---- issue 12 point 3 (judgments on a case) ----------------------------------------
    with op.batch_alter_table("court_events") as batch:
        batch.drop_column("awarded_costs")
        batch.drop_column("awarded_interest")
        batch.drop_column("awarded_principal")
    # ---- end of issue 12 point 3 -------------------------------------------------------
