"""M4 and M5 from Slack: what requesters are told when a moderator switches the mode, through signed requests."""

from __future__ import annotations

from typing import Any

from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, BEA, CHANNEL, SlackHarness, live_session


def last_message(slack: SlackHarness, user: str) -> dict[str, Any]:
    """Return the last message (ephemeral or DM) shown to a user, blocks and all."""
    shown = [a for a in slack.fake.of("chat.postEphemeral") if a.get("user") == user]
    shown += [a for a in slack.fake.of("chat.postMessage") if a.get("channel") == user]
    assert shown, f"{user} was shown nothing"
    return shown[-1]


def buttons_in(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for block in message["blocks"] if block["type"] == "actions" for e in block["elements"]]


async def test_M4_after_a_switch_to_open_each_requester_is_told_to_join_and_their_join_button_puts_them_on_stage(
    slack: SlackHarness,
) -> None:
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "ask a question")
    await slack.command(ADMIN, "mode open")
    for requester in (ALEX, BEA):
        message = last_message(slack, requester)
        assert "you can now join directly" in message["text"]
        assert "*Everyone on stage*" in message["text"]
        assert [(e["action_id"], e["value"]) for e in buttons_in(message)] == [(b.JOIN, f"{CHANNEL}|")]
    join = buttons_in(last_message(slack, ALEX))[0]
    await slack.click(ALEX, join["action_id"], join["value"])  # the button as Slack sends its click back
    assert slack.fake.of("views.open")[-1]["view"]["callback_id"] == b.GET_READY
    await slack.submit(ALEX, b.GET_READY)
    assert "You are on stage." in last_message(slack, ALEX)["text"]
    assert "*On stage: 1 / 100*" in slack.roster_text() and "<@UALEX0001>" in slack.roster_text()


async def test_M5_after_a_switch_to_invite_requesters_keep_their_place_as_a_hand_and_get_no_join_button(
    slack: SlackHarness,
) -> None:
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, "mode invite")
    told = slack.fake.told(ALEX)
    assert any("you keep your place as a raised hand" in text for text in told)
    assert told[-1].endswith("Your request is now a raised hand (the stage is invite only).")
    assert all(e["action_id"] != b.JOIN for e in buttons_in(last_message(slack, ALEX)))
    assert "*Hands:* <@UALEX0001>" in slack.roster_text()
