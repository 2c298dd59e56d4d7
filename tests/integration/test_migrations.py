"""The Alembic migrations build exactly the schema the models describe, and undo it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from legalcase.migrate import downgrade, upgrade
from legalcase.models import Base


def _diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    return diff


def test_upgrade_matches_models_and_downgrade_empties(database_url):
    # database_url has already been upgraded to head by the fixture
    assert _diff(database_url) == []
    downgrade(database_url, "base")
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()
    upgrade(database_url)
    assert _diff(database_url) == []
