"""The huddle as Slack edits it: who is in it now (L2), its end, its cameras (C2) and its 50-person cap.

Every update is built from the recorded delivery tests/data/platform/slack-huddle-message-changed.json
(SlackHarness.huddle_edit) and sent through Bolt's signed dispatch.
"""

from __future__ import annotations

import copy
from typing import Any

from adapters.slack import kit as b
from adapters.slack.huddle_cap import HUDDLE_CAP
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, HUDDLE_EDIT, live_session
from tests.slack.test_huddle import turn_gated_on
from tests.slack.test_workspace_defaults import form_values, open_workspace_form

CAP_WORDS = f"a Slack huddle holds at most {HUDDLE_CAP} people"
ENDED_WORDS = "The stage huddle has ended. The stage session stays live until a moderator ends it"


def alerts(slack, moderator: str) -> list[dict[str, Any]]:
    return [a for a in slack.fake.of("chat.postEphemeral") if a["user"] == moderator and ":eyes:" in a["text"]]


def ended_notices(slack, moderator: str) -> list[str]:
    return [text for text in slack.fake.told(moderator) if ENDED_WORDS in text]


async def on_stage(slack, *users: str) -> None:
    for user in users:
        await slack.click(user, b.JOIN, f"{CHANNEL}|")
        await slack.submit(user, b.GET_READY)


async def test_the_huddle_updates_sent_are_shaped_like_the_recorded_delivery(slack):
    recorded = HUDDLE_EDIT["event"]
    edit = slack.huddle_edit([ADMIN, ALEX], cameras=[ALEX])
    assert set(edit) == set(recorded)
    assert (edit["subtype"], edit["hidden"], edit["message"]["subtype"]) == ("message_changed", True, "huddle_thread")
    assert set(edit["message"]["room"]) == set(recorded["message"]["room"])
    assert set(edit["previous_message"]["room"]) == set(recorded["previous_message"]["room"])
    assert edit["message"]["room"]["participants_camera_on"] == [ALEX]


async def test_L2_someone_on_stage_who_leaves_the_huddle_is_recorded_as_leaving_the_stage(slack):
    await live_session(slack, "open")
    await on_stage(slack, ALEX, BEA, CAL)  # CAL never joins the huddle
    await slack.event(slack.huddle_edit([ADMIN, ALEX, BEA]))
    assert "On stage: 3 / 100" in slack.roster_text()
    await slack.event(slack.huddle_edit([ADMIN, BEA]))
    assert "On stage: 2 / 100" in slack.roster_text()
    assert "You left the stage huddle, so you are off the stage" in slack.fake.told(ALEX)[-1]
    assert any("<@UALEX0001> left the stage huddle or the channel" in text for text in slack.fake.told(ADMIN))
    status = await slack.bot.stage.status(slack.key, await slack.bot.stage.roles.actor(slack.key, ADMIN))
    assert status.live and status.on_stage == [BEA, CAL]  # someone the huddle never listed keeps their place


async def test_L2_a_new_huddle_in_the_channel_takes_nobody_off_the_stage_who_was_in_the_last_one(slack):
    await live_session(slack, "open")
    await on_stage(slack, ALEX)
    await slack.event(slack.huddle_edit([ADMIN, ALEX], room_id="R0FIRST001"))
    await slack.event(slack.huddle_edit([ADMIN], room_id="R0SECOND01"))  # ALEX is not in the new one yet
    assert "On stage: 1 / 100" in slack.roster_text()
    await slack.event(slack.huddle_edit([ADMIN, ALEX], room_id="R0SECOND01"))
    await slack.event(slack.huddle_edit([ADMIN], room_id="R0SECOND01"))
    assert "On stage: 0 / 100" in slack.roster_text()


