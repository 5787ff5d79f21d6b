"""X3: a pump delivers its own process's commits as committed, and reads the log whenever that could miss one.

On SQLite a unit of work knows its events' ids and the room's newest event before them; a pump
holding the room's lease that delivered exactly up to that event takes them without reading the
log back, and their acknowledgement rides with the next write. Anything it could not account for
(another process's events, a first look at a room) makes it read the log as before. PostgreSQL's
one-statement write returns its events' ids; there the acknowledgement is written at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from adapters import outbox
from adapters.outbox import pump
from adapters.persistence.sql import SqlStore
from core import commands as c
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent, StageService
from tests.integration.stage import HOST, ROOM, Clock, Process
from tests.integration.test_workspace_settings_cost import traced
from tests.integration.watched import Watched

CONSUMER = "slack"


@pytest.fixture(autouse=True)
def no_quiet_spells(monkeypatch: pytest.MonkeyPatch) -> None:
    """No poll and no quiet spell ends a round here (a slow machine's pauses): only commits wake the pump."""
    monkeypatch.setattr(outbox, "LINGER_SECONDS", 60.0)


class Running:
    """A process with its pump running: the service wakes the pump with every commit, as the bot's does."""

    def __init__(self, store: SqlStore, poll: float = 60.0) -> None:
        self.store = store
        self.wake, self.stop = asyncio.Event(), asyncio.Event()
        self.service = StageService(store.unit_of_work, Clock(), on_commit=self.wake.set)
        self.log = Watched(store)
        self.delivered: list[int] = []
        self.call: Callable[[LoggedEvent], Awaitable[None]] | None = None
        self.pump = asyncio.create_task(pump(self.log, CONSUMER, self.deliver, self.wake, poll, self.stop))

    async def deliver(self, item: LoggedEvent, caused: Sequence[Event]) -> None:
        if self.call is not None:
            await self.call(item)  # what the platform's side of this delivery does first
        self.delivered.append(item.id)

    async def settle(self, expected: int) -> None:
        """Wait until `expected` events are delivered (the pump keeps going)."""
        for _ in range(500):
            if len(self.delivered) >= expected:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"only {len(self.delivered)} of {expected} events delivered")

    async def end(self) -> None:
        self.stop.set()
        self.wake.set()
        await self.pump


@asynccontextmanager
async def running_on(url: str) -> AsyncIterator[Running]:
    """Open a store at `url` with its pump running; stop both at the end."""
    store = await SqlStore.open(url)
    running = Running(store)
    try:
        yield running
    finally:
        await running.end()
        await store.close()


def _logged(path: Path) -> list[int]:
    with sqlite3.connect(path) as probe:
        ids = [row[0] for row in probe.execute("SELECT id FROM events ORDER BY id")]
    probe.close()
    return ids


def _cursor(path: Path) -> int:
    with sqlite3.connect(path) as probe:
        row = probe.execute("SELECT max(delivered_id) FROM deliveries WHERE consumer = ?", (CONSUMER,)).fetchone()
    probe.close()
    return int(row[0] or 0)


async def _guests(running: Running, count: int, room: RoomKey = ROOM) -> None:
    for n in range(count):
        await running.service.handle(room, c.Arrive(c.Actor(f"guest{n}")))
        await running.service.handle(room, c.JoinStage(c.Actor(f"guest{n}")))
        await asyncio.sleep(0)  # the pump's turn, as a bot's would come between clicks


async def test_X3_a_pump_delivers_its_own_commits_once_each_in_order_without_reading_them_back(tmp_path: Path) -> None:
    path = tmp_path / "local.db"
    async with running_on(f"sqlite+aiosqlite:///{path}") as running:
        await running.service.handle(ROOM, c.StartSession(HOST, "open"))
        await running.settle(1)
        reads = running.log.reads
        await _guests(running, 30)
        logged = _logged(path)
        await running.settle(len(logged))
        assert running.delivered == logged  # every event once, in order
        assert running.log.reads - reads <= 2  # not one read per command: 60 commands came as committed
    assert _cursor(path) == logged[-1]  # and all of it acknowledged by the clean end


