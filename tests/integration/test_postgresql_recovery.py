"""PostgreSQL that fails clearly and recovers: bounded waits become "busy", lost connections are replaced."""

from __future__ import annotations

import asyncio
import time

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import make_url, text

from adapters.persistence.sql import DatabaseOptions, SqlStore
from core import commands as c
from core.service import StageService, StoreBusy
from tests.integration.stage import HOST, ROOM, Clock, Process, errors

pytestmark = pytest.mark.postgres


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database, timeout=5
    )


async def _process(url: str, **options: float) -> Process:
    store = await SqlStore.open(url, migrate=True, options=DatabaseOptions(**options))
    clock = Clock()
    return Process(store, StageService(store.unit_of_work, clock), clock)


async def _terminate_others(admin: asyncpg.Connection) -> int:
    """End every other connection to the admin connection's database, as a server restart would."""
    ended = await admin.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return int(ended)


async def test_a_command_behind_a_row_lock_held_past_lock_timeout_is_answered_busy_and_changes_nothing(
    postgres_url: str,
) -> None:
    process = await _process(postgres_url, lock_timeout=0.5)
    holder = await _connect(postgres_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        async with holder.transaction():
            await holder.execute("SELECT id FROM rooms FOR UPDATE")  # another process holds the room
            started = time.monotonic()
            with pytest.raises(StoreBusy) as raised:
                await asyncio.wait_for(process.do(c.EndSession(HOST)), 20)
            waited = time.monotonic() - started
        message = str(raised.value)
        assert "busy" in message and "lock timeout" in message and "\n" not in message
        assert not raised.value.retry
        # One bounded wait, answered: not eight of them back to back.
        assert waited < 4, waited
        status = await process.status()
        assert status.live  # the session the refused command would have ended is still on
    finally:
        await holder.close()
        await process.close()


async def test_a_statement_that_runs_past_statement_timeout_is_answered_busy(postgres_url: str) -> None:
    process = await _process(postgres_url, statement_timeout=0.3)
    try:
        async with process.store.connection() as connection:
            settings = await connection.call(lambda run: run.rows(text("SHOW statement_timeout"), {}))
            assert settings[0][0] == "300ms"
            with pytest.raises(StoreBusy) as raised:
                await connection.call(lambda run: run.rows(text("SELECT pg_sleep(10)"), {}))
            await connection.rollback()
        assert "statement timeout" in str(raised.value)
        assert not raised.value.retry
    finally:
        await process.close()


async def test_the_next_command_succeeds_after_the_server_ends_every_store_connection(postgres_url: str) -> None:
    process = await _process(postgres_url)
    admin = await _connect(postgres_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        await process.do(c.Arrive(c.Actor("ann")))
        for _ in range(3):  # again and again: every pooled connection is dead each time
            assert await _terminate_others(admin) >= 1
            await asyncio.sleep(0.2)
            # A read has no second try: the pool must hand out a live connection in the first place.
            assert await process.store.history(ROOM)
            assert await _terminate_others(admin) >= 1
            await asyncio.sleep(0.2)
            assert not errors(await process.do(c.RaiseHand(c.Actor("ann"))))
            assert not errors(await process.do(c.LowerHand(c.Actor("ann"))))
        history = await process.store.history(ROOM)
        assert [item.event.name for item in history].count("hand.raised") == 3
    finally:
        await admin.close()
        await process.close()


async def test_a_command_whose_connection_is_ended_while_it_waits_is_run_again_on_a_new_one(
    postgres_url: str,
) -> None:
    process = await _process(postgres_url, lock_timeout=20)
    holder = await _connect(postgres_url)
    admin = await _connect(postgres_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT id FROM rooms FOR UPDATE")
        command = asyncio.create_task(process.do(c.EndSession(HOST)))
        waiting = None
        for _ in range(100):  # until the command's connection is queued behind the lock
            waiting = await admin.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if waiting:
                break
            await asyncio.sleep(0.05)
        assert waiting, "the command never waited for the room"
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", waiting)
        await asyncio.sleep(0.3)
        await transaction.rollback()  # the lock goes; the command's second try gets the room
        assert not errors(await asyncio.wait_for(command, 20))
        assert not (await process.status()).live
    finally:
        await holder.close()
        await admin.close()
        await process.close()