async def test_L2_gated_leaving_the_stage_channel_huddle_leaves_the_stage_and_the_channel_huddle_does_not(slack):
    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    await on_stage(slack, ALEX, BEA)
    await slack.event(slack.huddle_edit([ADMIN, ALEX], room_id="R0LOBBY001"))  # the channel's own huddle…
    await slack.event(slack.huddle_edit([ADMIN], room_id="R0LOBBY001"))  # …is not the stage: leaving it is fine
    assert "On stage: 2 / 100" in slack.roster_text()
    stage_huddle = {"channel": stage_channel, "room_id": "R0STAGE001"}
    await slack.event({**slack.huddle_edit([ADMIN, ALEX, BEA, CAL], **stage_huddle), "channel_type": "group"})
    assert "<@UCAL00001> is in this channel's huddle" in alerts(slack, ADMIN)[-1]["text"]
    await slack.event({**slack.huddle_edit([ADMIN, BEA], **stage_huddle), "channel_type": "group"})
    assert "On stage: 1 / 100" in slack.roster_text()
    assert ALEX not in slack.fake.members[stage_channel]


async def test_someone_joining_the_huddle_in_its_edits_but_not_on_stage_is_flagged_to_moderators(slack):
    await live_session(slack, "request")
    await slack.event(slack.huddle_edit([ADMIN]))
    assert not alerts(slack, ADMIN)
    await slack.event(slack.huddle_edit([ADMIN, CAL]))
    [alert] = alerts(slack, ADMIN)
    assert "<@UCAL00001> is in this channel's huddle but is not on stage" in alert["text"]
    assert [e["action_id"] for e in alert["blocks"][-1]["elements"]] == [b.INVITE, b.ASK_LEAVE]


async def test_the_huddle_ending_tells_moderators_and_the_session_stays_until_a_moderator_ends_it(slack):
    await slack.event(slack.huddle_edit([ADMIN], room_id="R0EARLIER1"))
    await slack.event(slack.huddle_edit([], ended=True, room_id="R0EARLIER1"))  # no session: nobody is told
    await live_session(slack, "open")
    await on_stage(slack, ALEX)
    await slack.event(slack.huddle_edit([ADMIN, ALEX]))
    await slack.event(slack.huddle_edit([], ended=True))
    [notice] = ended_notices(slack, ADMIN)
    assert "`/stage end`" in notice
    assert not ended_notices(slack, ALEX)
    roster = slack.roster_text()
    assert "Stage —" in roster and "On stage: 0 / 100" in roster  # still live; ALEX left the huddle (L2)
    await slack.command(ADMIN, "end")
    assert "No stage session is live" in slack.roster_text()


async def test_the_recorded_end_of_a_huddle_as_slack_sent_it_is_understood(slack):
    await live_session(slack, "open")
    event = copy.deepcopy(HUDDLE_EDIT["event"])
    event["channel"] = event["message"]["channel"] = CHANNEL
    await slack.event(event)
    assert len(ended_notices(slack, ADMIN)) == 1
    assert slack.bot.stage.state.channel(slack.key).huddle_room == HUDDLE_EDIT["event"]["message"]["room"]["id"]


async def test_C2_cameras_on_in_the_huddle_show_in_the_roster_beside_the_camera_slots(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "cameras 1")
    await on_stage(slack, ALEX, BEA)  # BEA joined last: she has the one camera slot
    await slack.event(slack.huddle_edit([ADMIN, ALEX, BEA], cameras=[BEA]))
    roster = slack.roster_text()
    assert "*On camera:* <@UBEA00001>" in roster
    assert "*Camera on in the huddle:* <@UBEA00001>" in roster and "without a slot" not in roster
    await slack.event(slack.huddle_edit([ADMIN, ALEX, BEA], cameras=[ALEX, BEA]))
    roster = slack.roster_text()
    assert "*Camera on in the huddle:* <@UALEX0001>, <@UBEA00001>" in roster
    assert "*Camera on without a slot:* <@UALEX0001>" in roster
    await slack.event(slack.huddle_edit([ADMIN, ALEX, BEA]))
    assert "Camera on in the huddle" not in slack.roster_text()


async def test_C2_huddle_cameras_of_many_people_stay_within_block_kit_limits(slack):
    await live_session(slack, "open")
    crowd = [f"U{n:010d}" for n in range(60)]
    await slack.event(slack.huddle_edit(crowd, cameras=crowd))
    assert "…and 20 more" in slack.roster_text()  # the fixture's teardown checks every call against the limits


