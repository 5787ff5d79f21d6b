"""X3: an empty database made in one go from the snapshot has exactly the schema the migrations make."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence import snapshot
from adapters.persistence.connect import alembic_config
from adapters.persistence.sql import SqlStore
from migrations.make_snapshot import migrate_with_alembic
from tests.integration.stage import empty_postgres_schema

REGENERATE = "run `python -m migrations.make_snapshot` and commit adapters/persistence/snapshot.py"

# PostgreSQL's own account of the schema, beyond what SQLAlchemy's inspector reads.
POSTGRESQL_CATALOG = {
    # In column order, not by ordinal_position: a column the migrations dropped leaves a gap in the numbers.
    "columns": "SELECT table_name, column_name, data_type, character_maximum_length, "
    "is_nullable, column_default, is_identity FROM information_schema.columns "
    "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    "constraints": "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
    "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() ORDER BY 1, 2",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
    "ORDER BY 1, 2",
    "sequences": "SELECT sequence_name, data_type, start_value, minimum_value, maximum_value, increment, "
    "cycle_option FROM information_schema.sequences WHERE sequence_schema = current_schema() ORDER BY 1",
    "owned sequences": "SELECT s.relname, t.relname, a.attname FROM pg_depend d "
    "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_class t ON t.oid = d.refobjid "
    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
    "JOIN pg_namespace n ON n.oid = s.relnamespace WHERE n.nspname = current_schema() ORDER BY 1",
}


def _describe(connection: Connection) -> dict[str, Any]:
    """Return every table's columns (types, nullability, defaults), keys, indexes and constraints, and the version."""
    inspector = inspect(connection)
    described: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        described[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"), c.get("autoincrement"))
                for c in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table),
            "foreign keys": sorted(inspector.get_foreign_keys(table), key=repr),
            "indexes": sorted(inspector.get_indexes(table), key=repr),
            "unique": sorted(inspector.get_unique_constraints(table), key=repr),
            "checks": sorted(inspector.get_check_constraints(table), key=repr),
            "options": inspector.get_table_options(table),
        }
    if connection.dialect.name == "sqlite":
        # SQLite keeps each table's and index's text as it was written: the strictest comparison there is.
        found = connection.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        described["sqlite_master"] = [tuple(row) for row in found]
    else:
        for name, query in POSTGRESQL_CATALOG.items():
            described[name] = [tuple(row) for row in connection.exec_driver_sql(query)]
    described["alembic_version"] = [tuple(row) for row in connection.exec_driver_sql("SELECT * FROM alembic_version")]
    return described


async def _schema(url: str) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_describe)
    finally:
        await engine.dispose()


async def _migrations_then_snapshot(database_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Describe the schema the migrations make, then the one the store makes on an empty database."""
    if database_url.startswith("sqlite"):
        migrated_url = database_url.replace("stagedoor.db", "migrated.db")
        await migrate_with_alembic(migrated_url)
        migrated = await _schema(migrated_url)
    else:  # one database per test: migrate it, describe it, empty it again
        await migrate_with_alembic(database_url)
        migrated = await _schema(database_url)
        await empty_postgres_schema(database_url)
    store = await SqlStore.open(database_url, migrate=True)
    await store.close()
    return migrated, await _schema(database_url)


def test_X3_the_snapshot_stands_for_the_newest_migration() -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head == snapshot.HEAD, (
        f"the newest migration is {head} but the schema snapshot stands for {snapshot.HEAD}: {REGENERATE}"
    )


async def test_X3_an_empty_database_made_from_the_snapshot_has_exactly_the_schema_the_migrations_make(
    database_url: str,
) -> None:
    migrated, made = await _migrations_then_snapshot(database_url)
    assert migrated["alembic_version"] == [(snapshot.HEAD,)]
    assert {name for name in migrated if "columns" in migrated[name]} >= {"rooms", "people", "events"}
    for part in migrated:
        assert made[part] == migrated[part], f"{part} differs from what the migrations make: {REGENERATE}"
    assert made == migrated


async def test_X3_a_database_made_from_the_snapshot_takes_the_next_migrations_as_one_made_by_them(
    database_url: str,
) -> None:
    # Alembic reads the version the snapshot recorded: a later upgrade starts from there, with nothing to redo.
    store = await SqlStore.open(database_url, migrate=True)
    await store.close()
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await engine.dispose()
    assert versions == [(snapshot.HEAD,)]
