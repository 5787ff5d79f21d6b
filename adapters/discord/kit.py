"""The pieces every Discord message is made of: where the room is, what to send, how people are named.

The core names people by their Discord ids; here they become mentions, which
Discord shows as names without notifying anyone (mentions are sent muted
unless a notice is meant to ping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.runtime import RoomChannel
from core.modes import Mode

QUIET = discord.AllowedMentions.none()


@dataclass(frozen=True)
class Place:
    """Where the room is, for words and button ids."""

    guild_id: int
    channel_id: int
    stage: bool  # a Discord stage channel (else a voice channel)

    @property
    def channel(self) -> str:
        """Return the channel as a mention."""
        return f"<#{self.channel_id}>"


def place_for(channel: RoomChannel) -> Place:
    """Return where a room is, for words and button ids."""
    return Place(channel.guild.id, channel.id, isinstance(channel, discord.StageChannel))


@dataclass
class Message:
    """What to send: text, an embed and buttons."""

    content: str = ""
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    mentions: discord.AllowedMentions = field(default_factory=lambda: QUIET)

    def kwargs(self) -> dict[str, Any]:
        """Return keyword arguments for send/edit."""
        out: dict[str, Any] = {"content": self.content or None, "allowed_mentions": self.mentions}
        if self.embed is not None:
            out["embed"] = self.embed
        if self.view is not None:
            out["view"] = self.view
        return out

    def payload(self) -> dict[str, Any]:
        """Return the message as Discord receives it: content, embeds and components."""
        return {
            "content": self.content or None,
            "embeds": [self.embed.to_dict()] if self.embed is not None else [],
            "components": self.view.to_components() if self.view is not None else [],
            "allowed_mentions": self.mentions.to_dict(),
        }


def mention(user: str | None) -> str:
    """Show a core user name: Discord ids become mentions."""
    if user is None:
        return "someone"
    return f"<@{user}>" if user.isdigit() else user


def mode_label(mode: str) -> str:
    """Return the name people see for a mode."""
    return Mode(mode).label
