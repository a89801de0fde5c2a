"""The schema comes from migrations, which run both ways, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from catalogue import migrate
from tests.conftest import Database


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    # the search index column/table is created by SQL in the migration and unknown to the models
    differences = [
        d for d in differences if "search_vector" not in str(d) and "title_fts" not in str(d)
    ]
    assert differences == []


def test_downgrade_and_upgrade_again(database: Database) -> None:
    if database.kind == "postgresql":
        engine = database.engine
        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
    else:
        migrate.downgrade(database.engine, "base")
        migrate.upgrade(database.engine)
    assert migrate.is_current(database.engine)
