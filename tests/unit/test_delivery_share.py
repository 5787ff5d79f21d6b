"""X3 sharing: each deliverer takes its fair share of the free rooms, and what others leave waiting."""

from __future__ import annotations

from adapters.persistence.sharing import STEAL_SECONDS, Share


def test_X3_a_lone_deliverer_takes_every_free_room_at_once() -> None:
    assert sorted(Share("a").choose([1, 2, 3, 4, 5], held=0, pending=5, live=1, now=0.0)) == [1, 2, 3, 4, 5]


def test_X3_two_deliverers_reading_the_same_burst_take_half_each_rounded_up_and_between_them_all() -> None:
    rooms = list(range(1, 12))
    first = Share("host:1:aaaa").choose(rooms, held=0, pending=11, live=2, now=0.0)
    assert len(first) == 6
    left = [room for room in rooms if room not in first]
    second = Share("host:2:bbbb").choose(left, held=0, pending=11, live=2, now=0.0)
    assert sorted(first + second) == rooms


def test_X3_rooms_a_deliverer_already_holds_count_towards_its_share() -> None:
    assert Share("a").choose([7, 8, 9], held=2, pending=6, live=2, now=0.0) == [7]
    assert Share("a").choose([7, 8, 9], held=3, pending=6, live=2, now=0.0) == []


def test_X3_a_room_left_waiting_past_the_share_is_taken_once_it_waited_long_enough_and_not_before() -> None:
    share = Share("a")
    first = share.choose([1, 2, 3, 4], held=0, pending=4, live=2, now=10.0)
    waiting = [room for room in (1, 2, 3, 4) if room not in first]
    assert share.choose(waiting, held=2, pending=4, live=2, now=10.0 + STEAL_SECONDS / 2) == []
    assert sorted(share.choose(waiting, held=2, pending=4, live=2, now=10.0 + STEAL_SECONDS)) == waiting


def test_X3_a_room_another_deliverer_took_meanwhile_starts_its_wait_afresh_if_it_is_free_again() -> None:
    share = Share("a")
    share.choose([1, 2], held=0, pending=2, live=2, now=0.0)
    (waiting,) = [room for room in (1, 2) if room not in share.choose([1, 2], held=0, pending=2, live=2, now=0.0)]
    assert share.choose([], held=1, pending=2, live=2, now=0.2) == []  # someone took it
    assert share.choose([waiting], held=1, pending=2, live=2, now=STEAL_SECONDS + 0.1) == []  # free again: waits anew


def test_X3_a_deliverer_holding_more_than_its_share_gives_back_the_rest_and_keeps_its_share() -> None:
    share = Share("a")
    spare = share.spare([1, 2, 3, 4], pending=4, live=2)
    assert len(spare) == 2 and set(spare) < {1, 2, 3, 4}
    assert share.spare([1, 2], pending=4, live=2) == []
    assert share.spare([1, 2, 3, 4], pending=4, live=1) == []
