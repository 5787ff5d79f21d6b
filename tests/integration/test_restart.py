"""State survives a restart: a new process on the same database sees the same stage."""

from __future__ import annotations

from core import commands as c
from core.events import InvitationExpired, StageJoined, StageLeft
from tests.integration.stage import ADMIN, HOST, ROOM, Clock, Process, arrive, errors, start_process


async def _busy_session(process: Process) -> None:
    """Request mode with three requests, an invitation, two hands and two people on stage."""
    clock = process.clock
    assert not errors(await process.do(c.StartSession(HOST, "request")))
    await arrive(process, "ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal")
    for user in ("ben", "ann", "cat"):
        clock.now += 1
        await process.do(c.AskToJoin(c.Actor(user), f"{user} has a question"))
    for user in ("gus", "hal"):
        clock.now += 1
        await process.do(c.Invite(HOST, user))
        await process.do(c.JoinStage(c.Actor(user)))
    clock.now += 1
    await process.do(c.Speak(c.Actor("gus")))  # hal is now the least recently active (C3)
    await process.do(c.Invite(HOST, "dan"))
    for user in ("fay", "eve"):
        await process.do(c.RaiseHand(c.Actor(user)))


async def test_a_new_process_sees_the_same_session_requests_invitations_hands_and_stage(database_url: str) -> None:
    before = await start_process(database_url)
    await _busy_session(before)
    seen_before = await before.status()
    await before.close()

    after = await start_process(database_url, Clock(before.clock.now))
    try:
        seen_after = await after.status()
        assert seen_after == seen_before
        assert seen_after.live and seen_after.mode == "request"
        assert [r["user"] for r in seen_after.requests] == ["ben", "ann", "cat"]
        assert [r["position"] for r in seen_after.requests] == [1, 2, 3]
        assert seen_after.requests[0]["note"] == "ben has a question"
        assert seen_after.invitations == ["dan"]
        assert seen_after.hands == ["fay", "eve"]
        assert seen_after.on_stage == ["gus", "hal"]
    finally:
        await after.close()


async def test_C3_eviction_order_survives_a_restart(database_url: str) -> None:
    before = await start_process(database_url)
    await _busy_session(before)
    await before.close()

    after = await start_process(database_url, Clock(before.clock.now + 1))
    try:
        assert not errors(await after.do(c.SetCapacity(ADMIN, "2")))
        events = await after.do(c.JoinStage(c.Actor("dan")))
        assert StageLeft("hal", "evicted", "dan") in events
        assert StageJoined("dan", evicted="hal") in events
        assert (await after.status()).on_stage == ["gus", "dan"]
    finally:
        await after.close()


async def test_C5_a_live_mic_survives_a_restart_and_keeps_its_speaker_on_a_full_stage(database_url: str) -> None:
    before = await start_process(database_url)
    await _busy_session(before)  # hal is the least recently active...
    await before.do(c.MicChanged(c.Actor("hal"), on=True))  # ...but his mic is live
    await before.close()

    after = await start_process(database_url, Clock(before.clock.now + 1))
    try:
        async with after.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
        assert room.people["hal"].mic_live and not room.people["gus"].mic_live
        assert not errors(await after.do(c.SetCapacity(ADMIN, "2")))
        events = await after.do(c.JoinStage(c.Actor("dan")))
        assert StageJoined("dan", evicted="gus") in events
        assert (await after.status()).on_stage == ["hal", "dan"]
    finally:
        await after.close()


async def test_C5_mic_changes_made_by_one_process_decide_who_another_process_moves(database_url: str) -> None:
    first = await start_process(database_url)
    second = await start_process(database_url, first.clock)
    try:
        await _busy_session(first)  # hal is the least recently active (C3 alone would move him)
        assert (await second.status()).on_stage == ["gus", "hal"]  # the second process has the room cached
        first.clock.now += 5
        await first.do(c.MicChanged(c.Actor("hal"), on=True))
        await first.do(c.MicChanged(c.Actor("gus"), on=True))
        first.clock.now += 5
        await first.do(c.MicChanged(c.Actor("gus"), on=False))  # gus's last activity: now
        async with second.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
        assert room.people["hal"].mic_live and not room.people["gus"].mic_live
        assert room.people["gus"].last_active == first.clock.now
        assert not errors(await second.do(c.SetCapacity(ADMIN, "2")))
        assert StageJoined("dan", evicted="gus") in await second.do(c.JoinStage(c.Actor("dan")))
    finally:
        await first.close()
        await second.close()


async def test_J8_an_invitation_expires_on_time_after_a_restart(database_url: str) -> None:
    before = await start_process(database_url)
    await _busy_session(before)
    invited_at = before.clock.now
    await before.close()

    after = await start_process(database_url, Clock(invited_at + 599))
    try:
        assert not [e for e in await after.do(c.Tick(c.Actor(""))) if isinstance(e, InvitationExpired)]
        after.clock.now = invited_at + 600
        assert InvitationExpired("dan") in await after.do(c.Tick(c.Actor("")))
        assert (await after.status()).invitations == []
    finally:
        await after.close()


async def test_a_process_sees_what_another_process_changed_since_it_last_looked(database_url: str) -> None:
    first = await start_process(database_url)
    second = await start_process(database_url)
    try:
        await _busy_session(first)
        assert (await second.status()).on_stage == ["gus", "hal"]
        await first.do(c.RemoveFromStage(HOST, "gus"))
        await first.do(c.CancelRequest(c.Actor("ann")))
        await first.do(c.LowerHand(c.Actor("fay")))
        seen = await second.status()
        assert seen.on_stage == ["hal"]
        assert [r["user"] for r in seen.requests] == ["ben", "cat"]
        assert seen.hands == ["eve"]
        # And back: the first process sees the second's change too.
        await second.do(c.EndSession(HOST))
        assert not (await first.status()).live
    finally:
        await first.close()
        await second.close()
