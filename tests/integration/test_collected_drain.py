"""X3: a drain for a deliverer that only collects sends every acknowledgement with the next read."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.outbox import drain
from adapters.persistence.sql import SqlStore
from core import commands as c
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent
from tests.integration.stage import HOST, ROOM, arrive, start_process

OTHER = RoomKey("slack", "T1", "C2")


class Seen:
    """A deliverer that notes every event it is given."""

    def __init__(self) -> None:
        self.items: list[LoggedEvent] = []

    async def __call__(self, item: LoggedEvent, caused: Sequence[Event]) -> None:
        self.items.append(item)


class CountedAcks:
    """The real store, counting the acknowledgements sent on their own (each one a write transaction)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.acks = 0
        self.reads = 0

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: object = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        self.reads += 1
        return await self.store.read(consumer, limit, platform=platform, done=done)

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        self.acks += 1
        await self.store.ack(consumer, event_id, *more)


async def test_X3_a_collecting_drain_acknowledges_nothing_between_reads_and_the_next_read_sends_the_newest_of_each_room(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        for room in (ROOM, OTHER):  # several commands (several batches) in two rooms
            await process.do(c.StartSession(HOST, "open"), room)
            await arrive(process, "ann", "ben", room=room)
            await process.do(c.JoinStage(c.Actor("ann")), room)
            await process.do(c.JoinStage(c.Actor("ben")), room)
        counted, seen, owed = CountedAcks(process.store), Seen(), list[int]()
        delivered = await drain(counted, "slack", seen, batch=3, linger=True, owed=owed, per_command=False)
        assert delivered == len(seen.items) == len(await process.store.history(ROOM)) * 2
        assert counted.reads > 2 and counted.acks == 0  # pages of three: every acknowledgement rode with a read
        newest = {item.room: item.id for item in seen.items}
        assert owed and set(owed) <= set(newest.values())  # what the last read brought: the newest of each room
        assert await process.store.read("slack", 100, done=owed) == []  # and with it, everything is acknowledged
    finally:
        await process.close()


async def test_X3_a_collecting_drains_owed_acknowledgement_lost_in_a_crash_delivers_what_its_last_read_brought_again(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    await process.do(c.StartSession(HOST, "open"))
    await drain(process.store, "slack", Seen())
    await arrive(process, "ann", "ben")
    await process.do(c.JoinStage(c.Actor("ann")))
    await process.do(c.JoinStage(c.Actor("ben")))
    seen, owed = Seen(), list[int]()
    await drain(process.store, "slack", seen, linger=True, owed=owed, per_command=False)
    await process.close()  # a crash: the owed acknowledgement never went

    restarted = await start_process(database_url)
    try:
        again = Seen()
        await drain(restarted.store, "slack", again)
        assert [item.id for item in again.items] == [item.id for item in seen.items]  # every command's, again
        assert len({(item.actor, item.at) for item in again.items}) > 1  # more than one command's events
    finally:
        await restarted.close()
