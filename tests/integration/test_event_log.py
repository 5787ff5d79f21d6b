"""The event log: written in the state change's transaction, read by each consumer with its own cursor."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.outbox import drain
from core import commands as c
from core import rules
from core.events import Event, RequestCreated, SessionEnded, SessionStarted, StageJoined
from core.service import LoggedEvent
from tests.integration.stage import HOST, ROOM, arrive, start_process


class Crash(Exception):
    """Stands for the process dying."""


async def test_an_error_after_save_but_before_commit_leaves_neither_the_state_nor_the_events(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        await process.status()  # the room is cached in this process
        with pytest.raises(Crash):
            async with process.store.unit_of_work() as uow:
                room = await uow.load(ROOM)
                events = rules.handle(room, c.StartSession(HOST, "open"), process.clock())
                assert room.session.live
                await uow.save(room, events, process.clock(), HOST.user)
                raise Crash()

        assert await process.store.read("audit") == []
        assert not (await process.status()).live  # the same process does not trust its cached copy
        other = await start_process(database_url)
        try:
            assert not (await other.status()).live
            assert await other.store.history(ROOM) == []
        finally:
            await other.close()
    finally:
        await process.close()


async def test_state_events_are_logged_with_the_room_actor_and_time_and_replies_are_not(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        process.clock.now = 1234.5
        await process.do(c.StartSession(HOST, "request"))
        await arrive(process, "ann")
        await process.do(c.AskToJoin(c.Actor("ann"), "about pricing"))
        await process.do(c.Status(HOST))
        await process.do(c.BringToStage(c.Actor("nobody"), "ann"))  # refused: an error reply only

        logged = await process.store.read("audit")
        assert [item.event for item in logged] == [
            SessionStarted("request", "host"),
            RequestCreated("ann", 1, "about pricing"),
        ]
        assert [item.actor for item in logged] == ["host", "ann"]
        assert all(item.room == ROOM and item.at == 1234.5 for item in logged)
        assert logged[0].id < logged[1].id
    finally:
        await process.close()


async def test_each_consumer_reads_the_log_with_its_own_cursor_and_a_cursor_never_moves_back(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        await arrive(process, "ann", "ben")
        await process.do(c.JoinStage(c.Actor("ann")))
        await process.do(c.JoinStage(c.Actor("ben")))
        everything = await process.store.read("slack")
        assert len(everything) == 3

        await process.store.ack("slack", everything[1].id)
        assert await process.store.read("slack") == everything[2:]
        assert await process.store.read("discord") == everything  # untouched by slack's cursor
        assert await process.store.read("discord", limit=2) == everything[:2]

        await process.store.ack("slack", everything[0].id)  # a late, repeated ack
        assert await process.store.read("slack") == everything[2:]
    finally:
        await process.close()


async def test_a_crash_between_delivery_and_ack_redelivers_the_same_event_id_after_restart(database_url: str) -> None:
    process = await start_process(database_url)
    await process.do(c.StartSession(HOST, "open"))
    await arrive(process, "ann")
    await process.do(c.JoinStage(c.Actor("ann")))
    delivered: list[LoggedEvent] = []

    async def deliver_then_die(item: LoggedEvent, caused: Sequence[Event]) -> None:
        delivered.append(item)
        if isinstance(item.event, StageJoined):
            raise Crash()  # delivered to the platform, but the process dies before the cursor moves

    with pytest.raises(Crash):
        await drain(process.store, "slack", deliver_then_die)
    await process.close()

    restarted = await start_process(database_url)
    try:
        redelivered: list[LoggedEvent] = []

        async def deliver(item: LoggedEvent, caused: Sequence[Event]) -> None:
            redelivered.append(item)

        assert await drain(restarted.store, "slack", deliver) == 1
        assert redelivered == [delivered[-1]]  # the same id: a deliverer can tell it is a repeat
        assert await drain(restarted.store, "slack", deliver) == 0
    finally:
        await restarted.close()


async def test_L3_the_history_keeps_every_session_after_it_ends(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await arrive(process, "ann")
        for _ in range(2):
            await process.do(c.StartSession(HOST, "open"))
            await process.do(c.JoinStage(c.Actor("ann")))
            await process.do(c.EndSession(HOST))
        other_room = ROOM.__class__(ROOM.platform, ROOM.workspace, "elsewhere")
        await process.do(c.StartSession(HOST, "open"), other_room)

        history = [item.event.name for item in await process.store.history(ROOM)]
        assert history == ["session.started", "stage.joined", "stage.left", "session.ended"] * 2
        assert [item.event for item in await process.store.history(other_room)] == [SessionStarted("open", "host")]
        assert isinstance((await process.store.history(ROOM))[-1].event, SessionEnded)
    finally:
        await process.close()


async def test_a_consumer_reading_while_several_processes_write_to_many_rooms_misses_no_event(
    database_url: str,
) -> None:
    processes = [await start_process(database_url) for _ in range(3)]
    rooms = [ROOM.__class__(ROOM.platform, ROOM.workspace, f"C{n}") for n in range(6)]
    delivered: list[int] = []
    writing = True

    async def deliver(item: LoggedEvent, caused: Sequence[Event]) -> None:
        delivered.append(item.id)

    async def consume() -> None:
        while writing:
            await drain(processes[0].store, "slack", deliver)
            await asyncio.sleep(0)
        await drain(processes[0].store, "slack", deliver)

    async def write(process_index: int, room_index: int) -> None:
        process, room = processes[process_index], rooms[room_index]
        for n in range(4):
            joiner = c.Actor(f"p{process_index}-{n}")
            await process.do(c.Arrive(joiner), room)
            await process.do(c.JoinStage(joiner), room)

    try:
        for room in rooms:
            await processes[0].do(c.StartSession(HOST, "open"), room)
        consumer = asyncio.create_task(consume())
        await asyncio.gather(*(write(p, r) for p in range(3) for r in range(len(rooms))))
        writing = False
        await consumer

        logged = []
        for room in rooms:
            logged += [item.id for item in await processes[0].store.history(room)]
        logged.sort()
        assert len(logged) == len(rooms) * (1 + 3 * 4)
        assert sorted(delivered) == logged  # each once, none skipped while others were committing
        for room in rooms:  # and each room in its own order
            ids = {item.id for item in await processes[0].store.history(room)}
            assert [i for i in delivered if i in ids] == sorted(ids)
    finally:
        for process in processes:
            await process.close()


async def test_X3_an_event_of_one_room_committed_before_a_lower_id_of_another_room_skips_neither(
    database_url: str,
) -> None:
    """Ids of different rooms may commit out of order; per-room cursors deliver both, each room in order."""
    process = await start_process(database_url)
    reader = await start_process(database_url)  # the deliverer, in a process of its own
    engine = create_async_engine(database_url)
    elsewhere = ROOM.__class__(ROOM.platform, ROOM.workspace, "C2")
    try:
        await process.do(c.StartSession(HOST, "open"))
        await process.do(c.StartSession(HOST, "open"), elsewhere)
        await arrive(process, "ann", room=elsewhere)
        delivered: list[int] = []

        async def deliver(item: LoggedEvent, caused: Sequence[Event]) -> None:
            delivered.append(item.id)

        await drain(reader.store, "slack", deliver)
        async with engine.connect() as other:  # another bot process, in the middle of a command on ROOM
            channel = {"channel": ROOM.channel}
            await other.execute(text("UPDATE rooms SET version = version + 1 WHERE channel = :channel"), channel)
            await other.execute(
                text(
                    "INSERT INTO events (room_id, at, actor, name, payload) "
                    'SELECT id, 1.0, \'host\', \'session.ended\', \'{"event": "session.ended", "by": "host"}\' '
                    "FROM rooms WHERE channel = :channel"
                ),
                channel,
            )
            await other.execute(
                text(
                    "UPDATE rooms SET last_event_id = (SELECT MAX(id) FROM events WHERE room_id = rooms.id) "
                    "WHERE channel = :channel"
                ),
                channel,
            )
            # On PostgreSQL this commits a higher id in the other room first; SQLite waits for the writer.
            joining = asyncio.create_task(process.do(c.JoinStage(c.Actor("ann")), elsewhere))
            await asyncio.sleep(0.3)
            await drain(reader.store, "slack", deliver)
            await other.commit()
        await joining
        await drain(reader.store, "slack", deliver)

        here = [item.id for item in await process.store.history(ROOM)]
        there = [item.id for item in await process.store.history(elsewhere)]
        assert sorted(delivered) == sorted(here + there)  # each once
        assert [i for i in delivered if i in here] == here  # each room in its order
        assert [i for i in delivered if i in there] == there
        if engine.dialect.name == "postgresql":
            assert max(there) > here[-1] and delivered.index(max(there)) < delivered.index(here[-1])
    finally:
        await engine.dispose()
        await reader.close()
        await process.close()


@pytest.mark.parametrize("page", [1, 2, 3, 100])
async def test_M4_each_event_is_delivered_with_every_event_of_its_command_whatever_the_page_size(
    database_url: str, page: int
) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "request"))
        await arrive(process, "ann", "bob", "cy")
        for user in ("ann", "bob", "cy"):
            await process.do(c.AskToJoin(c.Actor(user)))
        await process.do(c.ChangeMode(HOST, "open"))  # closes three requests, then logs the switch itself
        seen: list[tuple[str, list[str]]] = []

        async def deliver(item: LoggedEvent, caused: Sequence[Event]) -> None:
            seen.append((item.event.name, [event.name for event in caused]))

        logged = len(await process.store.read("slack", 1000))
        assert await drain(process.store, "slack", deliver, batch=page) == logged
        switch = ["request.cancelled"] * 3 + ["mode.changed"]
        assert [names for name, names in seen if name in ("request.cancelled", "mode.changed")] == [switch] * 4
        assert [name for name, _ in seen][-4:] == switch  # in log order
    finally:
        await process.close()
