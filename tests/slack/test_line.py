"""Running the line, timed turns and stats from Slack: /stage words through Bolt's signed dispatch (Q1-3, T1-3, R1)."""

from __future__ import annotations

import json

import pytest

from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, MOD, live_session
from tests.slack.fake_slack import RESPONSE_URL


def last(slack, user: str) -> str:
    told = slack.fake.told(user)
    assert told, f"{user} was told nothing"
    return told[-1]


async def test_Q1_next_brings_the_head_of_the_request_line_to_the_stage(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask first")
    await slack.command(BEA, "ask second")
    await slack.command(ADMIN, "next")
    assert "invited" in last(slack, ALEX).lower()
    assert "invited" not in " ".join(slack.fake.told(BEA)).lower()
    assert "next" in last(slack, BEA).lower()  # Q4: Bea is first in line now


async def test_Q1_next_with_nobody_waiting_says_the_line_is_empty(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "next")
    assert "Nobody is waiting" in last(slack, ADMIN)


async def test_Q1_A1_a_participant_cannot_call_the_next_speaker(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "next")
    assert "Only moderators" in last(slack, BEA)
    assert "invited" not in " ".join(slack.fake.told(ALEX)).lower()


async def test_Q2_uninvite_withdraws_an_invitation_and_tells_both_sides(slack):
    await live_session(slack, "invite")
    await slack.command(ADMIN, f"invite <@{ALEX}|alex>")
    await slack.command(ADMIN, f"uninvite <@{ALEX}|alex>")
    assert "withdr" in last(slack, ALEX).lower()
    assert "withdr" in last(slack, ADMIN).lower()
    await slack.command(ADMIN, f"uninvite <@{ALEX}|alex>")
    assert "has no pending invitation to withdraw" in last(slack, ADMIN)  # no_invitation


async def test_Q3_hands_down_lowers_every_hand(slack):
    await live_session(slack, "invite")
    await slack.command(ALEX, "hand")
    await slack.command(BEA, "hand")
    await slack.command(ADMIN, "hands down")
    assert "lowered your hand" in last(slack, ALEX) and "lowered your hand" in last(slack, BEA)
    await slack.command(ADMIN, "hands down")
    assert "Nothing changed: no hand is raised" in last(slack, ADMIN)  # no_change


async def test_T1_T2_a_timed_turn_is_extended_and_bad_seconds_are_refused(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 60")
    assert "60" in last(slack, ADMIN)
    await slack.command(ALEX, "join")
    await slack.submit(ALEX, "get_ready")
    await slack.command(ADMIN, f"extend <@{ALEX}|alex> 120")
    assert "120 s more" in last(slack, ALEX)
    for seconds in ("0", "-5", "soon", "86401", ""):
        await slack.command(ADMIN, f"extend <@{ALEX}|alex> {seconds}")
        assert last(slack, ADMIN).startswith(":no_entry_sign: extend"), seconds
    told = len(slack.fake.told(ALEX))
    await slack.command(BEA, f"extend <@{ALEX}|alex> 60")
    assert "Only moderators" in last(slack, BEA)
    assert len(slack.fake.told(ALEX)) == told


@pytest.mark.parametrize(
    ("text", "word"),
    [("turn 90000", "turn"), ("turn soon", "turn"), ("advance maybe", "advance"), ("order random", "order")],
)
async def test_T1_T3_Q5_settings_out_of_range_are_refused_with_what_to_type(slack, text, word):
    await live_session(slack, "request")
    await slack.command(ADMIN, text)
    assert last(slack, ADMIN).startswith(f":no_entry_sign: {word}")


async def test_A2_T3_Q5_only_admins_set_turn_advance_and_order(slack):
    await live_session(slack, "request")
    for text in ("turn 60", "advance on", "order fair"):
        await slack.command(MOD, text)
        assert "Only admins" in last(slack, MOD), text
    await slack.command(ADMIN, "advance on")
    assert "Auto-advance is on" in last(slack, ADMIN)
    await slack.command(ADMIN, "order fair")
    assert "fair" in last(slack, ADMIN).lower()


async def test_R1_stats_answers_only_the_moderator_who_asked(slack):
    await live_session(slack, "open", CAL)
    await slack.command(ALEX, "join")
    await slack.submit(ALEX, "get_ready")
    slack.clock.now += 42
    calls = len(slack.fake.calls)
    await slack.command(ADMIN, "stats")
    assert "Stats for the live session" in last(slack, ADMIN)
    assert f"<@{ALEX}>: 42 s on stage" in last(slack, ADMIN)
    new = slack.fake.calls[calls:]
    assert not [c for c in new if c.method == "chat.postMessage" and c.args.get("channel") == "C0STAGE01"]
    await slack.command(ALEX, "stats")
    assert "Only moderators" in last(slack, ALEX)


async def test_help_lists_the_line_words(slack):
    await slack.command(ALEX, "help")
    for word in ("next", "uninvite", "hands down", "extend", "stats", "turn", "advance", "order"):
        assert f"`{word}" in last(slack, ALEX), word


# -- the moderators' buttons: offered by the presenter, checked at the click (A3) --------------------


def buttons_told(slack, user: str) -> list[dict]:
    """Every button in the messages shown to a user, newest last."""
    found = []
    for call in slack.fake.calls:
        shown_to = call.args.get("channel" if call.method == "chat.postMessage" else "user")
        if call.method in ("chat.postEphemeral", "chat.postMessage", RESPONSE_URL) and shown_to == user:
            for block in call.args.get("blocks") or []:
                found += [e for e in block.get("elements") or [] if e.get("type") == "button"]
    return found


def button_of(slack, user: str, action_id: str) -> dict:
    found = [b for b in buttons_told(slack, user) if b["action_id"] == action_id]
    assert found, f"{user} was offered no {action_id}"
    return found[-1]


async def test_Q1_the_next_speaker_button_on_a_request_notice_serves_the_head_of_the_line(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "ask")
    button = button_of(slack, ADMIN, b.NEXT)
    await slack.click(ADMIN, b.NEXT, button["value"])
    assert "invited" in last(slack, ALEX).lower()
    assert "invited" not in " ".join(slack.fake.told(BEA)).lower()


async def test_A3_Q1_a_participant_clicking_next_speaker_is_refused_and_nothing_changes(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(BEA, b.NEXT, f"{CHANNEL}|")
    assert "Only moderators" in last(slack, BEA)
    assert "invited" not in " ".join(slack.fake.told(ALEX)).lower()


async def test_Q2_withdraw_invitation_button_on_the_invitation_notice(slack):
    await live_session(slack, "invite")
    await slack.command(ADMIN, f"invite <@{ALEX}|alex>")
    button = button_of(slack, ADMIN, b.WITHDRAW)
    assert button["value"] == f"{CHANNEL}|{ALEX}"
    await slack.click(BEA, b.WITHDRAW, button["value"])
    assert "Only moderators" in last(slack, BEA)
    await slack.click(ADMIN, b.WITHDRAW, button["value"])
    assert "withdr" in last(slack, ALEX).lower()


async def test_Q3_lower_all_hands_button_on_a_hand_notice(slack):
    await live_session(slack, "invite")
    await slack.command(ALEX, "hand")
    await slack.command(BEA, "hand")
    await slack.click(ADMIN, b.HANDS_DOWN_ALL, button_of(slack, ADMIN, b.HANDS_DOWN_ALL)["value"])
    assert "lowered your hand" in last(slack, ALEX) and "lowered your hand" in last(slack, BEA)


async def test_T1_T2_the_turn_warning_offers_plus_one_and_plus_five_minutes(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "turn 60")
    await slack.command(ALEX, "join")
    await slack.submit(ALEX, "get_ready")
    slack.clock.now += 31
    await slack.tick()
    await slack.deliver()
    assert "ends in 30 s" in last(slack, ALEX)
    plus_one = button_of(slack, ADMIN, b.EXTEND_MINUTE)
    assert button_of(slack, ADMIN, b.EXTEND_FIVE)["value"] == plus_one["value"] == f"{CHANNEL}|{ALEX}"
    await slack.click(MOD, b.EXTEND_MINUTE, plus_one["value"])
    assert "Only moderators" in last(slack, MOD)
    await slack.click(ADMIN, b.EXTEND_MINUTE, plus_one["value"])
    assert "60 s more" in last(slack, ALEX)
    await slack.click(ADMIN, b.EXTEND_FIVE, plus_one["value"])
    assert "300 s more" in last(slack, ALEX)


async def test_Q1_Q2_Q3_the_moderator_panel_offers_next_lower_all_and_withdraw(slack):
    await live_session(slack, "invite")
    await slack.command(ALEX, "hand")
    await slack.command(ADMIN, f"invite <@{BEA}|bea>")
    await slack.click(ADMIN, b.PANEL, f"{CHANNEL}|")
    view = slack.fake.of("views.open")[-1]["view"]
    ids = json.dumps(view)
    assert b.NEXT in ids and b.HANDS_DOWN_ALL in ids and f'"{CHANNEL}|{BEA}"' in ids
    panel = {"id": "V0PANEL01", "callback_id": b.PANEL_VIEW}
    await slack.click(ADMIN, b.WITHDRAW, f"{CHANNEL}|{BEA}", view=panel)
    assert "withdr" in last(slack, BEA).lower()
    assert b.WITHDRAW not in json.dumps(slack.fake.of("views.update")[-1]["view"])  # the panel is redrawn


# -- the Home tab's settings forms (T1, T3, Q5) -----------------------------------------------------------


async def test_T1_T3_Q5_the_home_tab_form_sets_turn_length_auto_advance_and_order(slack):
    await live_session(slack, "request")
    await slack.click(ADMIN, b.HOME_EDIT, f"{CHANNEL}|")
    form = slack.fake.of("views.open")[-1]["view"]
    assert {"turn", "advance", "order"} <= {block.get("block_id") for block in form["blocks"]}
    values = {
        "turn": {"turn": {"type": "number_input", "value": "90"}},
        "advance": {"advance": {"type": "static_select", "selected_option": {"value": "on"}}},
        "order": {"order": {"type": "static_select", "selected_option": {"value": "fair"}}},
    }
    await slack.submit(ADMIN, b.SETTINGS, values)
    for text, already in (("advance on", "auto-advance is already on"), ("order fair", "already fair")):
        await slack.command(ADMIN, text)
        assert already in last(slack, ADMIN), text
    await slack.command(ADMIN, "turn 90")
    assert "Nothing changed" in last(slack, ADMIN)


async def test_A2_T1_a_bad_turn_length_on_the_form_is_refused_and_nothing_changes(slack):
    await live_session(slack, "request")
    response = await slack.submit(MOD, b.SETTINGS, {"turn": {"turn": {"type": "number_input", "value": "60"}}})
    assert json.loads(response.body)["response_action"] == "errors"
    response = await slack.submit(ADMIN, b.SETTINGS, {"turn": {"turn": {"type": "number_input", "value": "90000"}}})
    assert "out of range" in response.body + " ".join(slack.fake.told(ADMIN))
    await slack.command(ADMIN, "turn 60")
    assert "60" in last(slack, ADMIN) and "Nothing changed" not in last(slack, ADMIN)  # the moderator's did not take


async def test_T1_T3_Q5_the_workspace_form_offers_the_line_settings(slack):
    await slack.click(ADMIN, b.HOME_WORKSPACE, "*|")
    form = slack.fake.of("views.open")[-1]["view"]
    assert {"turn", "advance", "order"} <= {block.get("block_id") for block in form["blocks"]}
