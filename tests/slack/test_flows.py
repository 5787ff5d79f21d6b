"""Every rulebook flow, from Slack: slash commands, buttons and modals, through the real Bolt app."""

from __future__ import annotations

from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, BEA, BOTUSER, CAL, CHANNEL, MOD, live_session

ROOM = f"{CHANNEL}|"


def value(user: str = "") -> str:
    return f"{CHANNEL}|{user}"


def last(slack, user: str) -> str:
    told = slack.fake.told(user)
    assert told, f"{user} was told nothing"
    return told[-1]


async def join_via_get_ready(slack, user: str) -> None:
    await slack.click(user, b.JOIN, ROOM)
    await slack.submit(user, b.GET_READY)


async def decline_via_form(slack, moderator: str, user: str, reason: str | None = None) -> None:
    """Click *Decline* on a request notification, then submit the reason form it opens."""
    await slack.click(moderator, b.DECLINE, value(user))
    form = slack.fake.of("views.open")[-1]["view"]
    assert form["callback_id"] == b.DECLINE_REASON
    values = {"reason": {"reason": {"type": "plain_text_input", "value": reason}}} if reason is not None else {}
    await slack.submit(moderator, b.DECLINE_REASON, values, channel=form["private_metadata"])


# -- J12, A1: sessions -------------------------------------------------------------------------------


async def test_J12_actions_outside_a_session_are_refused(slack):
    await slack.everyone_arrives(ALEX)
    await slack.command(ALEX, "ask")
    assert "No session is live" in last(slack, ALEX)


async def test_J12_starting_twice_is_refused_and_the_roster_is_posted_once(slack):
    await live_session(slack, "request")
    assert "Stage — Join by request" in slack.roster_text()
    await slack.command(ADMIN, "start")
    assert "already live" in last(slack, ADMIN)
    rosters = [a for a in slack.fake.posted(CHANNEL) if a["blocks"][0]["type"] == "header"]
    assert len(rosters) == 1


async def test_A1_participant_cannot_start_a_session(slack):
    await slack.everyone_arrives(ALEX)
    await slack.command(ALEX, "start")
    assert "Only moderators can start a session" in last(slack, ALEX)
    assert not [a for a in slack.fake.posted(CHANNEL) if a["blocks"][0]["type"] == "header"]


# -- M1..M5: modes -------------------------------------------------------------------------------------


async def test_M1_mode_aliases_are_accepted_and_nonsense_lists_the_modes(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "mode Everyone")
    assert "Stage — Everyone on stage" in slack.roster_text()
    await slack.command(ADMIN, "mode banana")
    answer = last(slack, ADMIN)
    assert "'banana' is not a mode" in answer and "open" in answer and "invite" in answer


async def test_M2_session_starts_in_the_channel_default_set_by_preset(slack):
    await slack.everyone_arrives(ADMIN)
    await slack.command(ADMIN, "default event")
    assert "Sessions here now start in *Everyone on stage* mode" in last(slack, ADMIN)
    await slack.command(ADMIN, "start")
    assert "Stage — Everyone on stage" in slack.roster_text()


async def test_M3_everyone_is_told_the_new_mode_and_the_stage_stays(slack):
    await live_session(slack, "open")
    await join_via_get_ready(slack, ALEX)
    await slack.command(ADMIN, "mode invite")
    announcements = [a["text"] for a in slack.fake.posted(CHANNEL)]
    assert any("changed the stage to *Invite only* mode" in text for text in announcements)
    assert "On stage: 1 / 100" in slack.roster_text()


async def test_M4_going_to_invite_turns_requests_into_hands_and_tells_them(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "ask")
    await slack.command(ADMIN, "mode invite")
    assert "you keep your place as a raised hand" in " ".join(slack.fake.told(ALEX))
    roster = slack.roster_text()
    assert "*Hands:* <@UALEX0001>, <@UBEA00001>" in roster
    assert "*Queue (0):*" in roster


async def test_M4_going_to_open_tells_requesters_they_can_join(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, "mode open")
    assert "you can now join directly" in " ".join(slack.fake.told(ALEX))
    await join_via_get_ready(slack, ALEX)
    assert "You are on stage." in last(slack, ALEX)


