"""Online statement confirmation and disputes (issue 16 points 2-3)

Revision ID: b1c2d3e4f515
Revises: b1c2d3e4f514
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

revision: str = "b1c2d3e4f515"
down_revision: str | None = "b1c2d3e4f514"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