async def test_X3_the_acknowledgement_of_a_handed_over_delivery_rides_with_the_next_command(tmp_path: Path) -> None:
    path = tmp_path / "local.db"
    async with running_on(f"sqlite+aiosqlite:///{path}") as running:
        store = running.store
        await running.service.handle(ROOM, c.StartSession(HOST, "open"))
        await _guests(running, 3)
        await running.settle(len(_logged(path)))
        delivered = running.delivered[-1]
        assert _cursor(path) < delivered  # owed, not yet written by a transaction of its own
        async with traced(Process(store, running.service)) as statements:
            await running.service.handle(ROOM, c.Arrive(c.Actor("late")))
        assert "INSERT INTO deliveries" in " ".join(statements)  # inside the command's transaction ...
        assert statements.count("COMMIT") == 1
        assert _cursor(path) >= delivered  # ... which moved the cursor


async def test_X3_another_processes_events_in_the_room_make_the_pump_read_them_in_order(tmp_path: Path) -> None:
    path = tmp_path / "local.db"
    url = f"sqlite+aiosqlite:///{path}"
    other = await SqlStore.open(url)
    elsewhere = StageService(other.unit_of_work, Clock())
    try:
        async with running_on(url) as running:
            await running.service.handle(ROOM, c.StartSession(HOST, "open"))
            await _guests(running, 2)
            await running.settle(len(_logged(path)))
            for n in range(3):  # another process, whose commits wake nothing here
                await elsewhere.handle(ROOM, c.Arrive(c.Actor(f"visitor{n}")))
                await elsewhere.handle(ROOM, c.JoinStage(c.Actor(f"visitor{n}")))
            theirs = _logged(path)[-3:]
            reads = running.log.reads
            await running.service.handle(ROOM, c.Arrive(c.Actor("late")))  # a click here, after theirs
            await running.service.handle(ROOM, c.JoinStage(c.Actor("late")))
            logged = _logged(path)
            assert logged[-1] > theirs[-1]
            await running.settle(len(logged))
            assert running.delivered == logged  # theirs and ours, each once, in the room's order
            assert running.log.reads > reads
    finally:
        await other.close()


async def test_X3_on_postgresql_too_the_pump_delivers_its_own_commits_without_reading_them_back(
    postgres_url: str,
) -> None:
    async with running_on(postgres_url) as running:
        store = running.store
        room = RoomKey("slack", "T-local", "C-local")
        await running.service.handle(room, c.StartSession(HOST, "open"))
        await _guests(running, 5, room)
        logged = [item.id for item in await store.history(room)]
        await running.settle(len(logged))
        assert running.delivered == logged  # every event once, in order
        assert running.log.reads <= 3  # the write returned the ids: they came as committed
        assert await store.read(CONSUMER, 100) == []  # and each was acknowledged as delivered


async def test_X3_what_no_command_carried_is_written_before_the_next_round_delivers_more(tmp_path: Path) -> None:
    path = tmp_path / "local.db"
    async with running_on(f"sqlite+aiosqlite:///{path}") as running:
        await running.service.handle(ROOM, c.StartSession(HOST, "open"))
        await _guests(running, 2)
        await running.settle(len(_logged(path)))
        await running.service.handle(ROOM, c.Arrive(c.Actor("slow")))
        await running.service.handle(ROOM, c.Arrive(c.Actor("next")))
        cursors: dict[str, int] = {}

        async def platform(item: LoggedEvent) -> None:
            user = getattr(item.event, "user", "")
            if user == "slow":  # a slow call: the next command commits meanwhile, so it carries nothing for this
                await asyncio.sleep(0.05)
            if user == "next":
                cursors.setdefault("next", _cursor(path))  # as the next round's first delivery begins

        running.call = platform
        await running.service.handle(ROOM, c.JoinStage(c.Actor("slow")))
        slow = _logged(path)[-1]
        await asyncio.sleep(0.01)  # its delivery under way
        await running.service.handle(ROOM, c.JoinStage(c.Actor("next")))
        await running.settle(len(_logged(path)))
        assert cursors["next"] >= slow  # written before anything more was delivered
