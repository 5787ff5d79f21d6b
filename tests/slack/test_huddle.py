"""The huddle as the stage: detection, soft enforcement, huddle activity (C4) and the gated stage channel."""

from __future__ import annotations

import copy
import json
from typing import Any

from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, live_session
from tests.slack.fake_slack import BOT_USER, PLATFORM

EVENTS = json.loads((PLATFORM / "slack-events.json").read_text())
HUDDLE = "R0HUDDLE01"


def huddle_started(participants: list[str], channel: str = CHANNEL, room_id: str = HUDDLE) -> dict[str, Any]:
    """The message Slack posts in a channel when its huddle starts (subtype huddle_thread)."""
    return {
        "type": "message",
        "subtype": "huddle_thread",
        "channel": channel,
        "user": participants[0] if participants else "USLACKBOT",
        "text": "",
        "ts": "1700000100.000200",
        "event_ts": "1700000100.000200",
        "channel_type": "channel",
        "room": {
            "id": room_id,
            "name": "",
            "created_by": participants[0] if participants else "USLACKBOT",
            "date_start": 1700000100,
            "date_end": 0,
            "participants": participants,
            "channels": [channel],
            "has_ended": False,
        },
    }


def huddle_changed(user: str, call_id: str | None) -> dict[str, Any]:
    """user_huddle_changed as Slack sends it: the documented example with this person's huddle state."""
    event = copy.deepcopy(EVENTS["user_huddle_changed"]["example"])
    event["user"]["id"] = user
    event["user"]["team_id"] = "T0STAGE"
    profile = event["user"]["profile"]
    profile["huddle_state"] = "in_a_huddle" if call_id else "default_unset"
    profile["huddle_state_call_id"] = call_id or ""
    return event


def alerts(slack, moderator: str) -> list[dict[str, Any]]:
    return [a for a in slack.fake.of("chat.postEphemeral") if a["user"] == moderator and ":eyes:" in a["text"]]


async def test_fixtures_carry_every_documented_field():
    fixtures = {"message.channels": huddle_started([ALEX]), "user_huddle_changed": huddle_changed(ALEX, HUDDLE)}
    for name, fixture in fixtures.items():
        missing = set(EVENTS[name]["payload_fields"]) - set(fixture)
        assert not missing, f"{name} fixture lacks {missing}"


async def test_someone_in_the_huddle_but_not_on_stage_is_flagged_to_moderators(slack):
    await live_session(slack, "request")
    await slack.event(huddle_started([ADMIN]))  # the moderator opens the huddle: no alert about them
    assert not alerts(slack, ADMIN)
    await slack.event(huddle_changed(BEA, HUDDLE))
    [alert] = alerts(slack, ADMIN)
    assert "<@UBEA00001> is in this channel's huddle but is not on stage" in alert["text"]
    assert [e["action_id"] for e in alert["blocks"][-1]["elements"]] == [b.INVITE, b.ASK_LEAVE]
    await slack.click(ADMIN, b.ASK_LEAVE, f"{CHANNEL}|{BEA}")
    assert "asks you to leave the huddle" in slack.fake.told(BEA)[-1]
    await slack.click(ADMIN, b.INVITE, f"{CHANNEL}|{BEA}")
    assert "You have been invited to join the stage" in slack.fake.told(BEA)[-1]


async def test_participants_listed_in_the_huddle_message_are_checked_too(slack):
    await live_session(slack, "open")
    await slack.event(huddle_started([ADMIN, CAL]))
    assert "<@UCAL00001> is in this channel's huddle" in alerts(slack, ADMIN)[-1]["text"]


async def test_people_on_stage_and_other_huddles_raise_no_alert(slack):
    await live_session(slack, "open")
    await slack.event(huddle_started([ADMIN]))
    await slack.click(ALEX, b.JOIN, f"{CHANNEL}|")
    await slack.submit(ALEX, b.GET_READY)
    await slack.event(huddle_changed(ALEX, HUDDLE))
    await slack.event(huddle_changed(BEA, "R0ELSEWHERE"))
    assert not alerts(slack, ADMIN)


async def test_a_non_moderator_cannot_ask_people_to_leave(slack):
    await live_session(slack, "open")
    await slack.click(BEA, b.ASK_LEAVE, f"{CHANNEL}|{ALEX}")
    assert "Only moderators can ask people to leave the huddle" in slack.fake.told(BEA)[-1]
    assert not slack.fake.told(ALEX)


async def test_C4_huddle_presence_counts_as_activity(slack):
    await live_session(slack, "open")
    await slack.event(huddle_started([ADMIN]))
    await slack.command(ADMIN, "capacity 2")
    for user in (ALEX, BEA):
        await slack.click(user, b.JOIN, f"{CHANNEL}|")
        await slack.submit(user, b.GET_READY)
        slack.clock.now += 10
    await slack.event(huddle_changed(ALEX, None))  # ALEX drops out of the huddle…
    await slack.event(huddle_changed(ALEX, HUDDLE))  # …and comes back: fresh activity
    slack.clock.now += 10
    await slack.click(CAL, b.JOIN, f"{CHANNEL}|")
    await slack.submit(CAL, b.GET_READY)
    assert "so you made room for" in slack.fake.told(BEA)[-1]


# -- gated mode -----------------------------------------------------------------------------------------------


