"""Creditor scoping: users limited to some creditor entities (issue 11 point 11)

Revision ID: b1c2d3e4f501
Revises: 7c1e5a9d3b20
Create Date: 2026-11-25 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "b1c2d3e4f501"
down_revision: str | None = "7c1e5a9d3b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
