"""Another process holding the database: wait a little, and report "busy" so the service retries (X3)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.database import is_busy
from core import commands as c
from tests.integration.stage import HOST, errors, start_process


async def test_X3_a_command_waits_for_another_process_that_holds_the_sqlite_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "stagedoor.db"
    process = await start_process(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        command = asyncio.create_task(process.do(c.StartSession(HOST, "open")))
        await asyncio.sleep(0.3)
        assert not command.done()  # blocked behind the other process's transaction, not failed
        other.execute("COMMIT")
        assert not errors(await asyncio.wait_for(command, 5))
        assert (await process.status()).live
    finally:
        other.close()
        await process.close()


def test_a_locked_sqlite_database_counts_as_busy(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        holder.execute("CREATE TABLE t (x INTEGER)")
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as raised:
            waiter.execute("BEGIN IMMEDIATE")
        assert is_busy(raised.value)
        assert not is_busy(sqlite3.OperationalError("no such table: rooms"))
    finally:
        holder.close()
        waiter.close()


@pytest.mark.postgres
async def test_a_postgresql_row_lock_that_cannot_be_had_counts_as_busy(postgres_url: str) -> None:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.begin() as setup:
            await setup.execute(text("CREATE TABLE t (x INTEGER)"))
            await setup.execute(text("INSERT INTO t VALUES (1)"))
        async with engine.connect() as holder, engine.connect() as waiter:
            await holder.execute(text("SELECT x FROM t FOR UPDATE"))
            with pytest.raises(Exception) as raised:
                await waiter.execute(text("SELECT x FROM t FOR UPDATE NOWAIT"))
            assert is_busy(raised.value)
            await waiter.rollback()
            with pytest.raises(Exception) as missing:
                await waiter.execute(text("SELECT x FROM no_such_table"))
            assert not is_busy(missing.value)
    finally:
        await engine.dispose()
