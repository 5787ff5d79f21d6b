"""C3, C5: who leaves a full stage to make room — the least recently active speaker.

A live microphone counts as activity at every moment (C5), so every muted
speaker goes before anyone with a live mic, and live mics, all equally
active, go in joining order. Kept as a heap keyed (live, last active, join
order) so that choosing costs the log of the stage size, whatever the size
of the audience. Entries go stale when someone speaks again, their mic goes
on or off, or they leave the stage; they are skipped when met and swept out
when they outnumber the current ones.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import NamedTuple


class Seat(NamedTuple):
    """A stage member as eviction sees them: muted first, then by activity, then join order.

    A tuple, so the heap compares seats in C rather than through dataclass methods.
    `last_active` is 0 for a live mic: active now and always, so live seats tie on it.
    """

    live: bool
    last_active: float
    joined_seq: int
    user: str


class EvictionQueue:
    """Least-recently-active ordering of the stage."""

    def __init__(self) -> None:
        self._heap: list[Seat] = []

    def touch(self, seat: Seat) -> None:
        """Record a seat's current key (on joining the stage, speaking, or a mic going on or off)."""
        heapq.heappush(self._heap, seat)

    def rebuild(self, seats: Iterable[Seat]) -> None:
        """Start over from the current seats."""
        self._heap = list(seats)
        heapq.heapify(self._heap)

    def choose_evictee(
        self,
        current: Callable[[str], Seat | None],
        protected: Callable[[str], bool],
    ) -> str | None:
        """Return the stage member to move off, or None when only protected ones remain.

        `current` gives a user's live seat (None once off stage); `protected`
        says who may never be moved (moderators).
        """
        held: list[Seat] = []
        chosen: str | None = None
        while self._heap:
            seat = self._heap[0]
            if current(seat.user) != seat:
                heapq.heappop(self._heap)  # stale: spoke, or the mic changed, since; or left the stage
            elif protected(seat.user):
                held.append(heapq.heappop(self._heap))
            else:
                chosen = seat.user
                break
        for seat in held:
            heapq.heappush(self._heap, seat)
        return chosen

    def sweep_if_bloated(self, current_seats: Callable[[], Iterable[Seat]], current_count: int) -> None:
        """Drop stale entries once they clearly outnumber the current ones."""
        if len(self._heap) > 4 * current_count + 64:
            self.rebuild(current_seats())

    def __len__(self) -> int:
        return len(self._heap)
