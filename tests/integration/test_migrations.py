"""The migrations build exactly the schema the table modules describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from zhaocai.adapters.db.migrate import downgrade, upgrade
from zhaocai.adapters.db.tables import metadata


def test_migrated_schema_matches_table_modules(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], "run scripts/regen-initial-migration (or add a revision): the schema differs from the tables"


def test_downgrade_to_base_and_back(engine):
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
