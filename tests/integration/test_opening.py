"""Opening and migrating a database: schema and tables agree; a bad URL or migration says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.connect import alembic_config
from adapters.persistence.sql import SqlStore, StoreUnavailable, migrate
from adapters.persistence.tables import metadata


async def _unavailable(url: str) -> str:
    with pytest.raises(StoreUnavailable) as raised:
        store = await SqlStore.open(url)
        await store.close()
    message = str(raised.value)
    assert "\n" not in message and "Traceback" not in message
    return message


async def test_the_migrations_build_exactly_the_schema_the_tables_describe(database_url: str) -> None:
    store = await SqlStore.open(database_url, migrate=True)
    try:
        async with store.engine.connect() as connection:
            # Server defaults too: rows written before a column existed read as its default.
            options = {"compare_server_default": True}
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts=options), metadata)
            )
        assert differences == []
    finally:
        await store.close()


async def test_migrate_brings_an_empty_database_to_head_and_running_it_again_changes_nothing(
    database_url: str,
) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    await migrate(database_url)
    await migrate(database_url)
    store = await SqlStore.open(database_url, migrate=False)
    try:
        async with store.engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert versions == [head]
    finally:
        await store.close()


async def test_a_failing_migration_stops_with_one_line_naming_the_database_and_what_to_do(database_url: str) -> None:
    # A database that already holds a table of that name, not made by stagedoor's migrations.
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE rooms (name TEXT)"))
    await engine.dispose()

    message = await _unavailable(database_url)
    assert message.startswith("Cannot bring the database ")
    assert "rooms" in message
    assert "stagedoor migrate" in message


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql+aiomysql://db.example/stage", "'mysql' is not supported"),
        ("not a url", "Cannot read the database URL"),
    ],
)
async def test_an_unusable_url_stops_with_one_line_saying_which_urls_work(url: str, says: str) -> None:
    message = await _unavailable(url)
    assert says in message
    assert "sqlite+aiosqlite:///PATH" in message and "postgresql+asyncpg://" in message


async def test_an_unreachable_postgresql_server_stops_with_one_line_naming_it() -> None:
    message = await _unavailable("postgresql+asyncpg://stagedoor:secret@127.0.0.1:9/stage")
    assert message.startswith("Cannot open the database postgresql+asyncpg://stagedoor:***@127.0.0.1:9/stage:")
    assert "secret" not in message


async def test_a_file_that_is_not_a_database_stops_with_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("these are my notes, not a database\n" * 200)
    message = await _unavailable(f"sqlite+aiosqlite:///{junk}")
    assert str(junk) in message
    assert "not a database" in message


async def test_a_sqlite_path_that_cannot_be_created_stops_with_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    message = await _unavailable(f"sqlite+aiosqlite:///{blocker}/stagedoor.db")
    assert message.startswith(f"Cannot open the database sqlite+aiosqlite:///{blocker}/stagedoor.db:")


async def test_a_plain_sqlite_url_gets_the_async_driver_and_a_missing_data_directory_is_made(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite:///{tmp_path}/new/dir/stagedoor.db")
    await store.close()
    assert (tmp_path / "new" / "dir" / "stagedoor.db").is_file()
