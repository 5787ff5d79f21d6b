"""Bring a database to the newest schema without Alembic when that is cheap: at head, or empty.

A database at the newest revision costs one SELECT of `alembic_version`. An empty one gets the whole
schema at once from the snapshot (adapters/persistence/snapshot.py: the DDL the migrations leave
behind, per dialect, and the revision it stands for), under the same lock migrations take, so
processes starting together on a new database make it once and the others find it made. Anything
else — an older revision, tables of another program, an error on the way — is left to Alembic,
which upgrades or explains as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adapters.persistence import snapshot

if TYPE_CHECKING:
    import aiosqlite
    from sqlalchemy import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATION_LOCK = 0x5374616765646F72  # "Stagedoor": the advisory lock key every stagedoor process agrees on
MIGRATION_LOCK_WAIT_SECONDS = 120  # how long to wait for another process's upgrade (theirs takes seconds)
MIGRATION_LOCK_WAIT = f"{MIGRATION_LOCK_WAIT_SECONDS}s"
VERSION = "SELECT version_num FROM alembic_version"
RECORD_HEAD = "INSERT INTO alembic_version (version_num) VALUES (:head)"
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
# Every relation in the schema the migrations would create their tables in (search_path's first).
POSTGRESQL_RELATIONS = (
    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema()"
)


def lock_for_migrations(connection: Connection) -> None:
    """Wait for any other process's upgrade to commit, then hold the lock until this transaction ends."""
    if connection.dialect.name != "postgresql":
        return  # SQLite: one writer at a time; the upgrade's BEGIN IMMEDIATE waits as long as this lock would
    from sqlalchemy import text

    # The store's lock and statement timeouts are for commands; waiting out an upgrade may take longer.
    saved = connection.execute(text("SELECT current_setting('lock_timeout'), current_setting('statement_timeout')"))
    lock_timeout, statement_timeout = saved.one()
    wait = {"wait": MIGRATION_LOCK_WAIT}
    connection.execute(
        text("SELECT set_config('lock_timeout', :wait, true), set_config('statement_timeout', :wait, true)"), wait
    )
    # Transaction-level: released by the COMMIT that makes this upgrade visible, never before it.
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    restore = {"lock": lock_timeout, "statement": statement_timeout}
    connection.execute(
        text("SELECT set_config('lock_timeout', :lock, true), set_config('statement_timeout', :statement, true)"),
        restore,
    )


async def at_head(dialect: str, engine: Callable[[], AsyncEngine], driver: aiosqlite.Connection | None) -> bool:
    """Return whether the database is at the snapshot's revision now: it was, or it was empty and is made.

    False (Alembic's turn) for any other database, and for any error: Alembic meets it again and says it.
    SQLite asks its driver and never makes the `engine`.
    """
    try:
        if dialect == "sqlite" and driver is not None:
            return await _sqlite_at_head(driver)
        async with engine().connect() as connection:
            return bool(await connection.run_sync(_postgresql_at_head))
    except Exception:
        return False


async def _sqlite_at_head(driver: aiosqlite.Connection) -> bool:
    try:
        return await _sqlite_rows(driver, VERSION) == [(snapshot.HEAD,)]  # the one read a database at head costs
    except sqlite3.OperationalError:
        pass  # no alembic_version: perhaps an empty database
    if await _sqlite_rows(driver, SQLITE_TABLES):
        return False
    # Waiting out another process's first start may take longer than a command's busy_timeout.
    saved = (await _sqlite_rows(driver, "PRAGMA busy_timeout"))[0][0]
    await _sqlite_run(driver, f"PRAGMA busy_timeout={MIGRATION_LOCK_WAIT_SECONDS * 1000}")
    try:
        await _sqlite_run(driver, "BEGIN IMMEDIATE")  # the write lock: one process makes the schema
        try:
            made = await _sqlite_make(driver)
        finally:
            if driver.in_transaction:
                await _sqlite_run(driver, "ROLLBACK")
    finally:
        await _sqlite_run(driver, f"PRAGMA busy_timeout={int(saved)}")
    return made


async def _sqlite_make(driver: aiosqlite.Connection) -> bool:
    """Inside the write lock: make the schema if the database is still empty, else say whether another did."""
    tables = {name for (name,) in await _sqlite_rows(driver, SQLITE_TABLES)}
    if tables:
        return "alembic_version" in tables and await _sqlite_rows(driver, VERSION) == [(snapshot.HEAD,)]
    for statement in snapshot.SQLITE:
        await _sqlite_run(driver, statement)
    await _sqlite_run(driver, RECORD_HEAD, {"head": snapshot.HEAD})
    await _sqlite_run(driver, "COMMIT")
    return True


async def _sqlite_rows(driver: aiosqlite.Connection, sql: str) -> list[Any]:
    async with driver.execute(sql) as cursor:
        return list(await cursor.fetchall())


async def _sqlite_run(driver: aiosqlite.Connection, sql: str, params: dict[str, str] | None = None) -> None:
    async with driver.execute(sql, params):
        pass


def _postgresql_at_head(connection: Connection) -> bool:
    from sqlalchemy import text

    with connection.begin():
        versions = _postgresql_version(connection)
    if versions is not None:
        return versions == [snapshot.HEAD]
    with connection.begin():
        lock_for_migrations(connection)
        relations = {name for (name,) in connection.exec_driver_sql(POSTGRESQL_RELATIONS)}
        if relations:  # another process made the schema while this one waited, or the schema is not ours
            return "alembic_version" in relations and _postgresql_version(connection) == [snapshot.HEAD]
        for statement in snapshot.POSTGRESQL:
            connection.exec_driver_sql(statement)
        connection.execute(text(RECORD_HEAD), {"head": snapshot.HEAD})
    return True


def _postgresql_version(connection: Connection) -> list[str] | None:
    """Return the recorded revisions, or None when there is no alembic_version table."""
    if connection.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is None:
        return None
    return [str(version) for (version,) in connection.exec_driver_sql(VERSION)]