async def test_M5_invitations_survive_mode_changes(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, f"invite <@{BEA}|bea>")
    await slack.command(ADMIN, "mode invite")
    await slack.command(ADMIN, "mode open")
    assert "*Invited:* <@UBEA00001>" in slack.roster_text()


# -- J1..J11: getting on stage ---------------------------------------------------------------------------


async def test_J1_join_opens_the_get_ready_step_before_joining(slack):
    await live_session(slack, "open")
    await slack.click(ALEX, b.JOIN, ROOM)
    view = slack.fake.of("views.open")[-1]["view"]
    assert view["callback_id"] == b.GET_READY
    assert "microphone and camera" in view["blocks"][0]["text"]["text"]
    assert "https://app.slack.com/huddle/T0STAGE/C0STAGE01" in view["blocks"][0]["text"]["text"]
    assert "On stage: 0 / 100" in slack.roster_text()  # nothing happens until they confirm
    await slack.submit(ALEX, b.GET_READY)
    assert "You are on stage." in last(slack, ALEX)
    assert "On stage: 1 / 100" in slack.roster_text()


async def test_J1_slash_join_also_goes_through_get_ready(slack):
    await live_session(slack, "open")
    await slack.command(ALEX, "join")
    assert slack.fake.of("views.open")[-1]["view"]["callback_id"] == b.GET_READY


async def test_J2_requests_queue_in_order_with_notes_and_moderators_are_told(slack):
    await live_session(slack, "request")
    await slack.click(ALEX, b.ASK, ROOM)
    assert slack.fake.of("views.open")[-1]["view"]["callback_id"] == b.ASK_NOTE
    await slack.submit(ALEX, b.ASK_NOTE, {"note": {"note": {"type": "plain_text_input", "value": "a question"}}})
    await slack.command(BEA, "ask")
    assert "number 1 in line" in last(slack, ALEX)
    assert "number 2 in line" in last(slack, BEA)
    told = slack.fake.told(ADMIN)
    assert any("<@UALEX0001> wants to join the stage (number 1" in t and "a question" in t for t in told)
    assert any("<@UBEA00001> wants to join the stage (number 2" in t for t in told)
    request_note = [a for a in slack.fake.of("chat.postEphemeral") if a["user"] == ADMIN][-1]
    assert [e["action_id"] for e in request_note["blocks"][-1]["elements"]][:2] == [b.APPROVE, b.DECLINE]
    assert "1. <@UALEX0001>  2. <@UBEA00001>" in slack.roster_text()


async def test_J3_requester_cancels(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(ALEX, b.CANCEL, ROOM)
    assert "You cancelled your request" in last(slack, ALEX)
    assert "<@UALEX0001> cancelled their request" in last(slack, ADMIN)
    assert "*Queue (0):*" in slack.roster_text()


async def test_J4_bring_to_stage_invites_then_join_after_get_ready(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(ADMIN, b.APPROVE, value(ALEX))
    invitation = [a for a in slack.fake.of("chat.postEphemeral") if a["user"] == ALEX][-1]
    assert "You have been invited to join the stage" in invitation["text"]
    assert [e["action_id"] for e in invitation["blocks"][-1]["elements"]] == [b.JOIN, b.DECLINE_INVITATION]
    await join_via_get_ready(slack, ALEX)
    assert "On stage: 1 / 100" in slack.roster_text()


async def test_J5_decline_with_reason_then_ask_again_after_cooldown(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "cooldown 60")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, f"decline <@{ALEX}|alex> out of time today")
    assert 'declined your request to join the stage. Reason: "out of time today"' in last(slack, ALEX)
    await slack.command(ALEX, "ask")
    assert "you can ask again in 60 s" in last(slack, ALEX)
    slack.clock.now += 61
    await slack.command(ALEX, "ask")
    assert "number 1 in line" in last(slack, ALEX)


async def test_J5_decline_button_asks_for_an_optional_reason_the_participant_sees(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await decline_via_form(slack, ADMIN, ALEX, "  we are full today  ")
    assert '<@UADMIN001> declined your request to join the stage. Reason: "we are full today"' in last(slack, ALEX)
    assert '<@UADMIN001> declined <@UALEX0001>\'s request. Reason: "we are full today"' in last(slack, ADMIN)
    assert "*Queue (0):* nobody" in slack.roster_text()
    await slack.command(BEA, "ask")
    await decline_via_form(slack, ADMIN, BEA, "")
    assert last(slack, BEA).endswith("declined your request to join the stage. You may ask again later.")


async def test_J5_A3_decline_form_is_for_moderators_at_click_and_at_submit(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    opened = len(slack.fake.of("views.open"))
    await slack.click(BEA, b.DECLINE, value(ALEX))
    assert "Only moderators can decline requests" in last(slack, BEA)
    assert len(slack.fake.of("views.open")) == opened
    # A form opened by someone who is no moderator at submit time (forged, or their role was taken away).
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "no"}}}
    await slack.submit(BEA, b.DECLINE_REASON, reason, channel=f"{CHANNEL}|{ALEX}|")
    assert "Only moderators can" in last(slack, BEA)
    assert "1. <@UALEX0001>" in slack.roster_text()
    assert "declined" not in last(slack, ALEX)


