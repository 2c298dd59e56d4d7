"""The guarantees migration keeps what was recorded: each contract's one guarantor becomes a
guarantee row (its deadlines' keys follow it), and the downgrade puts the first one back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import create_engine

from legalcase.migrate import downgrade, upgrade
from legalcase.models import Base

BEFORE = "b1c2d3e4f510"  # the revision before contract_guarantees
OURS = "b1c2d3e4f511"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _filler(column: sa.Column):
    """A value for a required column the test does not care about."""
    t = column.type
    if isinstance(t, sa.Boolean):
        return False
    if isinstance(t, sa.DateTime):
        return NOW
    if isinstance(t, sa.Date):
        return date(2026, 1, 1)
    if isinstance(t, sa.Integer | sa.Numeric):
        return 0
    return "x"


def _insert(conn, meta: sa.MetaData, table: str, **values) -> None:
    t = meta.tables[table]
    row = {
        c.name: _filler(c)
        for c in t.columns
        if not c.nullable and c.server_default is None and not c.primary_key
    }
    conn.execute(t.insert().values({**row, **values}))


def _empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def test_the_one_guarantor_of_each_contract_is_kept_both_ways(database_url):
    _empty(database_url)
    downgrade(database_url, BEFORE)
    engine = create_engine(database_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.begin() as conn:
            _insert(conn, meta, "users", id=1, username="u1", role="admin")
            _insert(conn, meta, "creditors", id=1, name="债权人")
            _insert(conn, meta, "parties", id=1, name="债务人", kind="company", id_code="A1")
            _insert(conn, meta, "parties", id=2, name="保证人", kind="company", id_code="A2")
            _insert(
                conn, meta, "cases", id=1, creditor_id=1, debtor_id=1, owner_id=1, stage="pre_legal"
            )
            common = {"case_id": 1, "kind": "sale", "governing_law": "CN"}
            _insert(
                conn,
                meta,
                "contracts",
                id=1,
                number="HT-1",
                guarantee_type="general",
                guarantor_id=2,
                guarantee_period_end=date(2027, 6, 30),
                **common,
            )
            _insert(conn, meta, "contracts", id=2, number="HT-2", guarantee_type="none", **common)
            _insert(
                conn,
                meta,
                "case_deadlines",
                case_id=1,
                kind="guarantee_period",
                source_key="contract:1",
                is_handled=True,
            )

        upgrade(database_url, OURS)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "select id, case_id, contract_id, party_id, guarantee_type, period_end, "
                    "ended_at from contract_guarantees"
                )
            ).all()
            assert len(rows) == 1  # HT-2 had no guarantor
            g = rows[0]
            assert (g.case_id, g.contract_id, g.party_id, g.guarantee_type) == (1, 1, 2, "general")
            assert str(g.period_end)[:10] == "2027-06-30" and g.ended_at is None
            key = conn.execute(sa.text("select source_key from case_deadlines")).scalar_one()
            assert key == f"guarantee:{g.id}"  # the deadline marked handled stays its own
            cols = {c["name"] for c in sa.inspect(conn).get_columns("contracts")}
            assert not cols & {"guarantor_id", "guarantee_type", "guarantee_period_end"}
            conn.execute(
                sa.text(
                    "insert into contract_guarantees (case_id, contract_id, party_id, "
                    "guarantee_type, created_at, updated_at) values (1, 1, 1, 'joint', :t, :t)"
                ),
                {"t": NOW},
            )
            conn.commit()

        downgrade(database_url, BEFORE)
        with engine.connect() as conn:
            back = conn.execute(
                sa.text(
                    "select id, guarantee_type, guarantor_id, guarantee_period_end from contracts "
                    "order by id"
                )
            ).all()
            assert [(r.id, r.guarantee_type, r.guarantor_id) for r in back] == [
                (1, "general", 2),  # the first guarantee of the contract
                (2, "none", None),
            ]
            assert str(back[0].guarantee_period_end)[:10] == "2027-06-30"
            key = conn.execute(sa.text("select source_key from case_deadlines")).scalar_one()
            assert key == "contract:1"
    finally:
        engine.dispose()
        upgrade(database_url)
        _empty(database_url)
