"""PostgreSQL's write path (X3): a cached room read without its lock, written by one version-checked statement."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import make_url, text

from adapters.persistence.sql import SqlStore
from benchmarks.limits import TripCounter
from core import commands as c
from core import rules
from core.service import StoreBusy
from tests.integration.stage import HOST, ROOM, Process, arrive, start_process

pytestmark = pytest.mark.postgres


@contextlib.asynccontextmanager
async def _relayed(postgres_url: str) -> AsyncIterator[tuple[TripCounter, str]]:
    """Yield a round-trip counter in front of the server, and the URL that goes through it."""
    parsed = make_url(postgres_url)
    counter = TripCounter(parsed.host or "127.0.0.1", parsed.port or 5432)
    await counter.start()
    try:
        relayed = parsed.set(host="127.0.0.1", port=counter.port).update_query_dict({"ssl": "disable"})
        yield counter, relayed.render_as_string(hide_password=False)
    finally:
        await counter.close()


async def _log(process: Process) -> list[tuple[int, str]]:
    async with process.store.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, name FROM events ORDER BY id"))
        return [(int(row[0]), str(row[1])) for row in rows]


async def test_X3_a_write_by_another_process_between_the_read_and_the_write_is_kept_and_ours_is_not_written(
    postgres_url: str,
) -> None:
    first, second = await start_process(postgres_url), await start_process(postgres_url)
    try:
        await first.do(c.StartSession(HOST, "request"))
        await arrive(first, "ann")
        async with first.store.unit_of_work() as uow:
            room = await uow.load(ROOM)  # read without the row lock: the second process is not held up
            await arrive(second, "bob")
            events = rules.handle(room, c.AskToJoin(c.Actor("ann"), "a question"), first.clock())
            await uow.save(room, [e for e in events if not e.is_reply], first.clock(), "ann")
            with pytest.raises(StoreBusy) as raised:
                await uow.commit()
        assert raised.value.retry
        await second.do(c.AskToJoin(c.Actor("bob"), "another"))  # bob's arrival was kept: he may ask
        status = await second.status()
        assert [r["user"] for r in status.requests] == ["bob"]  # ann's request was never written
        assert [name for _, name in await _log(first)].count("request.created") == 1

        await first.do(c.AskToJoin(c.Actor("ann"), "a question"))  # run again: on the room as stored
        status = await second.status()
        assert [r["user"] for r in status.requests] == ["bob", "ann"]
        ids = [event_id for event_id, _ in await _log(first)]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
    finally:
        await first.close()
        await second.close()


async def test_X3_the_service_runs_a_command_again_when_another_process_wrote_its_room_since_it_was_read(
    postgres_url: str,
) -> None:
    first, second = await start_process(postgres_url), await start_process(postgres_url)
    try:
        await first.do(c.StartSession(HOST, "request"))
        await arrive(first, "ann")
        await arrive(second, "bob")  # first's copy of the room is now stale: its next read must see bob
        await first.do(c.AskToJoin(c.Actor("bob"), "a question"))
        status = await second.status()
        assert [r["user"] for r in status.requests] == ["bob"]
    finally:
        await first.close()
        await second.close()


async def test_X3_a_command_on_a_room_this_process_has_costs_two_round_trips_with_no_begin_or_commit(
    postgres_url: str,
) -> None:
    async with _relayed(postgres_url) as (counter, relayed):
        process = await start_process(relayed)
        try:
            await process.do(c.StartSession(HOST, "request"))
            await arrive(process, "ann", "bob")
            await process.do(c.AskToJoin(c.Actor("bob"), "first"))  # its statements prepared on this connection
            counter.reset()
            await process.do(c.AskToJoin(c.Actor("ann"), "a question"))
            trips, messages = counter.reset()
            assert trips == 2, (trips, messages)  # the room's row read, then its one write
            assert "Q" not in messages and "P" not in messages  # no BEGIN or COMMIT; nothing prepared again
        finally:
            await process.close()


async def test_X3_a_command_on_a_room_another_process_wrote_since_reads_who_changed_in_the_same_round_trip(
    postgres_url: str,
) -> None:
    async with _relayed(postgres_url) as (counter, relayed):
        first = await start_process(relayed)
        second = await start_process(postgres_url)
        try:
            await first.do(c.StartSession(HOST, "request"))
            await arrive(first, "ann", "bob")
            await first.do(c.AskToJoin(c.Actor("bob"), "first"))  # its statements prepared on this connection
            await second.do(c.AskToJoin(c.Actor("ann"), "second"))  # first's copy is now stale
            counter.reset()
            await first.do(c.BringToStage(HOST, "ann"))  # decided on ann's request, which only second saw
            trips, messages = counter.reset()
            assert trips == 2, (trips, messages)
            status = await second.status()
            assert status.invitations == ["ann"] and [r["user"] for r in status.requests] == ["bob"]
        finally:
            await first.close()
            await second.close()


async def test_X3_a_connection_the_store_gives_back_to_the_pool_runs_transactions_again(postgres_url: str) -> None:
    process = await start_process(postgres_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        # More borrowers at once than the store keeps: the rest of their connections go back to the pool,
        # after steps that ran in autocommit.
        await asyncio.gather(*(process.store.due_rooms("slack", 0.0) for _ in range(12)))
        for _ in range(3):
            async with process.store.engine.connect() as connection:
                await connection.execute(text("CREATE TABLE IF NOT EXISTS scratch (n integer)"))
                await connection.rollback()  # undone only if the pool lent it with transactions on
                found = await connection.execute(text("SELECT to_regclass('scratch') IS NULL"))
                assert found.scalar_one()
                await connection.rollback()
    finally:
        await process.close()


async def test_X3_the_stores_connections_plan_each_statement_once(postgres_url: str) -> None:
    store = await SqlStore.open(postgres_url)
    try:
        async with store.connection() as connection:
            (mode,) = await connection.call(lambda run: run.rows(text("SHOW plan_cache_mode"), {}))
            await connection.rollback()
        assert tuple(mode) == ("force_generic_plan",)
    finally:
        await store.close()
