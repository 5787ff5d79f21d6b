"""Slack's own per-channel state lives in the database: it outlives a process and any process on it can read it."""

from __future__ import annotations

import json

from adapters.slack import kit as b
from adapters.slack.notify import CONSUMER
from adapters.slack.state import LEGACY_FILE, ChannelState, SlackState
from core import commands as c
from core.room import RoomKey
from core.service import StageService
from tests.conftest import open_store
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, MOD, live_session
from tests.slack.test_huddle import HUDDLE, huddle_started, turn_gated_on


async def test_restart_keeps_the_gated_stage_channel_the_huddle_and_group_moderators(slack):
    slack.fake.groups["S0HOSTS01"] = [CAL]
    await live_session(slack, "request")
    await slack.command(ADMIN, "moderators add <!subteam^S0HOSTS01|@hosts>")
    stage_channel = await turn_gated_on(slack)
    await slack.event(huddle_started([ADMIN], channel=stage_channel))
    roster_ts = slack.roster()["ts"]

    await slack.restart()
    state = slack.bot.stage.state.channel(slack.key)
    assert (state.stage_channel, state.huddle_room, state.roster_ts) == (stage_channel, HUDDLE, roster_ts)
    assert state.started_by == ADMIN
    # A2 after the restart: the group's member still moderates, and the gated stage channel still admits.
    await slack.command(CAL, f"invite <@{ALEX}>")
    assert "You have been invited" in slack.fake.told(ALEX)[-1]
    await slack.click(ALEX, b.JOIN, f"{CHANNEL}|")
    await slack.submit(ALEX, b.GET_READY)
    assert ALEX in slack.fake.members[stage_channel]
    assert slack.roster()["ts"] == roster_ts


async def test_no_state_file_is_written_and_another_process_on_the_database_reads_the_channel(slack):
    await live_session(slack, "request")
    roster_ts = slack.bot.stage.state.channel(slack.key).roster_ts
    assert roster_ts and slack.fake.of("chat.postMessage")
    assert not (slack.tmp / LEGACY_FILE).exists()

    other = await open_store(slack.tmp / "stagedoor.db", slack.template)
    try:
        seen = await SlackState.load(other)
        assert seen.rooms() == [slack.key]
        assert seen.channel(slack.key).roster_ts == roster_ts
        assert seen.channel(slack.key).started_by == ADMIN
    finally:
        await other.close()


async def test_A2_the_moderator_list_is_the_room_s_even_when_another_process_delivered_its_change(slack):
    await live_session(slack, "request")
    other = await open_store(slack.tmp / "stagedoor.db", slack.template)
    try:
        service = StageService(other.unit_of_work, slack.clock)
        admin = c.Actor(ADMIN, admin=True)
        await service.handle(slack.key, c.AddModerator(admin, MOD))
        # Another Slack process delivered the change: this one never sees the event.
        [logged] = await other.read(CONSUMER)
        await other.ack(CONSUMER, logged.id)

        await slack.command(ALEX, "ask")
        assert any("<@UALEX0001>" in text for text in slack.fake.told(MOD))
        await slack.click(MOD, b.PANEL, f"{CHANNEL}|")
        assert slack.fake.of("views.open")[-1]["view"]["callback_id"] == b.PANEL_VIEW
        assert await slack.bot.stage.service.channel_moderators(slack.key) == [MOD]

        await service.handle(slack.key, c.RemoveModerator(admin, MOD))
        [logged] = await other.read(CONSUMER)
        await other.ack(CONSUMER, logged.id)
        told = len(slack.fake.told(MOD))
        await slack.command(BEA, "ask")
        assert len(slack.fake.told(MOD)) == told
        await slack.click(MOD, b.PANEL, f"{CHANNEL}|")
        assert "Only moderators can open the moderator panel" in slack.fake.told(MOD)[-1]
    finally:
        await other.close()


async def test_an_older_version_s_state_file_is_taken_in_once_and_never_over_what_the_database_holds(slack):
    await live_session(slack, "request")
    roster_ts = slack.bot.stage.state.channel(slack.key).roster_ts
    assert roster_ts and slack.fake.of("chat.postMessage")
    elsewhere = RoomKey("slack", slack.fake.team, "C0OTHER01")
    legacy = {
        "channels": {
            f"{slack.key.workspace}:{CHANNEL}": {"roster_ts": "1.000001", "stage_channel": "G0OLD0001"},
            f"{elsewhere.workspace}:{elsewhere.channel}": {
                "roster_ts": "2.000002",
                "moderators": ["S0HOSTS01", "UMODERAT1"],  # the older format: people and groups in one list
            },
        }
    }
    path = slack.tmp / LEGACY_FILE
    path.write_text(json.dumps(legacy), encoding="utf-8")

    state = slack.bot.stage.state
    assert await state.import_file(path) == 1
    assert not path.exists() and path.with_name(LEGACY_FILE + ".imported").exists()
    assert state.channel(slack.key).roster_ts == roster_ts  # the database's copy wins
    assert state.channel(slack.key).stage_channel is None

    await slack.restart()
    assert slack.bot.stage.state.rooms() == [slack.key, elsewhere]
    assert slack.bot.stage.state.channel(elsewhere) == ChannelState(roster_ts="2.000002", groups=["S0HOSTS01"])


async def test_an_unreadable_state_file_changes_nothing_and_is_left_in_place(slack, caplog):
    path = slack.tmp / LEGACY_FILE
    path.write_text("{not json", encoding="utf-8")
    assert await slack.bot.stage.state.import_file(path) == 0
    assert path.read_text(encoding="utf-8") == "{not json"
    assert slack.bot.stage.state.rooms() == []
    assert "is not a Slack state file" in caplog.text


async def test_memory_only_state_needs_no_store():
    key = RoomKey("slack", "T0TEAM", "C0HALL")
    state = SlackState()
    state.channel(key).roster_ts = "1.1"
    await state.save(key)
    assert state.rooms() == [key] and state.room_of_stage_channel("T0TEAM", "G0NONE") is None
