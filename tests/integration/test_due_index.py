"""T4 across processes: the store's due-time index names exactly the rooms whose next timer is due."""

from __future__ import annotations

from core import commands as c
from core.events import InvitationExpired, TurnWarning
from core.room import RoomKey
from tests.integration.stage import ADMIN, HOST, ROOM, Clock, arrive, start_process

ELSEWHERE = RoomKey("slack", "T1", "C2")
DISCORD_ROOM = RoomKey("discord", "1", "2")


async def test_T4_J8_a_room_is_due_from_its_invitations_expiry_and_not_before(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "invite"))
        await process.do(c.SetExpiry(ADMIN, "30"))
        await arrive(process, "ann")
        await process.do(c.Invite(HOST, "ann"))
        sent = process.clock.now
        for key in (ELSEWHERE, DISCORD_ROOM):  # live rooms with nothing timed are never due
            await process.do(c.StartSession(HOST, "open"), key)
        assert await process.store.due_rooms("slack", sent + 29.9) == []
        assert await process.store.due_rooms("slack", sent + 30) == [ROOM]
        assert await process.store.due_rooms("discord", sent + 3600) == []

        process.clock.now = sent + 31
        fired = await process.do(c.Tick(HOST))
        assert [type(e) for e in fired if isinstance(e, InvitationExpired)] == [InvitationExpired]
        assert await process.store.due_rooms("slack", sent + 3600) == []  # nothing left to fire
    finally:
        await process.close()


async def test_T4_Q2_a_withdrawn_invitation_takes_its_room_out_of_the_index(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "invite"))
        await arrive(process, "ann")
        await process.do(c.Invite(HOST, "ann"))
        assert await process.store.due_rooms("slack", process.clock.now + 86_400) == [ROOM]
        await process.do(c.Uninvite(HOST, "ann"))
        assert await process.store.due_rooms("slack", process.clock.now + 86_400) == []
    finally:
        await process.close()


async def test_T4_T1_the_index_follows_a_turn_warning_then_its_end_and_survives_a_restart(database_url: str) -> None:
    clock = Clock()
    process = await start_process(database_url, clock)
    try:
        await process.do(c.StartSession(HOST, "open"))
        await process.do(c.SetTurn(ADMIN, "60"))
        await arrive(process, "ann")
        await process.do(c.JoinStage(c.Actor("ann")))
        joined = clock.now
        assert await process.store.due_rooms("slack", joined + 29) == []
        assert await process.store.due_rooms("slack", joined + 30) == [ROOM]  # the warning, 30 s before the end
    finally:
        await process.close()

    restarted = await start_process(database_url, clock)  # a new process: the index is in the database
    try:
        assert await restarted.store.due_rooms("slack", joined + 30) == [ROOM]
        clock.now = joined + 30
        warned = await restarted.do(c.Tick(HOST))
        assert any(isinstance(e, TurnWarning) for e in warned)
        assert await restarted.store.due_rooms("slack", joined + 59) == []  # next: the end, at 60 s
        assert await restarted.store.due_rooms("slack", joined + 60) == [ROOM]
    finally:
        await restarted.close()


async def test_T4_due_rooms_come_soonest_first_and_a_limit_bounds_the_answer(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        rooms = [RoomKey("slack", "T1", f"C{n}") for n in range(5)]
        start = process.clock.now
        for n, key in enumerate(reversed(rooms)):  # the last room gets the soonest expiry
            await process.do(c.StartSession(HOST, "invite"), key)
            await process.do(c.SetExpiry(ADMIN, str(100 + 10 * (len(rooms) - n))), key)
            await arrive(process, "ann", room=key)
            await process.do(c.Invite(HOST, "ann"), key)
        assert await process.store.due_rooms("slack", start + 1000) == rooms
        assert await process.store.due_rooms("slack", start + 1000, limit=2) == rooms[:2]
    finally:
        await process.close()
