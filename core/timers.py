"""T4: every timer of a room — J8 invitation expiries, T1 turn warnings and turn ends — in one heap.

Keyed (due time, order set), so timers fire in the order they fall due and ties in the order they
were set, whatever their kind; popping the next due one costs the log of the number pending, never
a scan of the room. Entries go stale when what they time changes (an invitation answered, a turn
extended or over); the room says which entries are current, stale ones are skipped when met and
swept out when they outnumber the current ones.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import NamedTuple

EXPIRY = "expiry"  # J8: an invitation lapses
WARNING = "warning"  # T1: a turn's warning point
TURN_END = "turn_end"  # T1: a turn runs out
# Ties between timers rebuilt from storage: within one person, in the order they are set.
KIND_ORDER = {EXPIRY: 0, WARNING: 1, TURN_END: 2}


def _tie_order(entry: tuple[float, int, str, str]) -> tuple[float, int, int]:
    return entry[0], entry[1], KIND_ORDER[entry[2]]


class Timer(NamedTuple):
    """One pending timer; a tuple, so the heap compares in C."""

    due: float
    order: int
    kind: str
    user: str


class Timers:
    """The due-time heap of one room."""

    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._order = 0

    def set(self, due: float, kind: str, user: str) -> None:
        """Add a timer, after every timer already set for the same moment."""
        heapq.heappush(self._heap, Timer(due, self._order, kind, user))
        self._order += 1

    def rebuild(self, pending: Iterable[tuple[float, int, str, str]]) -> None:
        """Start over from (due, tie, kind, user) entries; ties keep the order of `tie`, then of kind."""
        entries = sorted(pending, key=_tie_order)
        self._heap = [Timer(due, order, kind, user) for order, (due, _, kind, user) in enumerate(entries)]
        self._order = len(self._heap)  # already sorted, so already a heap

    def add(self, pending: Iterable[tuple[float, int, str, str]]) -> None:
        """Add (due, tie, kind, user) entries after every timer already set; ties among them as in `rebuild`."""
        for due, _, kind, user in sorted(pending, key=_tie_order):
            self.set(due, kind, user)

    def pop_due(self, now: float, current: Callable[[Timer], bool]) -> Timer | None:
        """Return the first current timer due by `now`, dropping stale ones on the way; None if none is due."""
        while self._heap and self._heap[0].due <= now:
            timer = heapq.heappop(self._heap)
            if current(timer):
                return timer
        return None

    def pending(self, current: Callable[[Timer], bool]) -> list[tuple[float, str, str]]:
        """Return every current timer as (due, kind, user), in firing order, each once."""
        seen: dict[tuple[float, str, str], None] = {}
        for timer in sorted(self._heap):
            if current(timer):
                seen.setdefault((timer.due, timer.kind, timer.user), None)
        return list(seen)

    def next_due(self) -> float | None:
        """Return when the earliest entry (perhaps stale) falls due."""
        return self._heap[0].due if self._heap else None

    def next_current(self, current: Callable[[Timer], bool]) -> float | None:
        """Return when the earliest current timer falls due, dropping stale entries ahead of it."""
        while self._heap and not current(self._heap[0]):
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def __len__(self) -> int:
        return len(self._heap)
