"""T4 for the platforms: tick only the rooms whose next timer is due, found in the store's due-time index.

Any number of processes may run this: a timer is fired by a Tick, a command like any other, so the
room's lock orders the Ticks and whichever comes second finds the timer already gone (a no-op).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from core.commands import Actor, Command, Tick
from core.events import Event
from core.room import RoomKey
from core.service import Owns

log = logging.getLogger(__name__)


class DueRooms(Protocol):
    """The store's due-time index."""

    async def due_rooms(self, platform: str, now: float, limit: int = 1000) -> list[RoomKey]:
        """Return the platform's rooms with a timer due by `now`, soonest first."""
        ...


class Handler(Protocol):
    """Where a Tick goes: the stage service, or an adapter's wrapper of it."""

    async def handle(self, key: RoomKey, command: Command) -> list[Event]:
        """Apply a command to a room."""
        ...


async def fire_due(
    index: DueRooms,
    service: Handler,
    platform: str,
    clock: Callable[[], float],
    owns: Owns | None = None,
    actor: Actor | None = None,
) -> int:
    """Tick every room of the platform with a timer due now (of those `owns` accepts); return how many."""
    ticked = 0
    for key in await index.due_rooms(platform, clock()):
        if owns is not None and not owns(key):
            continue
        try:
            await service.handle(key, Tick(actor or Actor("")))
            ticked += 1
        except Exception:
            log.exception("timers of %s failed", key)  # the room stays due: the next round tries again
    return ticked