async def test_J5_decline_from_the_panel_stacks_the_form_and_refreshes_the_panel(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(ADMIN, b.PANEL, ROOM)
    panel = {**slack.fake.of("views.open")[-1]["view"], "id": "VPANEL003"}
    await slack.click(ADMIN, b.DECLINE, value(ALEX), view=panel)
    form = slack.fake.of("views.push")[-1]["view"]
    assert form["callback_id"] == b.DECLINE_REASON
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "next time"}}}
    await slack.submit(ADMIN, b.DECLINE_REASON, reason, channel=form["private_metadata"])
    assert 'Reason: "next time"' in last(slack, ALEX)
    updated = slack.fake.of("views.update")[-1]
    assert updated["view_id"] == "VPANEL003" and "*Queue (0)*" in str(updated["view"]["blocks"])


async def test_J6_invite_only_refuses_asking_and_joining_and_suggests_a_hand(slack):
    await live_session(slack, "invite")
    await slack.command(ALEX, "ask")
    assert "Invite only mode" in last(slack, ALEX) and "/stage hand" in last(slack, ALEX)
    await slack.click(ALEX, b.JOIN_INVITED, ROOM)
    await slack.submit(ALEX, b.GET_READY)
    assert "join without an invitation" in last(slack, ALEX)


async def test_J7_invite_anyone_and_a_declined_invitation_is_reported(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, f"invite <@{BEA}|bea>")
    assert "Invitation sent to <@UBEA00001>" in last(slack, ADMIN)
    assert "You have been invited to join the stage" in last(slack, BEA)
    await slack.click(BEA, b.DECLINE_INVITATION, ROOM)
    assert "<@UBEA00001> declined the invitation" in last(slack, ADMIN)


async def test_J7_inviting_a_requester_answers_the_request(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, f"invite <@{ALEX}>")
    roster = slack.roster_text()
    assert "*Queue (0):*" in roster and "*Invited:* <@UALEX0001>" in roster


async def test_J8_invitations_expire_and_both_sides_are_told(slack):
    await live_session(slack, "invite")
    await slack.command(ADMIN, "expiry 30")
    await slack.command(ADMIN, f"invite <@{ALEX}>")
    slack.clock.now += 31
    await slack.tick()
    await slack.deliver()
    assert "Your invitation to join the stage expired" in last(slack, ALEX)
    assert "<@UALEX0001>'s invitation expired unanswered" in last(slack, ADMIN)


