"""Per-room lanes: one room's work in order, never two at once for a room, and a bounded number of rooms at once."""

from __future__ import annotations

import asyncio

from adapters.discord.lanes import Lanes


async def test_no_more_rooms_run_at_once_than_the_lanes_and_the_rest_wait_their_turn() -> None:
    running: set[int] = set()
    most = 0
    done: list[int] = []
    gate = asyncio.Event()

    async def work(room: int) -> None:
        nonlocal most
        running.add(room)
        most = max(most, len(running))
        await gate.wait()
        running.discard(room)
        done.append(room)

    lanes = Lanes[int](work, name="test", limit=3)
    for room in range(10):
        lanes.push(room)
    await asyncio.sleep(0)
    assert len(running) == 3  # bounded: thousands of rooms are not thousands of tasks
    gate.set()
    await lanes.idle()
    assert most == 3 and sorted(done) == list(range(10))
    assert done[:3] == [0, 1, 2]  # rooms start in the order they were asked for


async def test_work_asked_for_while_a_room_runs_runs_once_more_after_it_never_alongside() -> None:
    log: list[str] = []
    release = asyncio.Event()

    async def work(room: str) -> None:
        log.append(f"start {room}")
        await release.wait()
        log.append(f"end {room}")

    lanes = Lanes[str](work, name="test")
    lanes.push("a")
    await asyncio.sleep(0)
    lanes.push("a")
    lanes.push("a")  # a burst while it runs is one more run
    release.set()
    await lanes.idle()
    assert log == ["start a", "end a", "start a", "end a"]


async def test_a_room_whose_work_fails_still_frees_its_lane() -> None:
    seen: list[int] = []

    async def work(room: int) -> None:
        seen.append(room)
        if room == 0:
            raise RuntimeError("injected")

    lanes = Lanes[int](work, name="test", limit=1)
    lanes.push(0)
    lanes.push(1)
    await lanes.idle()
    assert seen == [0, 1]
