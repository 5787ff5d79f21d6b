"""X3: acknowledgements ride with the next read or the next command's, and are never lost on a clean end."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from adapters.outbox import ACK_AFTER_SECONDS, drain
from core import commands as c
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent
from tests.integration.stage import HOST, ROOM, Process, arrive, start_process
from tests.integration.watched import Watched


class Seen:
    """A deliverer that notes every event id it is given."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    async def __call__(self, item: LoggedEvent, caused: Sequence[Event]) -> None:
        self.ids.append(item.id)


async def test_X3_a_lingering_drain_leaves_the_last_commands_acknowledgement_owed_and_the_next_read_sends_it(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        seen, owed = Seen(), list[int]()
        await drain(process.store, "slack", seen, linger=True, owed=owed)
        assert owed == seen.ids[-len(owed) :] and owed  # the last command's events, not yet acknowledged

        await arrive(process, "ann")
        await process.do(c.JoinStage(c.Actor("ann")))
        again = Seen()
        assert await drain(process.store, "slack", again, owed=owed) == len(again.ids)
        assert not set(again.ids) & set(seen.ids)  # the owed acknowledgement went with the first read
        assert owed == []  # without lingering, a drain ends on a read, which acknowledges everything
        assert await process.store.read("slack", 100) == []
    finally:
        await process.close()


async def test_X3_a_drain_without_a_place_to_keep_an_owed_acknowledgement_sends_it_before_returning(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        seen = Seen()
        assert await drain(process.store, "slack", seen, linger=True) == len(seen.ids) > 0
        assert await process.store.read("slack", 100) == []
    finally:
        await process.close()


async def test_X3_an_owed_acknowledgement_lost_in_a_crash_sends_only_that_commands_events_again(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    await process.do(c.StartSession(HOST, "open"))
    await drain(process.store, "slack", Seen())
    await arrive(process, "ann")
    await process.do(c.JoinStage(c.Actor("ann")), ROOM)
    seen, owed = Seen(), list[int]()
    await drain(process.store, "slack", seen, linger=True, owed=owed)
    await process.close()  # a crash: the owed acknowledgement never went

    restarted = await start_process(database_url)
    try:
        again = Seen()
        await drain(restarted.store, "slack", again)
        assert again.ids == owed  # one command's events, the same ids: a deliverer knows the repeat
    finally:
        await restarted.close()


async def test_X3_one_acknowledgement_of_events_in_two_rooms_moves_each_rooms_cursor_to_its_newest_never_back(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        other = RoomKey(ROOM.platform, ROOM.workspace, "C2")
        for room in (ROOM, other):
            await process.do(c.StartSession(HOST, "open"), room)
            await arrive(process, "ann", room=room)
            await process.do(c.JoinStage(c.Actor("ann")), room)
        logged = await process.store.read("slack", 100)
        by_room = {room: [item.id for item in logged if item.room == room] for room in (ROOM, other)}
        assert all(len(ids) > 1 for ids in by_room.values())
        await process.store.ack("slack", by_room[ROOM][-1], by_room[other][-1], by_room[ROOM][0])
        assert await process.store.read("slack", 100) == []
        await process.store.ack("slack", by_room[other][0])  # an older one again: the cursor stays
        assert await process.store.read("slack", 100) == []
        await arrive(process, "bob", room=other)
        await process.do(c.JoinStage(c.Actor("bob")), other)
        assert {item.room for item in await process.store.read("slack", 100)} == {other}
    finally:
        await process.close()


async def _three_commands(database_url: str) -> Process:
    process = await start_process(database_url)
    await process.do(c.StartSession(HOST, "open"))
    await drain(process.store, "slack", Seen())
    await arrive(process, "ann", "bob", "cy")
    for user in ("ann", "bob", "cy"):  # three commands, each with its own events
        await process.do(c.JoinStage(c.Actor(user)))
    return process


async def test_X3_a_deliverer_that_calls_a_platform_has_each_commands_events_acknowledged_before_the_next(
    database_url: str,
) -> None:
    process = await _three_commands(database_url)
    try:
        steps: list[tuple[str, int]] = []

        async def platform_call(item: LoggedEvent, caused: Sequence[Event]) -> None:
            await asyncio.sleep(ACK_AFTER_SECONDS * 3)  # a round trip to Slack or Discord
            steps.append(("deliver", item.id))

        owed: list[int] = []
        await drain(Watched(process.store, steps), "slack", platform_call, linger=True, owed=owed)
        acks = [n for n, (step, _) in enumerate(steps) if step == "ack"]
        assert len(acks) == 2  # three commands: the first two acknowledged as their delivery ends
        for n in acks:  # ... before anything of the next command is delivered
            before = [event_id for step, event_id in steps[:n] if step == "deliver"]
            after = [event_id for step, event_id in steps[n:] if step == "deliver"]
            assert steps[n][1] == max(before) < min(after)
        delivered = [event_id for step, event_id in steps if step == "deliver"]
        assert owed == [event_id for event_id in delivered if event_id > steps[acks[-1]][1]]  # the last command's
    finally:
        await process.close()


async def test_X3_commands_whose_delivery_sends_nothing_share_the_next_acknowledgement_and_repeat_together(
    database_url: str,
) -> None:
    process = await _three_commands(database_url)
    steps: list[tuple[str, int]] = []
    seen, owed = Seen(), list[int]()
    await drain(Watched(process.store, steps), "slack", seen, linger=True, owed=owed)
    assert len(seen.ids) >= 3 and steps == []  # no write of its own for deliveries that sent nothing
    assert owed == seen.ids
    await process.close()  # a crash: what was owed never went

    restarted = await start_process(database_url)
    try:
        again = Seen()
        await drain(restarted.store, "slack", again)
        assert again.ids == seen.ids  # those deliveries, and nothing acknowledged before them
    finally:
        await restarted.close()
