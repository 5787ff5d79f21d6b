"""X3: two processes taking turns on one room keep their cached copies as a full load would build them.

Each process finds its copy stale whenever the other wrote since, reads the people written since
and applies them to its indexes (Room.apply_people). After every command the copy of the process
that ran it is compared with the room a third process loads afresh from the database.
"""

from __future__ import annotations

import random

from core import commands as c
from tests.integration.stage import ADMIN, HOST, ROOM, arrive, errors, start_process
from tests.unit.test_room_incremental import observed

USERS = [f"p{n}" for n in range(12)]


def random_command(rng: random.Random) -> c.Command:
    """Draw a command that moves someone: asks, answers, joins, speech, mics, hands, turns, removals."""
    user = rng.choice(USERS)
    guest = c.Actor(user)
    return rng.choice(
        [
            *[c.AskToJoin(guest)] * 4,
            *[c.BringToStage(HOST, user)] * 3,
            c.Invite(HOST, user),
            *[c.JoinStage(guest)] * 3,
            c.NextSpeaker(HOST),
            c.Speak(guest),
            c.MicChanged(guest, rng.random() < 0.5),
            c.RaiseHand(guest),
            c.LowerHand(guest),
            c.ExtendTurn(HOST, user, seconds="20"),
            c.RemoveFromStage(HOST, user),
            c.CancelRequest(guest),
            c.NextSpeaker(HOST),
            c.SetOrder(ADMIN, rng.choice(["fair", "asked"])),
        ]
    )


async def test_X3_C3_Q5_T4_two_processes_alternating_keep_their_cached_rooms_as_a_full_load_builds_them(
    database_url: str,
) -> None:
    one = await start_process(database_url)
    two = await start_process(database_url, one.clock)
    fresh = await start_process(database_url, one.clock)
    rng = random.Random(12)
    try:
        assert not errors(await one.do(c.SetCapacity(ADMIN, "3")))
        assert not errors(await one.do(c.SetTurn(ADMIN, "90")))
        assert not errors(await one.do(c.StartSession(HOST, "request")))
        await arrive(one, *USERS)
        busiest = (0, 0)
        for step in range(200):
            process = rng.choice([one, two])
            one.clock.now += rng.choice([0, 1, 2, 5])
            await process.do(random_command(rng))
            cached = process.store.rooms[ROOM].room
            fresh.store.rooms.clear()  # a first load: everyone read, every index built from them
            await fresh.status()
            assert observed(cached) == observed(fresh.store.rooms[ROOM].room), f"step {step}"
            busiest = max(busiest, (len(cached.stage), len(cached.requests)))
        assert busiest[0] == 3 and busiest[1] >= 2, f"the run filled the stage and a line: {busiest}"
    finally:
        for process in (one, two, fresh):
            await process.close()
