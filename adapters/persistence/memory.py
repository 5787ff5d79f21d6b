"""An in-memory unit of work: for the pure benchmarks and the core's unit tests."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from types import TracebackType

from core.events import Event
from core.room import Room, RoomKey
from core.service import LoggedEvent, Owns


class MemoryStore:
    """Rooms and an event log held in this process only."""

    def __init__(self) -> None:
        self.rooms: dict[RoomKey, Room] = {}
        self.log: list[LoggedEvent] = []
        self.cursors: dict[str, dict[RoomKey, int]] = {}  # consumer -> room -> last delivered id

    def unit_of_work(self) -> MemoryUnitOfWork:
        """Return a unit of work over this store."""
        return MemoryUnitOfWork(self)

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Owns | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        """Return the events after each room's cursor, in log order (one process: no leases)."""
        if done:
            await self.ack(consumer, *done)
        cursors = self.cursors.get(consumer, {})
        return [
            item
            for item in self.log
            if item.id > cursors.get(item.room, 0)
            and (platform is None or item.room.platform == platform)
            and (owns is None or owns(item.room))
        ][:limit]

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        """Move the cursors of the events' rooms past them."""
        done = self.cursors.setdefault(consumer, {})
        for delivered in (event_id, *more):
            room = self.log[delivered - 1].room
            done[room] = max(done.get(room, 0), delivered)

    async def due_rooms(self, platform: str, now: float, limit: int = 1000) -> list[RoomKey]:
        """T4: return the platform's rooms with a timer due by `now`, soonest first."""
        found = []
        for key, room in self.rooms.items():
            when = room.next_due() if key.platform == platform else None
            if when is not None and when <= now:
                found.append((when, key))
        found.sort()
        return [key for _, key in found[:limit]]


class MemoryUnitOfWork:
    """Rooms live in the store itself; a unit of work that fails puts back the rooms as it found them."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._before: dict[RoomKey, Room] = {}  # each loaded room as it was, put back if this fails
        self._events: list[tuple[RoomKey, float, str | None, Event]] = []

    async def __aenter__(self) -> MemoryUnitOfWork:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if error is not None:  # a rollback: the commands' changes to the rooms are undone, their events dropped
            self._store.rooms.update(self._before)
            self._events.clear()

    async def load(self, key: RoomKey) -> Room:
        """Return the room, making an empty one the first time."""
        room = self._store.rooms.get(key)
        if room is None:
            room = self._store.rooms[key] = Room(key)
        self._before.setdefault(key, copy.deepcopy(room))
        return room

    async def lock_workspace(self, room: Room, *, stages: bool) -> int:
        """With `stages`, return the largest stage among the workspace's other live rooms it rules (C1), else 0."""
        ws = (room.key.platform, room.key.workspace)
        if not stages:  # one process, no lock to take; each room holds its own copy of the workspace here
            return 0
        return max(
            (
                len(other.stage)
                for other in self._store.rooms.values()
                if (other.key.platform, other.key.workspace) == ws and other.key != room.key
                if other.session.live and other.channel.capacity is None
            ),
            default=0,
        )

    async def save(self, room: Room, events: list[Event], now: float, actor: str | None) -> None:
        """Queue the events for the log; the room object already is the state."""
        self._events.extend((room.key, now, actor, event) for event in events)
        room.clean()

    async def commit(self) -> None:
        """Append the queued events to the log (ids follow positions in it)."""
        log = self._store.log
        first = len(log) + 1
        log.extend(LoggedEvent(first + i, *queued) for i, queued in enumerate(self._events))
        self._events.clear()
        self._before.clear()
