"""The event log: written in the state change's transaction, read by each consumer with its own cursor."""

from __future__ import annotations

import pytest

from adapters.outbox import drain
from core import commands as c
from core import rules
from core.events import RequestCreated, SessionEnded, SessionStarted, StageJoined
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

    async def deliver_then_die(item: LoggedEvent) -> None:
        delivered.append(item)
        if isinstance(item.event, StageJoined):
            raise Crash()  # delivered to the platform, but the process dies before the cursor moves

    with pytest.raises(Crash):
        await drain(process.store, "slack", deliver_then_die)
    await process.close()

    restarted = await start_process(database_url)
    try:
        redelivered: list[LoggedEvent] = []

        async def deliver(item: LoggedEvent) -> None:
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
