"""The small interactive pieces: an invitation's answers, the get-ready step, the decline form."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.buttons import StageButton
from adapters.discord.kit import Message, Place
from core.limits import NOTE_LIMIT

DECLINE_TITLE = "Decline a request"
DECLINE_REASON_LABEL = "Reason (optional, shown to them)"
DECLINE_REASON_ID = "reason"


def decline_reason_input() -> discord.ui.TextInput[Any]:
    """J5: the optional reason a moderator gives when declining from the panel."""
    return discord.ui.TextInput(
        label=DECLINE_REASON_LABEL,
        custom_id=DECLINE_REASON_ID,
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=NOTE_LIMIT,
        placeholder="For example: we're out of time today",
    )


def get_ready(place: Place) -> Message:
    """J1: the get-ready step before joining a voice channel's stage."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        StageButton("ready", place.guild_id, place.channel_id, label="Join stage", style=discord.ButtonStyle.success)
    )
    return Message(
        content="Get ready to join the stage: check your microphone and camera, then press **Join stage**.",
        view=view,
    )


def invitation_view(place: Place) -> discord.ui.View:
    """The invitation's answers: Join stage or Decline invitation."""
    view = discord.ui.View(timeout=None)
    join_action = "join" if place.stage else "ready"
    view.add_item(
        StageButton(
            join_action, place.guild_id, place.channel_id, label="Join stage", style=discord.ButtonStyle.success
        )
    )
    view.add_item(
        StageButton(
            "decinv", place.guild_id, place.channel_id, label="Decline invitation", style=discord.ButtonStyle.secondary
        )
    )
    return view
