"""An in-memory unit of work: for the pure benchmarks and the core's unit tests."""

from __future__ import annotations

from types import TracebackType

from core.events import Event
from core.room import Room, RoomKey
from core.service import LoggedEvent


class MemoryStore:
    """Rooms and an event log held in this process only."""

    def __init__(self) -> None:
        self.rooms: dict[RoomKey, Room] = {}
        self.log: list[LoggedEvent] = []
        self.cursors: dict[str, int] = {}

    def unit_of_work(self) -> MemoryUnitOfWork:
        """Return a unit of work over this store."""
        return MemoryUnitOfWork(self)

    async def read(self, consumer: str, limit: int = 100) -> list[LoggedEvent]:
        """Return the events after the consumer's cursor."""
        after = self.cursors.get(consumer, 0)
        return self.log[after : after + limit]

    async def ack(self, consumer: str, event_id: int) -> None:
        """Move the consumer's cursor past an event."""
        self.cursors[consumer] = max(self.cursors.get(consumer, 0), event_id)


class MemoryUnitOfWork:
    """Rooms live in the store itself, so saving only appends to the log."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def __aenter__(self) -> MemoryUnitOfWork:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def load(self, key: RoomKey) -> Room:
        """Return the room, making an empty one the first time."""
        room = self._store.rooms.get(key)
        if room is None:
            room = self._store.rooms[key] = Room(key)
        return room

    async def save(self, room: Room, events: list[Event], now: float, actor: str | None) -> None:
        """Append the events; the room object already is the state."""
        log = self._store.log
        first = len(log) + 1  # taken before extending: ids follow positions in the log
        log.extend(LoggedEvent(first + i, room.key, now, actor, event) for i, event in enumerate(events))
        room.clean()

    async def commit(self) -> None:
        """Nothing to do: memory is already up to date."""
