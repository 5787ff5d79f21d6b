"""The presenter's notices in Discord's words: refusals from their data, mentions, buttons, Discord's hints."""

from __future__ import annotations

from adapters.discord.kit import Place
from adapters.discord.notices import error_words, personal_notice, reply
from core import errors as e
from core.events import ErrorReply, InvitationSent, ModeChanged, RequestCancelled, StageJoined, StageLeft

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
