"""X3: the SQLite store runs the very SQL SQLAlchemy compiles from its Core statements, without importing SQLAlchemy.

adapters/persistence/sqlite_sql.py is written by `python -m migrations.make_sqlite_sql`; these tests fail
when it no longer matches the Core statements, when a dynamic statement's SQLite text drifts from
SQLAlchemy's, or when a plain SQLite URL is read differently from SQLAlchemy's reading of it.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from sqlalchemy import make_url

from adapters.persistence import sqlite_sql, tables
from adapters.persistence.columns import (
    PEOPLE_ROW_COLUMNS,
    ROOM_COLUMNS,
    ROOM_STATE_COLUMNS,
    SETTINGS_COLUMNS,
    WORKSPACE_COLUMNS,
)
from adapters.persistence.compiled import SqliteStatement
from adapters.persistence.connect import describe, normalise_url, plain_sqlite, sqlite_target
from adapters.persistence.database import SqliteCompiler
from adapters.persistence.sql import SqlStore
from adapters.persistence.statements import Statements, save_workspace_columns_sqlite
from core.room import RoomKey, Settings
from migrations.make_sqlite_sql import compile_all

REGENERATE = "run `python -m migrations.make_sqlite_sql` and commit adapters/persistence/sqlite_sql.py"


def test_X3_the_generated_sqlite_text_is_what_sqlalchemy_compiles_from_every_statement_now() -> None:
    compiled = compile_all()
    assert set(compiled) == set(sqlite_sql.STATEMENTS), REGENERATE
    for group, statements in compiled.items():
        assert sqlite_sql.STATEMENTS[group] == statements, f"{group} changed: {REGENERATE}"


def test_X3_the_column_names_the_store_shares_without_sqlalchemy_are_the_tables_own() -> None:
    assert tuple(column.name for column in tables.people.columns) == PEOPLE_ROW_COLUMNS
    assert tuple(column.name for column in tables.workspaces.columns) == WORKSPACE_COLUMNS
    room_columns = [column.name for column in tables.rooms.columns]
    assert set(ROOM_COLUMNS) <= set(room_columns)
    assert [name for name in room_columns if name in ROOM_STATE_COLUMNS] == list(ROOM_STATE_COLUMNS)


def test_X3_a_workspace_write_of_any_set_of_settings_is_the_sql_sqlalchemy_compiles_for_it() -> None:
    core = Statements("sqlite", core=True)
    compiler = SqliteCompiler()
    subsets = [
        names
        for size in range(1, len(SETTINGS_COLUMNS) + 1)
        for names in itertools.combinations(SETTINGS_COLUMNS, size)
    ]
    assert len(subsets) == 2 ** len(SETTINGS_COLUMNS) - 1
    for names in [*subsets, tuple(reversed(SETTINGS_COLUMNS)), ("admins", "capacity")]:
        assert save_workspace_columns_sqlite(names) == compiler.get(core.save_workspace_columns(names)), names


async def test_X3_the_sqlite_store_runs_the_generated_text_and_writes_settings_through_it(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}")
    try:
        assert store.statements.bump_room == SqliteStatement(*sqlite_sql.STATEMENTS["Statements"]["bump_room"])
        assert isinstance(store.delivery.statements.ack, SqliteStatement)
        key = RoomKey("console", "w", "c")
        async with store.unit_of_work() as uow:
            room = await uow.load(key)
            await uow.lock_workspace(room, stages=False)
            room.workspace = Settings(capacity=3, admins=["host"])
            room.dirty_workspace = True
            await uow.save(room, [], 1.0, None)
            await uow.commit()
        async with store.unit_of_work() as uow:
            again = await uow.load(RoomKey("console", "w", "other"))
        assert (again.workspace.capacity, again.workspace.admins) == (3, ["host"])
    finally:
        await store.close()


PLAIN = [
    "sqlite:///stage.db",
    "sqlite+aiosqlite:///data/stagedoor.db",
    "sqlite+aiosqlite:////tmp/a b/c.db",
    "sqlite:////tmp/at@host:5432/x.db",
    "sqlite+aiosqlite:///./relative/../x.db",
    "sqlite:////tmp/é ü/x#y.db",
    "sqlite:///~/x.db",
]
NOT_PLAIN = [
    "sqlite://",
    "sqlite:///",
    "sqlite:///:memory:",
    "sqlite:///file:x.db?mode=ro&uri=true",
    "sqlite:///file:x.db",
    "sqlite:////tmp/a%20b.db",
    "sqlite:///x.db?timeout=3",
    "sqlite+pysqlite:///x.db",
    "sqlite://user@host/x.db",
    "postgresql+asyncpg://postgres@127.0.0.1/test",
    "not a url",
]


@pytest.mark.parametrize("url", PLAIN)
def test_X3_a_plain_sqlite_url_names_the_file_sqlalchemy_reads_from_it_and_is_shown_the_same(url: str) -> None:
    plain = plain_sqlite(url)
    assert plain is not None
    parsed = normalise_url(url)
    assert (plain.path, plain.uri) == sqlite_target(parsed)
    assert plain.path == os.path.abspath(plain.path)
    assert plain.shown == describe(parsed)
    assert describe(url) == describe(make_url(url))


@pytest.mark.parametrize("url", NOT_PLAIN)
def test_X3_every_other_url_is_left_to_sqlalchemy_to_read(url: str) -> None:
    assert plain_sqlite(url) is None
