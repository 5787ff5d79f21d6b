"""T4 and X3 for timers: two processes fire the same due rooms at once, and each timer fires once.

Timers are found through the due-time index (SqlStore.due_rooms, rooms.next_due): a process ticks
only the rooms with something due (adapters.timers.fire_due), and a Tick is a command like any
other, so the room's lock makes whichever process comes second find nothing left to fire.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from adapters.persistence.sql import SqlStore
from core import commands as c
from core import events as ev
from core.room import RoomKey
from core.service import StageService
from tests.integration import workers as w
from tests.integration.many import Worker

START = 1_000.0
FIRE_AT = 1_030.0  # past every timer of the due rooms, before any of the others'
DUE = [RoomKey("slack", "T2", f"due{n}") for n in range(8)]
LATER = [RoomKey("slack", "T2", f"later{n}") for n in range(3)]  # an invitation lapsing in an hour
IDLE = [RoomKey("slack", "T2", f"idle{n}") for n in range(3)]  # a session with nothing pending
OTHER_PLATFORM = RoomKey("discord", "G1", "due")  # due, but not the Slack processes' to fire
# What fires in each due room, in due order, and when (T4: each at its own due time).
EXPECTED = [
    ("invitation.expired", "u2", START + 5),
    ("invitation.expired", "u3", START + 1 + 5),
    ("turn.warning", "u1", START + 20 - 10),
    ("stage.left", "u1", START + 20),
]


async def _set_up(url: str) -> None:
    store = await SqlStore.open(url, migrate=True)
    clock = [START]
    service = StageService(store.unit_of_work, lambda: clock[0])
    try:
        for key in [*DUE, OTHER_PLATFORM]:
            clock[0] = START
            setup: list[c.Command] = [
                c.SetExpiry(w.ADMIN, "5"),
                c.SetTurn(w.ADMIN, "20"),
                c.StartSession(w.HOST, "open"),
            ]
            for command in setup:
                await service.handle(key, command)
            for user in ("u1", "u2", "u3"):
                await service.handle(key, c.Arrive(c.Actor(user)))
            await service.handle(key, c.JoinStage(c.Actor("u1")))  # warned at +10, off at +20
            await service.handle(key, c.Invite(w.HOST, "u2"))  # lapses at +5
            clock[0] = START + 1
            await service.handle(key, c.Invite(w.HOST, "u3"))  # lapses at +6
        clock[0] = START
        for key in LATER:
            for step in (c.SetExpiry(w.ADMIN, "3600"), c.StartSession(w.HOST, "open"), c.Arrive(c.Actor("u2"))):
                await service.handle(key, step)
            await service.handle(key, c.Invite(w.HOST, "u2"))
        for key in IDLE:
            await service.handle(key, c.StartSession(w.HOST, "open"))
    finally:
        await store.close()


async def test_T4_X3_two_processes_firing_the_same_due_rooms_at_once_log_each_timer_exactly_once_in_due_order(
    database_url: str, tmp_path: Path
) -> None:
    await _set_up(database_url)
    store = await SqlStore.open(database_url, migrate=False)
    try:
        # T4's index: only what is due (all of it at the same moment, START + 5, so in no particular order)
        assert sorted(await store.due_rooms("slack", FIRE_AT), key=str) == sorted(DUE, key=str)
        workers = list(await asyncio.gather(*(Worker.start(database_url, tmp_path, n) for n in (0, 1))))
        try:
            at = time.time() + 1.0  # both start at this moment, each walking the same due rooms in the same order
            for worker in workers:
                await worker.send(op="fire", now=FIRE_AT, at=at)
            answers = [await worker.receive() for worker in workers]
        finally:
            for worker in workers:
                await worker.quit()

        due = {key.channel for key in DUE}
        ticked = [set(answer["ticked"]) for answer in answers]
        assert all(rooms <= due for rooms in ticked), ticked  # no room with nothing due is ticked
        assert set.union(*ticked) == due
        # Both found the rooms due before the other had fired them (they usually tick all eight each):
        # some room got two Ticks, and the second fired nothing, as the log below shows.
        assert sum(map(len, ticked)) > len(due), ticked
        for key in DUE:
            fired = [
                (item.event.name, getattr(item.event, "user", None), item.at)
                for item in await store.history(key)
                if isinstance(item.event, ev.InvitationExpired | ev.TurnWarning)
                or (isinstance(item.event, ev.StageLeft) and item.event.reason == "turn_ended")
            ]
            assert fired == EXPECTED, key
        assert await store.due_rooms("slack", FIRE_AT) == []  # fired, and the index knows it
        assert sorted(await store.due_rooms("slack", START + 3_600), key=str) == LATER
        assert await store.due_rooms("discord", FIRE_AT) == [OTHER_PLATFORM]  # left to the Discord processes
    finally:
        await store.close()