async def test_J9_one_position_at_a_time(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(ALEX, "ask")
    assert "already pending (position 1)" in last(slack, ALEX)


async def test_J10_hands_in_every_mode_moderators_lower_them(slack):
    await live_session(slack, "invite")
    await slack.click(ALEX, b.HAND, ROOM)
    await slack.click(BEA, b.HAND, ROOM)
    assert "*Hands:* <@UALEX0001>, <@UBEA00001>" in slack.roster_text()
    hand_note = [a for a in slack.fake.of("chat.postEphemeral") if a["user"] == ADMIN][-1]
    assert hand_note["blocks"][-1]["elements"][0]["action_id"] == b.INVITE
    await slack.command(ADMIN, f"hand down <@{ALEX}>")
    assert "<@UADMIN001> lowered your hand" in last(slack, ALEX)
    await slack.click(BEA, b.HAND_DOWN, ROOM)
    assert "*Hands:* nobody" in slack.roster_text()


async def test_J11_moderators_join_directly_in_invite_mode(slack):
    await live_session(slack, "invite")
    await join_via_get_ready(slack, ADMIN)
    assert "You are on stage." in last(slack, ADMIN)


# -- C1..C4: capacity ---------------------------------------------------------------------------------------


async def test_C1_capacity_is_set_by_admins_and_cannot_drop_below_the_stage(slack):
    await live_session(slack, "open")
    await join_via_get_ready(slack, ALEX)
    await join_via_get_ready(slack, BEA)
    await slack.command(ADMIN, "capacity 1")
    assert "2" in last(slack, ADMIN) and "capacity" in last(slack, ADMIN).lower()
    await slack.command(ADMIN, "capacity 2")
    assert "On stage: 2 / 2" in slack.roster_text()


async def test_C2_most_recent_joiners_are_on_camera(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "cameras 1")
    await join_via_get_ready(slack, ALEX)
    await join_via_get_ready(slack, BEA)
    roster = slack.roster_text()
    assert "*On camera:* <@UBEA00001>" in roster and "*Audio only:* <@UALEX0001>" in roster


async def test_C3_C4_joining_a_full_stage_moves_the_least_recently_active(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "capacity 2")
    await join_via_get_ready(slack, ALEX)
    slack.clock.now += 10
    await join_via_get_ready(slack, BEA)
    slack.clock.now += 10
    # C4: a message in the channel by someone on stage is activity.
    await slack.event(
        {
            "type": "message",
            "channel": CHANNEL,
            "user": ALEX,
            "text": "hi",
            "ts": "1700000010.000100",
            "event_ts": "1700000010.000100",
            "channel_type": "channel",
        }
    )
    slack.clock.now += 10
    await join_via_get_ready(slack, CAL)
    assert "so you made room for" in last(slack, BEA)
    roster = slack.roster_text()
    assert "<@UBEA00001>" not in roster.split("*Queue")[0]
    assert "<@UALEX0001>" in roster and "<@UCAL00001>" in roster


# -- L1..L3: leaving --------------------------------------------------------------------------------------------


async def test_L1_moderator_removes_and_the_person_is_a_viewer(slack):
    await live_session(slack, "open")
    await join_via_get_ready(slack, ALEX)
    await slack.command(ADMIN, f"remove <@{ALEX}>")
    assert "You are now a viewer" in last(slack, ALEX)
    assert "On stage: 0 / 100" in slack.roster_text()


async def test_L2_leaving_the_channel_cancels_a_request(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.event(
        {"type": "member_left_channel", "user": ALEX, "channel": CHANNEL, "channel_type": "C", "team": slack.fake.team}
    )
    assert "request was cancelled: they left the channel" in last(slack, ADMIN)
    assert "*Queue (0):*" in slack.roster_text()


async def test_L3_ending_returns_everyone_and_closes_everything(slack):
    await live_session(slack, "request")
    await join_via_get_ready(slack, ADMIN)
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "hand")
    await slack.command(ADMIN, "end")
    assert "The session ended, so your request is closed" in " ".join(slack.fake.told(ALEX))
    assert any("ended the session" in a["text"] for a in slack.fake.posted(CHANNEL))
    assert "No stage session is live" in slack.roster_text()


# -- A1..A5: who may do what ------------------------------------------------------------------------------------


async def test_A2_only_admins_change_defaults_and_name_moderators(slack):
    await live_session(slack, "request")
    await slack.command(MOD, "capacity 5")
    assert "Only admins can change" in last(slack, MOD)
    await slack.command(ADMIN, f"moderators add <@{MOD}|mod>")
    await slack.command(ALEX, "ask")
    await slack.click(MOD, b.APPROVE, value(ALEX))
    assert "You have been invited" in last(slack, ALEX)


async def test_A2_a_named_user_group_moderates(slack):
    slack.fake.groups["S0HOSTS01"] = [CAL]
    await live_session(slack, "request")
    await slack.command(ADMIN, "moderators add <!subteam^S0HOSTS01|@hosts>")
    await slack.command(ALEX, "ask")
    await slack.click(CAL, b.APPROVE, value(ALEX))
    assert "You have been invited" in last(slack, ALEX)


async def test_A3_participant_clicking_a_moderator_button_changes_nothing(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(BEA, b.APPROVE, value(ALEX))  # a moderator's button, forwarded or replayed
    assert "Only moderators can bring people to the stage" in last(slack, BEA)
    assert "1. <@UALEX0001>" in slack.roster_text()


async def test_A3_stale_button_after_the_session_ended(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, "end")
    await slack.click(ADMIN, b.APPROVE, value(ALEX))
    assert "No session is live" in last(slack, ADMIN)


async def test_A4_bots_are_not_targets(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, f"invite <@{BOTUSER}|robot>")
    assert "is a bot or the app itself" in last(slack, ADMIN)


async def test_A5_repeating_something_already_so_is_no_change(slack):
    await live_session(slack, "invite")
    await slack.click(ALEX, b.HAND, ROOM)
    await slack.click(ALEX, b.HAND, ROOM)
    assert "Nothing changed: your hand is already raised" in last(slack, ALEX)


async def test_X1_second_moderator_is_told_who_answered(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, f"moderators add <@{MOD}>")
    await slack.command(ALEX, "ask")
    await slack.click(ADMIN, b.APPROVE, value(ALEX))
    await decline_via_form(slack, MOD, ALEX)
    assert "<@UADMIN001> already brought <@UALEX0001> to the stage" in last(slack, MOD)


# -- the commands themselves -------------------------------------------------------------------------------------


async def test_status_help_and_bad_input_get_clear_answers(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "status")
    assert "On stage: 0 / 100" in last(slack, ALEX)
    await slack.command(ALEX, "")
    assert "*/stage* runs this channel's huddle" in last(slack, ALEX)
    await slack.command(ALEX, "dance")
    assert "`dance` is not a /stage subcommand" in last(slack, ALEX)
    await slack.command(ADMIN, "invite @alex")
    assert "not a mention Slack can resolve" in last(slack, ADMIN)


async def test_moderator_panel_is_for_moderators_and_acts_in_place(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(BEA, b.PANEL, ROOM)
    assert "Only moderators can open the moderator panel" in last(slack, BEA)
    await slack.click(ADMIN, b.PANEL, ROOM)
    panel = slack.fake.of("views.open")[-1]["view"]
    assert panel["callback_id"] == b.PANEL_VIEW
    assert "1. <@UALEX0001>" in str(panel["blocks"])
    await slack.click(ADMIN, b.APPROVE, value(ALEX), view={**panel, "id": "VPANEL001"})
    updated = slack.fake.of("views.update")[-1]
    assert updated["view_id"] == "VPANEL001" and "*Queue (0)*" in str(updated["view"]["blocks"])
    await slack.click(
        ADMIN, b.INVITE_PICK, view={**panel, "id": "VPANEL001"}, element={"type": "users_select", "selected_user": BEA}
    )
    assert "You have been invited" in last(slack, BEA)


async def test_C3_a_stage_full_of_moderators_refuses_the_join(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "capacity 1")
    await join_via_get_ready(slack, ADMIN)
    await join_via_get_ready(slack, ALEX)
    assert "The stage is full (1 of 1)" in last(slack, ALEX)
    assert "On stage: 1 / 1" in slack.roster_text()


async def test_stage_commands_outside_a_channel_are_explained(slack):
    await slack.command(ALEX, "start", channel="D0ALEXDM1")
    assert "Use /stage in the channel whose huddle is the stage" in last(slack, ALEX)


async def test_J10_moderator_lowers_a_hand_from_the_panel(slack):
    await live_session(slack, "invite")
    await slack.click(ALEX, b.HAND, ROOM)
    await slack.click(ADMIN, b.PANEL, ROOM)
    panel = slack.fake.of("views.open")[-1]["view"]
    assert b.LOWER in str(panel["blocks"])
    await slack.click(ADMIN, b.LOWER, value(ALEX), view={**panel, "id": "VPANEL002"})
    assert "<@UADMIN001> lowered your hand" in last(slack, ALEX)
    assert "*Hands:* nobody" in slack.roster_text()
