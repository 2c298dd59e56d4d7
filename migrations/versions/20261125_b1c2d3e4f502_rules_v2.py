"""RULES.md v2: new court event kinds, LPR table checked_through (issue 12 points 1 and 4)

Revision ID: b1c2d3e4f502
Revises: b1c2d3e4f501
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "b1c2d3e4f502"
down_revision: str | None = "b1c2d3e4f501"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
