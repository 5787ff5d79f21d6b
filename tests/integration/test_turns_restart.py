"""Timed turns, the line's order and the records survive a restart (T1, T2, T4, Q4, Q5, R1)."""

from __future__ import annotations

from core import commands as c
from core.events import Event, StatsReply
from tests.integration.stage import ADMIN, HOST, ROOM, Clock, Process, arrive, errors, start_process


def public(events: list[Event]) -> list[dict[str, object]]:
    return [e.as_dict() for e in events if not e.is_reply]


async def _timed_speaker(process: Process, turn: str = "90") -> None:
    """An open session with a 90 s turn length; ann joins at 1000 (warned at 1060, ends at 1090)."""
    assert not errors(await process.do(c.SetTurn(ADMIN, turn)))
    assert not errors(await process.do(c.StartSession(HOST, "open")))
    await arrive(process, "ann", "bob")
    assert not errors(await process.do(c.JoinStage(c.Actor("ann"))))


async def _restart(before: Process, database_url: str, at: float) -> Process:
    await before.close()
    return await start_process(database_url, Clock(at))


async def test_T1_T4_a_turn_running_at_a_stop_warns_and_ends_on_time_after_the_restart(database_url: str) -> None:
    before = await start_process(database_url)
    await _timed_speaker(before)
    after = await _restart(before, database_url, 1059.0)
    try:
        assert public(await after.do(c.Tick(c.Actor("")))) == []
        after.clock.now = 1060.0
        assert public(await after.do(c.Tick(c.Actor("")))) == [
            {"event": "turn.warning", "user": "ann", "seconds_left": 30}
        ]
        after.clock.now = 1089.0
        assert public(await after.do(c.Tick(c.Actor("")))) == []
        after.clock.now = 1090.0
        assert public(await after.do(c.Tick(c.Actor("")))) == [
            {"event": "stage.left", "user": "ann", "reason": "turn_ended", "by": None}
        ]
    finally:
        await after.close()


async def test_T1_T4_a_warning_given_before_the_stop_is_not_repeated_after_it(database_url: str) -> None:
    before = await start_process(database_url)
    await _timed_speaker(before)
    before.clock.now = 1070.0
    assert [e["event"] for e in public(await before.do(c.Tick(c.Actor(""))))] == ["turn.warning"]
    after = await _restart(before, database_url, 1089.0)
    try:
        assert public(await after.do(c.Tick(c.Actor("")))) == []
        after.clock.now = 1095.0
        assert [e["reason"] for e in public(await after.do(c.Tick(c.Actor(""))))] == ["turn_ended"]
    finally:
        await after.close()


async def test_T4_a_warning_and_an_end_that_fell_due_while_down_fire_once_each_in_order(database_url: str) -> None:
    before = await start_process(database_url)
    await _timed_speaker(before)
    after = await _restart(before, database_url, 2000.0)
    try:
        assert public(await after.do(c.Tick(c.Actor("")))) == [
            {"event": "turn.warning", "user": "ann", "seconds_left": 30},
            {"event": "stage.left", "user": "ann", "reason": "turn_ended", "by": None},
        ]
        assert public(await after.do(c.Tick(c.Actor("")))) == []
        (stats,) = [e for e in await after.do(c.Stats(HOST)) if isinstance(e, StatsReply)]
        assert stats.people[0]["stage_seconds"] == 90  # the stint ended at its own due time, not at 2000
    finally:
        await after.close()


async def test_T2_an_extended_turn_keeps_its_new_end_across_a_restart(database_url: str) -> None:
    before = await start_process(database_url)
    await _timed_speaker(before)
    assert not errors(await before.do(c.ExtendTurn(HOST, "ann", seconds="60")))
    after = await _restart(before, database_url, 1119.0)
    try:
        assert [e["event"] for e in public(await after.do(c.Tick(c.Actor(""))))] == []
        after.clock.now = 1120.0  # 150 s turn: warned 30 s before its new end
        assert [e["event"] for e in public(await after.do(c.Tick(c.Actor(""))))] == ["turn.warning"]
        after.clock.now = 1150.0
        assert [e["event"] for e in public(await after.do(c.Tick(c.Actor(""))))] == ["stage.left"]
    finally:
        await after.close()


async def test_T3_Q5_settings_survive_a_restart_at_channel_and_workspace_level(database_url: str) -> None:
    before = await start_process(database_url)
    for command in (
        c.SetTurn(ADMIN, "45", workspace=True),
        c.SetAdvance(ADMIN, "on"),
        c.SetOrder(ADMIN, "fair", workspace=True),
    ):
        assert not errors(await before.do(command))
    after = await _restart(before, database_url, 1000.0)
    try:
        async with after.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
        assert (room.workspace.turn, room.channel.advance, room.workspace.order) == (45, True, "fair")
        assert (room.turn, room.advance, room.order) == (45, True, "fair")
    finally:
        await after.close()


async def test_Q4_Q5_R1_the_fair_line_and_everyone_s_figures_survive_a_restart(database_url: str) -> None:
    before = await start_process(database_url)
    assert not errors(await before.do(c.SetOrder(ADMIN, "fair")))
    assert not errors(await before.do(c.StartSession(HOST, "open")))
    await arrive(before, "ann", "bob", "cat")
    assert not errors(await before.do(c.JoinStage(c.Actor("ann"))))
    before.clock.now += 40
    assert not errors(await before.do(c.RemoveFromStage(HOST, "ann")))
    assert not errors(await before.do(c.ChangeMode(HOST, "request")))
    for user in ("ann", "bob"):
        before.clock.now += 5
        assert not errors(await before.do(c.AskToJoin(c.Actor(user))))
    (seen,) = [e for e in await before.do(c.Stats(HOST)) if isinstance(e, StatsReply)]
    after = await _restart(before, database_url, before.clock.now)
    try:
        assert [r["user"] for r in (await after.status()).requests] == ["bob", "ann"]
        (again,) = [e for e in await after.do(c.Stats(HOST)) if isinstance(e, StatsReply)]
        assert again.people == seen.people
        after.clock.now += 3
        events = public(await after.do(c.BringToStage(HOST, "bob")))
        # ann asked first (at position 1, so told); bob went ahead of her; back at the head she is not told again
        assert [e["event"] for e in events] == ["request.approved"]
        assert not errors(await after.do(c.DeclineRequest(HOST, "ann")))
        (last,) = [e for e in await after.do(c.Stats(HOST)) if isinstance(e, StatsReply)]
        assert {p["user"]: p["waited_seconds"] for p in last.people} == {"ann": 8, "bob": 3}
    finally:
        await after.close()
