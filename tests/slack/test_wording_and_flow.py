"""What a Slack user sees: certain refusals before the get-ready step, the whole stage in status, Slack words."""

from __future__ import annotations

from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, live_session

ROOM = f"{CHANNEL}|"


def last(slack, user: str) -> str:
    told = slack.fake.told(user)
    assert told, f"{user} was told nothing"
    return told[-1]


def get_ready_steps(slack) -> int:
    return sum(1 for call in slack.fake.of("views.open") if call["view"]["callback_id"] == b.GET_READY)


async def test_J6_joining_without_an_invitation_in_invite_mode_is_refused_without_opening_the_get_ready_step(slack):
    await live_session(slack, "invite")
    await slack.click(ALEX, b.JOIN_INVITED, ROOM)
    assert get_ready_steps(slack) == 0
    assert "Invite only mode" in last(slack, ALEX) and "join without an invitation" in last(slack, ALEX)
    await slack.command(ALEX, "join")
    assert get_ready_steps(slack) == 0
    assert "/stage hand" in last(slack, ALEX)


async def test_J2_joining_directly_in_request_mode_is_refused_before_the_get_ready_step_and_says_to_ask(slack):
    await live_session(slack, "request")
    await slack.click(ALEX, b.JOIN_INVITED, ROOM)
    assert get_ready_steps(slack) == 0
    assert "Join by request mode" in last(slack, ALEX) and "join directly" in last(slack, ALEX)


async def test_J2_someone_waiting_in_the_queue_hears_their_place_instead_of_a_get_ready_step(slack):
    await live_session(slack, "request")
    await slack.command(BEA, "ask")
    await slack.command(ALEX, "ask")
    await slack.command(ALEX, "join")
    assert get_ready_steps(slack) == 0
    assert "already pending (position 2)" in last(slack, ALEX)


async def test_J12_joining_when_no_session_is_live_is_refused_before_the_get_ready_step(slack):
    await slack.everyone_arrives(ALEX)
    await slack.click(ALEX, b.JOIN, ROOM)
    assert get_ready_steps(slack) == 0
    assert "No session is live in this channel" in last(slack, ALEX)
    await slack.command(ADMIN, "start open")
    await slack.command(ADMIN, "end")
    await slack.command(ALEX, "join")
    assert get_ready_steps(slack) == 0
    assert "No session is live in this channel" in last(slack, ALEX)


async def test_J1_someone_already_on_stage_is_told_so_instead_of_getting_ready_again(slack):
    await live_session(slack, "open")
    await slack.click(ALEX, b.JOIN, ROOM)
    await slack.submit(ALEX, b.GET_READY)
    assert get_ready_steps(slack) == 1
    await slack.click(ALEX, b.JOIN, ROOM)
    assert get_ready_steps(slack) == 1
    assert "You are already on stage." in last(slack, ALEX)


async def test_J4_J11_an_invited_person_and_a_moderator_still_get_ready_before_joining_an_invite_only_stage(slack):
    await live_session(slack, "invite")
    await slack.command(ADMIN, f"invite <@{ALEX}>")
    await slack.click(ALEX, b.JOIN_INVITED, ROOM)
    assert get_ready_steps(slack) == 1
    await slack.submit(ALEX, b.GET_READY)
    assert "You are on stage." in last(slack, ALEX)
    await slack.click(ADMIN, b.JOIN_INVITED, ROOM)
    assert get_ready_steps(slack) == 2


async def test_C2_stage_status_lists_audio_only_people_on_stage_beside_those_on_camera(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "cameras 1")
    for user in (ALEX, BEA):
        await slack.click(user, b.JOIN, ROOM)
        await slack.submit(user, b.GET_READY)
    await slack.command(CAL, "status")
    status = last(slack, CAL)
    assert "On stage: 2 / 100" in status
    assert "On camera: <@UBEA00001>" in status
    assert "Audio only: <@UALEX0001>" in status


async def test_L2_moderators_hear_that_someone_left_the_stage_huddle_not_the_room(slack):
    await live_session(slack, "open")
    await slack.click(ALEX, b.JOIN, ROOM)
    await slack.submit(ALEX, b.GET_READY)
    await slack.event(slack.huddle_edit([ADMIN, ALEX]))
    await slack.event(slack.huddle_edit([ADMIN]))
    told = last(slack, ADMIN)
    assert "<@UALEX0001> left the stage huddle or the channel, so they are off the stage." in told
    assert "the room" not in told


async def test_J10_a_raised_hand_lowered_by_leaving_the_channel_is_worded_as_leaving_the_channel(slack):
    await live_session(slack, "invite")
    await slack.command(ALEX, "hand")
    left = {"type": "member_left_channel", "user": ALEX, "channel": CHANNEL, "channel_type": "C"}
    await slack.event({**left, "team": slack.fake.team})
    assert "<@UALEX0001>'s hand is lowered: they left the channel." in last(slack, ADMIN)
