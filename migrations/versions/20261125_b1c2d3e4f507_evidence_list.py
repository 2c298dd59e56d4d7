"""Documents v2: evidence list fields (source, purpose, original or copy, recording duration and transcript) (issue 13 point 6)

Revision ID: b1c2d3e4f507
Revises: b1c2d3e4f506
Create Date: 2026-11-25 13:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "b1c2d3e4f507"
down_revision: str | None = "b1c2d3e4f506"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
