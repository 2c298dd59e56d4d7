"""Background jobs on Celery (issue 15 point 1-3)

Revision ID: b1c2d3e4f512
Revises: b1c2d3e4f511
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence

revision: str = "b1c2d3e4f512"
down_revision: str | None = "b1c2d3e4f511"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
