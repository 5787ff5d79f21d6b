"""What this process committed, handed to its own deliverers so they need not read it back (SQLite).

A unit of work that logs events knows their ids (SQLite gives them one after another under the
write lock) and the room's newest event before them. A deliverer that holds the room's lease with
time to spare and has delivered exactly up to that newest event can deliver them straight away:
nothing can come between (a room's ids commit in order, and another process's events would have
moved the room's newest event). Anything else — an unknown room, a gap, a lease running out, a
room of another platform's shard — and the deliverer reads the log as it always does.

Its acknowledgements may then ride with the next write this process makes: the next command's
transaction, or the pump's next round (which writes what no command carried before delivering
more, as a read does), or the store's close — whichever comes first (SQLite; PostgreSQL's
one-statement command write carries none, so there they are written at once, beside the next
command on another connection). A crash before then sends those deliveries again, the bound a
read's own acknowledgement has always had.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.events import event_from_dict
from core.room import RoomKey
from core.service import LoggedEvent, Owns

if TYPE_CHECKING:
    from adapters.persistence.steps import Runner

# Events kept per deliverer between two of its rounds; past this it reads the log instead.
KEPT = 10_000


@dataclass
class Batch:
    """One room's events of one transaction, in id order, after the room's newest event before them."""

    room: RoomKey
    room_id: int
    previous: int  # the room's newest event before these
    events: list[LoggedEvent]


def newest_ids(events: list[dict[str, Any]], ids: list[int]) -> dict[int, int]:
    """Return each room's newest event id in a transaction whose events got `ids`, by room id."""
    return {row["room_id"]: event_id for row, event_id in zip(events, ids, strict=True)}


def batches(
    events: list[dict[str, Any]], ids: list[int], rooms: dict[int, tuple[RoomKey, int | None]]
) -> dict[int, Batch]:
    """Return each room's events of a transaction whose events got `ids` (in order), by room id.

    `rooms` gives each room's key and its newest event before the transaction (None: not known,
    and then the room gets no batch).
    """
    found: dict[int, Batch] = {}
    for event_id, row in zip(ids, events, strict=True):
        room_id = row["room_id"]
        key, previous = rooms[room_id]
        if previous is None:
            continue
        batch = found.get(room_id)
        if batch is None:
            batch = found[room_id] = Batch(key, room_id, previous, [])
        actor = row["actor"]
        event = event_from_dict(json.loads(row["payload"]), actor)
        batch.events.append(LoggedEvent(event_id, key, row["at"], actor, event))
    return found


class LocalHandoff:
    """The batches this process committed, per deliverer that asked for them, and acknowledgements owed."""

    def __init__(self, fresh: Callable[[str, int], bool], ack: Any, ack_ids: Callable[[list[int]], Any]) -> None:
        self._fresh = fresh  # (consumer, room id) -> whether this process holds that lease with time to spare
        self._ack, self._ack_ids = ack, ack_ids  # the delivery's acknowledgement statement, and its ids parameter
        self._queues: dict[str, list[Batch]] = {}
        self._kept: dict[str, int] = {}
        self.owed: dict[str, list[int]] = {}  # consumer -> delivered ids whose acknowledgement is not written yet

    @property
    def wanted(self) -> bool:
        """Say whether any deliverer takes batches (else a unit of work need not make them)."""
        return bool(self._queues)

    def committed(self, found: Iterable[Batch], complete: bool) -> None:
        """Keep a committed transaction's batches for every deliverer that takes them.

        Not `complete` (some room's events came without a batch): each deliverer reads the log next.
        """
        found = list(found)
        for consumer, queue in self._queues.items():
            if not complete:
                self._kept[consumer] = KEPT
            elif self._kept[consumer] < KEPT:
                queue.extend(found)
                self._kept[consumer] += sum(len(batch.events) for batch in found)

    def carry(self, run: Runner) -> dict[str, list[int]]:
        """Write the acknowledgements owed within the step's transaction; return what it carries."""
        carried = {consumer: list(ids) for consumer, ids in self.owed.items() if ids}
        for consumer, ids in carried.items():
            run.run(self._ack, {"consumer": consumer, "ids": self._ack_ids(ids)})
        return carried

    def take(
        self, consumer: str, through: dict[RoomKey, int], platform: str | None, owns: Owns | None
    ) -> list[LoggedEvent] | None:
        """Return the events committed here since the last take that follow `through`, or None: read the log.

        `through` is, per room, the newest event the deliverer delivered. The first call only starts
        keeping batches for the consumer.
        """
        queue = self._queues.get(consumer)
        if queue is None:
            self._queues[consumer], self._kept[consumer] = [], 0
            return None
        kept = self._kept[consumer]
        self._queues[consumer], self._kept[consumer] = [], 0
        if kept >= KEPT:
            return None
        newest = dict(through)
        taken: list[LoggedEvent] = []
        for batch in queue:
            if platform is not None and batch.room.platform != platform:
                continue
            if owns is not None and not owns(batch.room):
                continue
            if newest.get(batch.room) != batch.previous or not self._fresh(consumer, batch.room_id):
                return None
            taken += batch.events
            newest[batch.room] = batch.events[-1].id
        return taken

    def discard(self, consumer: str) -> None:
        """Forget the consumer's batches: it reads the log, which brings them."""
        if consumer in self._queues:
            self._queues[consumer], self._kept[consumer] = [], 0

    def owe(self, consumer: str, ids: Iterable[int]) -> None:
        """Keep acknowledgements for the next write to carry."""
        self.owed.setdefault(consumer, []).extend(ids)

    def written(self, carried: dict[str, list[int]]) -> None:
        """Drop the acknowledgements a committed write carried."""
        for consumer, ids in carried.items():
            left = self.owed.get(consumer, [])
            done = set(ids)
            self.owed[consumer] = [i for i in left if i not in done]
            if not self.owed[consumer]:
                del self.owed[consumer]


def handed_over(
    local: LocalHandoff,
    events: list[dict[str, Any]],
    ids: list[int] | None,
    found: dict[int, Batch] | None,
    carried: dict[str, list[int]],
) -> dict[int, int | None]:
    """Once committed: give the deliverers the batches, drop the acknowledgements written.

    Return the newest event of each room that logged any (None: the ids are not known here).
    """
    local.written(carried)
    if not events:
        return {}
    found = found or {}
    if local.wanted:
        local.committed(found.values(), complete=all(row["room_id"] in found for row in events))
    if ids is None or len(ids) != len(events):
        return dict.fromkeys((row["room_id"] for row in events), None)
    return dict(newest_ids(events, ids))
