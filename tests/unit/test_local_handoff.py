"""X3: which of its own commits a pump may deliver without reading the log (adapters/persistence/local.py)."""

from __future__ import annotations

from adapters.persistence.local import KEPT, Batch, LocalHandoff
from core.events import HandRaised
from core.room import RoomKey
from core.service import LoggedEvent

SLACK = RoomKey("slack", "T1", "C1")
DISCORD = RoomKey("discord", "G1", "V1")


def _batch(room: RoomKey, room_id: int, previous: int, *ids: int) -> Batch:
    return Batch(room, room_id, previous, [LoggedEvent(i, room, 1.0, "ann", HandRaised("ann", None)) for i in ids])


def _local(fresh: bool = True) -> LocalHandoff:
    return LocalHandoff(lambda consumer, room_id: fresh, ack=None, ack_ids=list)


def test_X3_the_first_take_only_starts_keeping_batches_and_the_next_gets_what_follows() -> None:
    local = _local()
    local.committed([_batch(SLACK, 1, 4, 5)], complete=True)  # before anyone asked: kept for nobody
    assert local.take("slack", {SLACK: 4}, None, None) is None
    local.committed([_batch(SLACK, 1, 5, 6, 7)], complete=True)
    local.committed([_batch(SLACK, 1, 7, 9)], complete=True)
    taken = local.take("slack", {SLACK: 5}, None, None)
    assert [item.id for item in taken or []] == [6, 7, 9]
    assert local.take("slack", {SLACK: 9}, None, None) == []  # taken once


def test_X3_a_gap_a_lease_running_out_or_too_many_kept_means_read_the_log() -> None:
    local = _local()
    local.take("slack", {}, None, None)
    local.committed([_batch(SLACK, 1, 8, 9)], complete=True)
    assert local.take("slack", {SLACK: 7}, None, None) is None  # event 8 was not delivered here
    local.committed([_batch(SLACK, 1, 9, 10)], complete=True)
    local.committed([_batch(SLACK, 1, 10, 11)], complete=False)  # a room's events came without ids
    assert local.take("slack", {SLACK: 9}, None, None) is None
    stale = _local(fresh=False)
    stale.take("slack", {}, None, None)
    stale.committed([_batch(SLACK, 1, 9, 10)], complete=True)
    assert stale.take("slack", {SLACK: 9}, None, None) is None  # its lease is not ours for long enough
    local.committed([_batch(SLACK, 1, 9, *range(10, 10 + KEPT))], complete=True)
    assert local.take("slack", {SLACK: 9}, None, None) is None  # kept past the limit: read instead


def test_X3_rooms_of_another_platform_or_shard_are_left_to_their_own_deliverer() -> None:
    local = _local()
    local.take("slack", {}, None, None)
    local.committed([_batch(DISCORD, 2, 0, 3), _batch(SLACK, 1, 3, 4)], complete=True)
    taken = local.take("slack", {SLACK: 3}, "slack", None)
    assert [item.id for item in taken or []] == [4]
    local.committed([_batch(SLACK, 1, 4, 5)], complete=True)
    assert local.take("slack", {SLACK: 4}, None, lambda room: room != SLACK) == []


def test_X3_acknowledgements_owed_are_dropped_only_once_written() -> None:
    local = _local()
    local.owe("slack", [3, 4])
    carried = {"slack": [3, 4]}
    local.owe("slack", [5])
    local.written(carried)
    assert local.owed == {"slack": [5]}
    local.written({"slack": [5]})
    assert local.owed == {}
