"""Persistent buttons and member pickers: their ids carry what they act on, never who may act.

They are DynamicItems, so a click finds its item from the custom id alone,
after any restart. The item hands the click to the handler the bot was given
in setup_hook; who clicked, and what they may do, is decided there (A3).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import discord

log = logging.getLogger(__name__)

TEMPLATE = r"sd:(?P<action>[a-z]+):(?P<guild>\d+):(?P<channel>\d+)(?::(?P<user>\d+)(?::(?P<seconds>\d+))?)?"
PICKER_TEMPLATE = r"sdp:(?P<action>[a-z]+):(?P<guild>\d+):(?P<channel>\d+)"


@dataclass(frozen=True)
class Click:
    """One click: what the item asks for, in which room, and on whom (a moderator's answer or pick)."""

    action: str
    guild_id: int
    channel_id: int
    user_id: int | None = None
    seconds: int | None = None  # what an extend button adds to the turn


ClickHandler = Callable[[discord.Interaction, Click], Awaitable[None]]


@runtime_checkable
class TakesClicks(Protocol):
    """A client that was given a click handler (StageBot, in its setup_hook)."""

    click_handler: ClickHandler | None


async def dispatch(interaction: discord.Interaction, click: Click) -> None:
    """Hand a click to the handler the client was given."""
    client = interaction.client
    handler = client.click_handler if isinstance(client, TakesClicks) else None
    if handler is None:
        log.warning("a click on %s arrived before the bot was set up; ignored", click.action)
        return
    await handler(interaction, click)


def custom_id(
    action: str, guild_id: int, channel_id: int, user_id: int | None = None, seconds: int | None = None
) -> str:
    """Return a button's id: the action, the room and, for a moderator's action, whom (and how long) it means."""
    tail = f":{user_id}" if user_id is not None else ""
    if user_id is not None and seconds is not None:
        tail += f":{seconds}"
    return f"sd:{action}:{guild_id}:{channel_id}{tail}"


def picker_id(action: str, guild_id: int, channel_id: int) -> str:
    """Return a member picker's id."""
    return f"sdp:{action}:{guild_id}:{channel_id}"


class StageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """A button of the panel, of an invitation or of the get-ready step."""

    def __init__(
        self,
        action: str,
        guild_id: int,
        channel_id: int,
        user_id: int | None = None,
        *,
        label: str = "",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        seconds: int | None = None,
    ) -> None:
        button_id = custom_id(action, guild_id, channel_id, user_id, seconds)
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=button_id))
        self.click = Click(action, guild_id, channel_id, user_id, seconds)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> StageButton:
        """Rebuild the item from a clicked custom id (after any restart)."""
        user, seconds = match["user"], match["seconds"]
        button = item if isinstance(item, discord.ui.Button) else discord.ui.Button()
        return cls(
            match["action"],
            int(match["guild"]),
            int(match["channel"]),
            int(user) if user else None,
            label=button.label or "",
            style=button.style,
            seconds=int(seconds) if seconds else None,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the click to the bot's click handler."""
        await dispatch(interaction, self.click)


class StagePicker(discord.ui.DynamicItem[discord.ui.UserSelect[Any]], template=PICKER_TEMPLATE):
    """A moderator's member picker on the panel: invite or remove someone."""

    def __init__(self, action: str, guild_id: int, channel_id: int, *, placeholder: str = "") -> None:
        super().__init__(
            discord.ui.UserSelect(
                custom_id=picker_id(action, guild_id, channel_id), placeholder=placeholder, min_values=1, max_values=1
            )
        )
        self.action, self.guild_id, self.channel_id = action, guild_id, channel_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> StagePicker:
        """Rebuild the item from a clicked custom id (after any restart)."""
        placeholder = item.placeholder if isinstance(item, discord.ui.UserSelect) else None
        return cls(match["action"], int(match["guild"]), int(match["channel"]), placeholder=placeholder or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the pick to the bot's click handler."""
        chosen = self.item.values[0] if self.item.values else None
        await dispatch(interaction, Click(self.action, self.guild_id, self.channel_id, chosen.id if chosen else None))
