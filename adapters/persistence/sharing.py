"""Which free rooms one deliverer takes when several processes deliver one platform.

Each takes at most its fair share of the rooms with something to deliver (those rooms over
the live deliverers, rounded up), counting the ones it already holds, so that a burst is
spread over the processes instead of going to whichever read first. A free room that stays
free past the share for `STEAL_SECONDS` (its fair taker is slow, busy or gone) is taken by
whoever sees it then: sharing never delays a delivery by more than that.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

STEAL_SECONDS = 0.5  # how long a room past the fair share waits for another deliverer before anyone takes it


class Share:
    """One deliverer's choice of free rooms, for one consumer."""

    def __init__(self, owner: str, steal_seconds: float = STEAL_SECONDS) -> None:
        self.owner = owner
        self.steal_seconds = steal_seconds
        self._waiting: dict[int, float] = {}  # free rooms past the share -> when first seen so

    def spare(self, held: Sequence[int], pending: int, live: int) -> list[int]:
        """Return which of the rooms this deliverer holds to give back: those past its fair share of `pending`."""
        return self._ranked(held)[-(-pending // max(live, 1)) :]

    def choose(self, free: Sequence[int], held: int, pending: int, live: int, now: float) -> list[int]:
        """Return which free rooms to take: up to a fair share of `pending`, and any left waiting too long."""
        fair = -(-pending // max(live, 1))
        ranked = self._ranked(free)
        cut = max(fair - held, 0)
        taken, over = ranked[:cut], ranked[cut:]
        self._waiting = {room: self._waiting.get(room, now) for room in over}
        stolen = [room for room in over if now - self._waiting[room] >= self.steal_seconds]
        for room in stolen:
            del self._waiting[room]
        return taken + stolen

    def _ranked(self, rooms: Sequence[int]) -> list[int]:
        # Each deliverer ranks the rooms its own way, so that two reading at once mostly want different rooms.
        return sorted(rooms, key=lambda room: zlib.crc32(f"{self.owner}:{room}".encode()))
