"""Send to Discord: the channel's chat, a person (DM, or a mention when DMs are refused), the moderators.

A refused fallback is logged, never raised: a notice must not stop the delivery of the ones after it.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.kit import Message, mention
from adapters.discord.runtime import RoomChannel, Runtime

log = logging.getLogger(__name__)


class Messenger:
    """Post and DM on the bot's behalf."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def to_room(self, channel: RoomChannel, message: Message) -> discord.Message | None:
        """Post in the channel's chat; a refusal is logged, not raised."""
        try:
            return await channel.send(**message.kwargs())
        except discord.HTTPException as error:
            log.warning("could not post in %s: %s", channel.id, error)
            return None

    async def to_user(self, channel: RoomChannel, user: str, message: Message) -> None:
        """DM someone; when Discord refuses, mention them in the channel's chat instead."""
        bot = self.runtime.bot
        try:
            target = bot.get_user(int(user)) or await bot.fetch_user(int(user))
            await target.send(**message.kwargs())
            return
        except discord.HTTPException as error:
            log.info("DM to %s refused (%s); telling them in the channel", user, error.code)
        fallback = Message(
            content=f"{mention(user)} {message.content}",
            view=message.view,
            mentions=discord.AllowedMentions(users=[discord.Object(int(user))], roles=False, everyone=False),
        )
        await self.to_room(channel, fallback)

    async def to_moderators(self, channel: RoomChannel, message: Message, skip: str | None) -> None:
        """Tell moderators as the settings say: a ping in the chat, DMs, or only the panel."""
        how = self.runtime.options.notify_moderators
        if how == "ping":
            await self.to_room(channel, message)
        elif how == "dm":
            for member in channel.members:
                if member.bot or str(member.id) == skip:
                    continue
                if self.runtime.actor(member, channel).moderator:
                    try:
                        told = Message(content=f"{channel.mention}: {message.content}", view=message.view)
                        await member.send(**told.kwargs())
                    except discord.HTTPException as error:
                        log.info("DM to moderator %s refused (%s)", member.id, error.code)