async def turn_gated_on(slack) -> str:
    await slack.event(
        {"type": "app_home_opened", "user": ADMIN, "channel": "D0ADMIN01", "event_ts": "1700000000.1", "tab": "home"}
    )
    await slack.click(ADMIN, b.HOME_PICK, element={"type": "conversations_select", "selected_conversation": CHANNEL})
    form = slack.fake.of("views.open")[-1]["view"]
    assert form["callback_id"] == b.SETTINGS
    gated = {"gated": {"gated": {"type": "radio_buttons", "selected_option": {"value": "on"}}}}
    await slack.submit(ADMIN, b.SETTINGS, gated)
    [created] = slack.fake.of("conversations.create")
    assert created["is_private"] in (True, "1", "true")
    return slack.bot.stage.state.channel(slack.key).stage_channel


async def test_gated_stage_channel_follows_the_stage(slack):
    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    assert stage_channel and stage_channel.startswith("G")
    assert f"<#{stage_channel}> is the stage" in slack.fake.told(ADMIN)[-1] or any(
        f"<#{stage_channel}>" in t for t in slack.fake.told(ADMIN)
    )
    await slack.click(ALEX, b.JOIN, f"{CHANNEL}|")
    await slack.submit(ALEX, b.GET_READY)
    assert {"channel": stage_channel, "users": ALEX} in slack.fake.of("conversations.invite")
    assert ALEX in slack.fake.members[stage_channel]
    assert f"huddle/T0STAGE/{stage_channel}" in slack.roster_text()
    await slack.command(ADMIN, f"remove <@{ALEX}>")
    assert {"channel": stage_channel, "user": ALEX} in slack.fake.of("conversations.kick")
    assert ALEX not in slack.fake.members[stage_channel]


async def test_gated_session_end_empties_the_stage_channel(slack):
    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    for user in (ALEX, BEA):
        await slack.click(user, b.JOIN, f"{CHANNEL}|")
        await slack.submit(user, b.GET_READY)
    slack.fake.members[stage_channel].add(CAL)  # added by hand in Slack
    await slack.command(ADMIN, "end")
    assert slack.fake.members[stage_channel] == {BOT_USER}


async def test_X4_a_refused_invitation_to_the_stage_channel_is_corrected_and_reported(slack):
    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    slack.fake.fail("conversations.invite", "user_is_restricted")
    await slack.click(ALEX, b.JOIN, f"{CHANNEL}|")
    await slack.submit(ALEX, b.GET_READY)
    await slack.deliver()
    assert ALEX not in slack.fake.members[stage_channel]
    assert "On stage: 0 / 100" in slack.roster_text()  # the roster does not lie
    assert any("user_is_restricted" in t for t in slack.fake.told(ADMIN))


async def test_gated_settings_need_a_workspace_admin(slack):
    await live_session(slack, "open")
    await slack.click(ALEX, b.HOME_PICK, element={"type": "conversations_select", "selected_conversation": CHANNEL})
    assert "Only admins can change channel defaults" in slack.fake.told(ALEX)[-1]
    response = await slack.submit(ALEX, b.SETTINGS, {"gated": {"gated": {"selected_option": {"value": "on"}}}})
    assert json.loads(response.body)["response_action"] == "errors"
    assert not slack.fake.of("conversations.create")


async def test_home_tab_lists_rooms_and_the_settings_form_applies_fields(slack):
    await live_session(slack, "request")
    await slack.click(ADMIN, b.HOME_EDIT, f"{CHANNEL}|")
    values = {
        "capacity": {"capacity": {"type": "number_input", "value": "40"}},
        "default_mode": {"default_mode": {"type": "static_select", "selected_option": {"value": "webinar"}}},
        "moderators_add": {"moderators_add": {"type": "multi_users_select", "selected_users": [CAL]}},
        "gated": {"gated": {"type": "radio_buttons", "selected_option": {"value": "off"}}},
    }
    await slack.submit(ADMIN, b.SETTINGS, values)
    home = slack.fake.of("views.publish")[-1]
    assert home["user_id"] == ADMIN
    text = json.dumps(home["view"])
    assert f"<#{CHANNEL}>" in text and "capacity 40" in text and "<@UCAL00001>" in text


async def test_C4_talking_in_the_gated_stage_channel_counts_for_the_room(slack):
    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    await slack.command(ADMIN, "capacity 2")
    for user in (ALEX, BEA):
        await slack.click(user, b.JOIN, f"{CHANNEL}|")
        await slack.submit(user, b.GET_READY)
        slack.clock.now += 10
    await slack.event(
        {
            "type": "message",
            "channel": stage_channel,
            "user": ALEX,
            "text": "can you hear me?",
            "ts": "1700000050.000001",
            "event_ts": "1700000050.000001",
            "channel_type": "group",
        }
    )
    slack.clock.now += 10
    await slack.click(CAL, b.JOIN, f"{CHANNEL}|")
    await slack.submit(CAL, b.GET_READY)
    assert "so you made room for" in slack.fake.told(BEA)[-1]
    assert BEA not in slack.fake.members[stage_channel]


async def test_gated_the_stage_channel_huddle_is_the_stage_not_the_channel_huddle(slack):
    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    await slack.event(huddle_started([ADMIN], channel=CHANNEL, room_id="R0LOBBY001"))
    await slack.event(huddle_changed(BEA, "R0LOBBY001"))  # chatting in the channel's own huddle is fine
    assert not alerts(slack, ADMIN)
    await slack.event({**huddle_started([ADMIN], channel=stage_channel, room_id="R0STAGE001"), "channel_type": "group"})
    await slack.event(huddle_changed(CAL, "R0STAGE001"))  # someone in the stage huddle without a place
    assert "<@UCAL00001> is in this channel's huddle" in alerts(slack, ADMIN)[-1]["text"]
