"""Several guarantors per contract (issue 14 point 6)

Each contract's one guarantor (``contracts.guarantor_id`` / ``guarantee_type`` /
``guarantee_period_end``) becomes a row of ``contract_guarantees``; its stored deadlines
(``case_deadlines.source_key`` "contract:N") follow it to "guarantee:M" so a deadline marked
handled stays handled. The downgrade copies the first guarantee in force back.

Revision ID: b1c2d3e4f511
Revises: b1c2d3e4f510
Create Date: 2026-11-25 16:00:00.000000+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "b1c2d3e4f511"
down_revision: str | None = "b1c2d3e4f510"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_contracts = sa.table(
    "contracts",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("guarantee_type", sa.String),
    sa.column("guarantor_id", sa.Integer),
    sa.column("guarantee_period_end", sa.Date),
)
_guarantees = sa.table(
    "contract_guarantees",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("contract_id", sa.Integer),
    sa.column("party_id", sa.Integer),
    sa.column("guarantee_type", sa.String),
    sa.column("period_end", sa.Date),
    sa.column("ended_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_deadlines = sa.table(
    "case_deadlines",
    sa.column("case_id", sa.Integer),
    sa.column("source_key", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "contract_guarantees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("guarantee_type", sa.String(length=16), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_contract_guarantees_case_id_cases"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name="fk_contract_guarantees_contract_id_contracts"
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name="fk_contract_guarantees_party_id_parties"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contract_guarantees"),
    )
    with op.batch_alter_table("contract_guarantees") as batch:
        batch.create_index("ix_contract_guarantees_case_id", ["case_id"])
        batch.create_index("ix_contract_guarantees_contract_id", ["contract_id"])
        batch.create_index("ix_contract_guarantees_party_id", ["party_id"])

    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(
        sa.select(
            _contracts.c.id,
            _contracts.c.case_id,
            _contracts.c.guarantee_type,
            _contracts.c.guarantor_id,
            _contracts.c.guarantee_period_end,
        )
        .where(
            _contracts.c.guarantor_id.is_not(None),
            _contracts.c.guarantee_type.in_(("joint", "general")),
        )
        .order_by(_contracts.c.id)
    ).all()
    for r in rows:
        new_id = conn.execute(
            _guarantees.insert()
            .values(
                case_id=r.case_id,
                contract_id=r.id,
                party_id=r.guarantor_id,
                guarantee_type=r.guarantee_type,
                period_end=r.guarantee_period_end,
                created_at=now,
                updated_at=now,
            )
            .returning(_guarantees.c.id)
        ).scalar_one()
        conn.execute(
            _deadlines.update()
            .where(
                _deadlines.c.case_id == r.case_id,
                _deadlines.c.source_key == f"contract:{r.id}",
            )
            .values(source_key=f"guarantee:{new_id}")
        )

    with op.batch_alter_table("contracts") as batch:
        batch.drop_index("ix_contracts_guarantor_id")
        batch.drop_constraint("fk_contracts_guarantor_id_parties", type_="foreignkey")
        batch.drop_column("guarantee_period_end")
        batch.drop_column("guarantor_id")
        batch.drop_column("guarantee_type")


def downgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(
            sa.Column("guarantee_type", sa.String(length=16), nullable=False, server_default="none")
        )
        batch.add_column(sa.Column("guarantor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("guarantee_period_end", sa.Date(), nullable=True))
        batch.create_foreign_key(
            "fk_contracts_guarantor_id_parties", "parties", ["guarantor_id"], ["id"]
        )
        batch.create_index("ix_contracts_guarantor_id", ["guarantor_id"])
    with op.batch_alter_table("contracts") as batch:
        batch.alter_column("guarantee_type", server_default=None)

    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _guarantees.c.id,
            _guarantees.c.case_id,
            _guarantees.c.contract_id,
            _guarantees.c.party_id,
            _guarantees.c.guarantee_type,
            _guarantees.c.period_end,
        )
        .where(_guarantees.c.ended_at.is_(None))
        .order_by(_guarantees.c.contract_id, _guarantees.c.id)
    ).all()
    seen: set[int] = set()
    for r in rows:
        if r.contract_id in seen:  # the first guarantor in force; the others cannot be kept
            continue
        seen.add(r.contract_id)
        conn.execute(
            _contracts.update()
            .where(_contracts.c.id == r.contract_id)
            .values(
                guarantee_type=r.guarantee_type,
                guarantor_id=r.party_id,
                guarantee_period_end=r.period_end,
            )
        )
        conn.execute(
            _deadlines.update()
            .where(
                _deadlines.c.case_id == r.case_id,
                _deadlines.c.source_key == f"guarantee:{r.id}",
            )
            .values(source_key=f"contract:{r.contract_id}")
        )
    with op.batch_alter_table("contract_guarantees") as batch:
        batch.drop_index("ix_contract_guarantees_party_id")
        batch.drop_index("ix_contract_guarantees_contract_id")
        batch.drop_index("ix_contract_guarantees_case_id")
    op.drop_table("contract_guarantees")
