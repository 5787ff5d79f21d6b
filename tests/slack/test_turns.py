"""Timed turns and the line on Slack: time left in the roster, timers in order, auto-advance, you're next, fair order.

Through Bolt's signed dispatch against the fake Slack Web API (T1, T3, T4, Q4, Q5).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from datetime import datetime

from adapters.present.turns import next_change, time_left
from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, live_session
from tests.slack.fake_files import dm_of


def last(slack, user: str) -> str:
    told = slack.fake.told(user)
    assert told, f"{user} was told nothing"
    return told[-1]


def roster_edits(slack) -> int:
    return sum(1 for call in slack.fake.calls if call.method == "chat.update" and call.status == 200)


async def on_stage(slack, *users: str) -> None:
    for user in users:
        await slack.command(user, "join")
        await slack.submit(user, "get_ready")


async def later(slack, seconds: float) -> None:
    """Let time pass, with the tick the running app sends and a delivery round after it."""
    slack.clock.now += seconds
    await slack.tick()
    await slack.deliver()


def test_T1_time_left_is_whole_minutes_rounded_up_then_under_a_minute_then_under_30_s():
    assert [time_left(s) for s in (300, 241, 240, 61, 60, 31, 30, 1, 0)] == [
        "5 min left", "5 min left", "4 min left", "2 min left",
        "under 1 min left", "under 1 min left", "under 30 s left", "under 30 s left", "ending now",
    ]  # fmt: skip
    assert [next_change(s) for s in (300, 241, 61, 60, 30, 0)] == [60, 1, 1, 30, 30, None]


async def test_T1_the_roster_shows_each_timed_speaker_s_time_left(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 300")
    await on_stage(slack, ALEX)
    slack.clock.now += 100
    await on_stage(slack, BEA)
    text = slack.roster_text()
    assert f"*Time left:* <@{ALEX}> 4 min left · <@{BEA}> 5 min left" in text  # the turn ending first first
    assert f"<@{ADMIN}>" not in text.split("Time left")[1].split('"')[0]  # a moderator's turn has no limit


async def test_T1_the_roster_is_edited_when_its_minute_changes_and_not_in_between(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 300")
    await on_stage(slack, ALEX)
    assert f"<@{ALEX}> 5 min left" in slack.roster_text()
    edits = roster_edits(slack)
    for _ in range(59):  # a tick a second for 59 s: the wording stays "5 min left", so no chat.update
        await later(slack, 1)
    assert roster_edits(slack) == edits
    await later(slack, 1)
    assert roster_edits(slack) == edits + 1 and f"<@{ALEX}> 4 min left" in slack.roster_text()
    for _ in range(4 * 60):  # to the end of the turn, a tick a second: one edit a minute, plus the warning's
        await later(slack, 1)
    assert roster_edits(slack) - edits <= 1 + 3 + 2 + 1  # 4, 3, 2 min, under 1 min, under 30 s, the end
    assert "Time left" not in slack.roster_text()  # the turn ended: Alex is in the audience


async def test_T1_the_roster_says_under_30_s_at_the_turn_warning(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 120")
    await on_stage(slack, ALEX)
    await later(slack, 89)
    assert f"<@{ALEX}> under 1 min left" in slack.roster_text()
    await later(slack, 1)  # T1's warning, 30 s before the end, and the roster's last step together
    assert "ends in 30 s" in last(slack, ALEX)
    assert f"<@{ALEX}> under 30 s left" in slack.roster_text()


async def test_T1_T2_an_extension_shows_at_once_in_the_roster(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 60")
    await on_stage(slack, ALEX)
    await later(slack, 31)
    assert f"<@{ALEX}> under 30 s left" in slack.roster_text()
    await slack.click(ADMIN, b.EXTEND_FIVE, f"{CHANNEL}|{ALEX}")
    assert f"<@{ALEX}> 6 min left" in slack.roster_text()  # 29 s + 300 s, rounded up


async def test_T1_T3_a_turn_that_runs_out_advances_the_head_of_the_line(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "turn 60")
    await slack.command(ADMIN, "advance on")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, f"approve <@{ALEX}|alex>")
    await on_stage(slack, ALEX)
    await slack.command(BEA, "ask")
    await later(slack, 61)
    assert any("Your turn is over" in text for text in slack.fake.told(ALEX))
    assert "invited" in last(slack, BEA).lower()  # T3: the freed place went to the head of the line


async def test_T3_with_auto_advance_off_a_turn_s_end_invites_nobody(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "turn 60")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, f"approve <@{ALEX}|alex>")
    await on_stage(slack, ALEX)
    await slack.command(BEA, "ask")
    await later(slack, 61)
    assert "invited" not in " ".join(slack.fake.told(BEA)).lower()


async def test_T4_timers_overdue_at_one_tick_fire_once_in_due_order_at_their_own_times(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 60")
    await on_stage(slack, ALEX)
    started = slack.clock.now
    slack.clock.now += 10
    await on_stage(slack, BEA)
    await later(slack, 500)  # one tick, long after both warnings and both ends
    await later(slack, 5)  # a second tick fires nothing again
    await slack.command(ADMIN, "export 1")
    rows = list(csv.DictReader(io.StringIO(slack.fake.files.shared(dm_of(ADMIN))[0].data.decode())))
    timers = [(r["event"], r["user"], r["at"]) for r in rows if r["event"] in ("turn.warning", "stage.left")]
    assert [(event, user) for event, user, _ in timers] == [
        ("turn.warning", ALEX), ("turn.warning", BEA), ("stage.left", ALEX), ("stage.left", BEA),
    ]  # fmt: skip
    seconds = [round(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() - started) for *_, at in timers]
    assert seconds == [30, 40, 60, 70]  # each at its own due time, not at the tick's
    assert all(not r["actor"] for r in rows if r["event"] in ("turn.warning",))  # a timer has no actor
    warned = [text for text in slack.fake.told(ALEX) if "ends in 30 s" in text]
    assert len(warned) == 1


async def test_Q4_the_requester_who_moves_to_first_place_is_told_they_are_next_once(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "ask")
    assert not [text for text in slack.fake.told(BEA) if "You're next" in text]
    await slack.command(ALEX, "cancel")
    assert "You're next" in last(slack, BEA)
    buttons = [e["action_id"] for call in slack.fake.calls for block in call.args.get("blocks") or []
               if call.args.get("user") == BEA and "You're next" in call.args.get("text", "")
               for e in block.get("elements") or []]  # fmt: skip
    assert b.CANCEL in buttons  # told with the way out of the line
    await slack.command(CAL, "ask")
    await slack.command(ADMIN, f"decline <@{CAL}|cal>")
    assert len([text for text in slack.fake.told(BEA) if "You're next" in text]) == 1
    assert not [text for text in slack.fake.told(CAL) if "You're next" in text]


async def test_Q5_fair_order_puts_whoever_had_least_stage_time_first_in_the_roster_queue(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, f"approve <@{ALEX}|alex>")
    await on_stage(slack, ALEX)
    slack.clock.now += 120
    await slack.command(ADMIN, f"remove <@{ALEX}|alex>")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "ask")
    assert f"1. <@{ALEX}>  2. <@{BEA}>" in slack.roster_text()  # asked order: Alex asked first
    await slack.command(ADMIN, "order fair")
    assert f"1. <@{BEA}>  2. <@{ALEX}>" in slack.roster_text()  # fair: Bea had no time on stage yet
    await slack.command(ADMIN, "order asked")
    assert f"1. <@{ALEX}>  2. <@{BEA}>" in slack.roster_text()


async def test_T1_the_running_roster_loop_redraws_when_the_time_left_falls_due_with_nothing_else_happening(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 31")
    await on_stage(slack, ALEX)
    assert f"<@{ALEX}> under 1 min left" in slack.roster_text()
    loop = asyncio.create_task(slack.bot.stage.roster.run())  # the app's roster task; nobody marks the room
    try:
        await asyncio.sleep(0.2)  # the loop has drawn what was marked and sleeps until the wording is due (1 s)
        assert f"<@{ALEX}> under 30 s left" not in slack.roster_text()
        slack.clock.now += 1  # the service's clock reaches 30 s left while the loop sleeps
        for _ in range(60):
            await asyncio.sleep(0.05)
            if f"<@{ALEX}> under 30 s left" in slack.roster_text():
                break
        assert f"<@{ALEX}> under 30 s left" in slack.roster_text()
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
