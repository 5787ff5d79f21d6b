"""X3: the last command's acknowledgement rides with the next read, and is never lost on a clean end."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.outbox import drain
from core import commands as c
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent
from tests.integration.stage import HOST, ROOM, arrive, start_process


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
