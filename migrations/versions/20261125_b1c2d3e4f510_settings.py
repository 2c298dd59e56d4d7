"""Settings screens: firm profile, ladder rungs; ledger follow-up (issue 14 points 5, 7)

Revision ID: b1c2d3e4f510
Revises: b1c2d3e4f509
Create Date: 2026-11-25 13:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "b1c2d3e4f510"
down_revision: str | None = "b1c2d3e4f509"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
