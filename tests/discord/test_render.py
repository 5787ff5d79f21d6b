"""The presenter's notices in Discord's words: refusals from their data, mentions, buttons, Discord's hints."""

from __future__ import annotations

import re

from adapters.discord.buttons import TEMPLATE
from adapters.discord.kit import Place
from adapters.discord.notices import error_words, message, moderator_notice, personal_notice, reply
from adapters.present import Action, ActionKind, Notice
from core import errors as e
from core.events import (
    ErrorReply,
    InvitationSent,
    ModeChanged,
    RequestCancelled,
    StageJoined,
    StageLeft,
    TurnWarning,
)
from tests.discord import spec

PLACE = Place(guild_id=1, channel_id=222, stage=True)
VOICE = Place(guild_id=1, channel_id=333, stage=False)
ME = "123456789012345678"
THEM = "876543210987654321"


def _ids(message: object) -> list[str]:
    view = getattr(message, "view", None)
    return [item.custom_id for item in view.children] if view is not None else []  # type: ignore[attr-defined]


def test_unknown_user_is_about_the_connection_for_yourself() -> None:
    error = ErrorReply.of(ME, e.UnknownUser(ME, you=True))
    assert error_words(error, PLACE) == "You are not connected to <#222>. Connect to it first, then try again."


def test_unknown_user_names_the_other_person() -> None:
    error = ErrorReply.of(ME, e.UnknownUser(THEM))
    assert error_words(error, PLACE).startswith(f"<@{THEM}> is not connected to <#222>.")


def test_people_in_a_refusal_become_mentions_from_its_data() -> None:
    error = ErrorReply.of(ME, e.NoRequest(ME, answered_by=THEM, outcome="declined"))
    assert error_words(error, PLACE).startswith(f"<@{THEM}> already declined <@{ME}>'s request")


def test_a_join_that_moved_someone_says_who() -> None:
    events = [StageLeft(THEM, "evicted", ME), StageJoined(ME, evicted=THEM)]
    text = reply(events, ME, PLACE).content
    assert f"<@{THEM}> was moved to the audience to make room for <@{ME}>" in text
    assert "You are on stage. Accept Discord's invitation to speak to start talking." in text


def test_an_invitation_on_a_stage_asks_to_accept_discords_invitation_to_speak() -> None:
    told = personal_notice(InvitationSent(ME, THEM), PLACE)
    assert told is not None and told.content.startswith("<#222>: You have been invited to join the stage.")
    assert "Accept Discord's invitation to speak (or press **Join stage**)" in told.content
    assert _ids(told) == ["sd:join:1:222", "sd:decinv:1:222"]


def test_an_invitation_in_a_voice_channel_gets_ready_and_joins_at_once() -> None:
    told = personal_notice(InvitationSent(ME, THEM), VOICE)
    assert told is not None and "Get ready: check your microphone and camera" in told.content
    assert _ids(told) == ["sd:ready:1:333", "sd:decinv:1:333"]


def test_M4_a_request_closed_by_open_mode_gets_a_join_button_from_the_batch() -> None:
    batch = (RequestCancelled(ME, "mode_changed"), ModeChanged("open", THEM))
    told = personal_notice(batch[0], VOICE, batch)
    assert told is not None and "you can now join directly" in told.content
    assert "**Everyone on stage**" in told.content
    assert _ids(told) == ["sd:join:1:333"]  # the voice channel's get-ready step comes first (J1)


def test_T2_a_turn_warning_for_moderators_offers_extend_buttons_whose_ids_carry_whom_and_how_long() -> None:
    told = moderator_notice(TurnWarning(user=THEM, seconds_left=30), PLACE, roles=[5])
    assert told is not None and told.content.startswith("<@&5> ")
    assert _ids(told) == [f"sd:extend:1:222:{THEM}:60", f"sd:extend:1:222:{THEM}:300"]


def test_Q1_Q2_Q3_T2_every_action_and_line_action_on_one_notice_stays_inside_discords_component_limits() -> None:
    people = [str(10**17 + n) for n in range(40)]
    kinds = [kind for kind in ActionKind if kind is not ActionKind.EXTEND]
    actions = tuple(Action(kind, person) for kind in kinds for person in people[:3])
    line = tuple(Action(ActionKind.EXTEND, person, s) for person in people for s in (60, 300))
    told = message(Notice("moderators", "x", "Many things at once.", actions=actions, line_actions=line), PLACE)
    assert told.view is not None
    body = {"content": told.content, "components": told.view.to_components()}
    assert spec.check_limits(body) == []
    assert spec.check_body("POST", "/channels/1/messages", body) == []
    ids = _ids(told)
    assert len(ids) == 25 and len(set(ids)) == 25  # five rows of five, each id once
    assert all(re.fullmatch(TEMPLATE, custom) for custom in ids)  # every one finds its handler after a restart