async def test_C1_a_capacity_above_the_huddle_cap_warns_the_admin_who_sets_it(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, f"capacity {HUDDLE_CAP + 10}")
    assert CAP_WORDS in slack.fake.told(ADMIN)[-1]
    await slack.command(ADMIN, f"capacity {HUDDLE_CAP}")
    assert CAP_WORDS not in slack.fake.told(ADMIN)[-1]


async def test_C1_a_capacity_above_the_huddle_cap_set_on_the_home_tab_warns_the_admin(slack):
    await live_session(slack, "open")
    await slack.click(ADMIN, b.HOME_EDIT, f"{CHANNEL}|")
    await slack.submit(ADMIN, b.SETTINGS, {"capacity": {"capacity": {"type": "number_input", "value": "80"}}})
    assert any(CAP_WORDS in text for text in slack.fake.told(ADMIN))


async def test_C1_a_workspace_capacity_above_the_huddle_cap_warns_the_admin_who_sets_it(slack):
    await open_workspace_form(slack, ADMIN)
    await slack.submit(ADMIN, b.WORKSPACE_SETTINGS, form_values(capacity="200"), channel="*")
    assert CAP_WORDS in slack.fake.told(ADMIN)[-1]


async def test_C1_a_session_started_with_capacity_above_the_huddle_cap_warns_its_starter(slack):
    await slack.everyone_arrives(ADMIN, ALEX)
    await slack.command(ADMIN, "start open")  # the default capacity is 100
    assert sum(CAP_WORDS in text for text in slack.fake.told(ADMIN)) == 1
    await slack.command(ADMIN, "end")
    await slack.command(ADMIN, f"capacity {HUDDLE_CAP}")
    slack.fake.clear()
    await slack.command(ADMIN, "start open")
    assert not any(CAP_WORDS in text for text in slack.fake.told(ADMIN))


async def test_X2_a_redelivered_or_late_huddle_edit_changes_nothing_twice(slack):
    await live_session(slack, "open")
    await on_stage(slack, ALEX)
    with_alex = slack.huddle_edit([ADMIN, ALEX, CAL])
    await slack.event(with_alex, event_id="EvHUDDLE0001")
    assert len(alerts(slack, ADMIN)) == 1  # CAL is in the huddle without a place
    without_alex = slack.huddle_edit([ADMIN, CAL])
    await slack.event(without_alex, event_id="EvHUDDLE0002")
    assert "On stage: 0 / 100" in slack.roster_text()
    await on_stage(slack, ALEX)  # back on stage (not in the huddle yet)
    told_alex = len(slack.fake.told(ALEX))
    await slack.event(without_alex, event_id="EvHUDDLE0002", retry_num=1)  # Slack's retry of a delivery
    await slack.event(without_alex, event_id="EvHUDDLE0003")  # the same edit sent again
    await slack.event(with_alex, event_id="EvHUDDLE0004")  # an older edit arriving late
    assert "On stage: 1 / 100" in slack.roster_text()
    assert len(slack.fake.told(ALEX)) == told_alex
    assert len(alerts(slack, ADMIN)) == 1
    ended = slack.huddle_edit([], ended=True)
    await slack.event(ended)
    await slack.event(ended)
    assert len(ended_notices(slack, ADMIN)) == 1


async def test_the_huddle_as_last_seen_survives_a_restart(slack):
    await live_session(slack, "open")
    await slack.event(slack.huddle_edit([ADMIN, CAL], cameras=[CAL]))
    assert len(alerts(slack, ADMIN)) == 1
    await slack.restart()
    await slack.event(slack.huddle_edit([ADMIN, CAL], cameras=[CAL]))
    assert len(alerts(slack, ADMIN)) == 1  # CAL was in it already: no second alert
    state = slack.bot.stage.state.channel(slack.key)
    assert (state.huddle_people, state.huddle_cameras) == ([ADMIN, CAL], [CAL])
