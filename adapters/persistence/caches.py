"""What a unit of work keeps between commands: the rooms and workspaces this process has seen."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from adapters.persistence.local import LocalHandoff
from adapters.persistence.statements import Statements
from adapters.persistence.steps import StepConnection
from core.room import Room, RoomKey, Settings


@dataclass
class CachedRoom:
    """A room as this process last saw it."""

    room: Room
    room_id: int
    version: int  # the room version the object reflects
    workspace_version: object  # the workspace row version room.workspace reflects
    next_due: float | None = None  # the due time stored in the room row (T4's index)
    # SQLite: the runner's count of other connections' commits when the object was last known current
    # (under the write lock); while it stays the same, nobody else wrote, and nothing need be read.
    foreign: int | None = None
    last_event_id: int | None = None  # the room's newest logged event as this process knows it (None: unknown)


@dataclass
class CachedWorkspace:
    version: int | None  # None: no row yet
    settings: Settings


class Caches(Protocol):
    """What a unit of work needs of its store: the statements, a connection, and the process's caches."""

    statements: Statements
    rooms: dict[RoomKey, CachedRoom]
    workspaces: dict[tuple[str, str], CachedWorkspace]
    room_locks: dict[RoomKey, asyncio.Lock]  # PostgreSQL: held by the unit of work that loaded the room
    contended: dict[RoomKey, float]  # rooms loaded with their lock until then (monotonic): another process wrote
    local: LocalHandoff  # what this process commits, for its own deliverers, and acknowledgements owed

    def connection(self) -> AbstractAsyncContextManager[StepConnection]:
        """Borrow a connection for one step."""
        ...
