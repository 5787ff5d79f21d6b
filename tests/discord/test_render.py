"""Errors turned into Discord's words."""

from __future__ import annotations

from adapters.discord.kit import Place
from adapters.discord.notices import error_words, reply
from core.events import ErrorReply, StageJoined

PLACE = Place(guild_id=1, channel_id=222, stage=True)
ME = "123456789012345678"
THEM = "876543210987654321"


def test_unknown_user_is_about_the_connection_for_yourself() -> None:
    error = ErrorReply(ME, "unknown_user", f"{ME} is not in the room. Check the name, or wait until they arrive.")
    assert error_words(error, PLACE) == "You are not connected to <#222>. Connect to it first, then try again."


def test_unknown_user_names_the_other_person() -> None:
    error = ErrorReply(ME, "unknown_user", f"{THEM} is not in the room. Check the name, or wait until they arrive.")
    assert error_words(error, PLACE).startswith(f"<@{THEM}> is not connected to <#222>.")


def test_ids_in_core_messages_become_mentions() -> None:
    error = ErrorReply(ME, "no_request", f"{THEM} already declined {ME}'s request.")
    assert error_words(error, PLACE) == f"<@{THEM}> already declined <@{ME}>'s request."


def test_a_join_that_moved_someone_says_who() -> None:
    text = reply([StageJoined(ME, evicted=THEM)], ME, PLACE).content
    assert text.startswith("You are on stage.") and f"<@{THEM}> moved to the audience" in text
