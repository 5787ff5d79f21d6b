"""Deliver the event log to Discord: tell people, move voice states, refresh the panel.

The person whose own click caused an event was already answered ephemerally,
so only others hear of it here. DMs that Discord refuses fall back to a
mention in the channel's chat; a refused fallback is logged, never raised.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from adapters.discord import render
from adapters.discord.enforce import place_for
from adapters.discord.runtime import PLATFORM
from core import events as ev
from core.service import LoggedEvent

if TYPE_CHECKING:
    from adapters.discord.runtime import RoomChannel, Runtime

log = logging.getLogger(__name__)

# Events that change who may speak: Discord's voice state must follow them.
VOICE_EVENTS = (
    ev.StageJoined,
    ev.StageLeft,
    ev.InvitationSent,
    ev.RequestApproved,
    ev.InvitationDeclined,
    ev.InvitationExpired,
    ev.InvitationCancelled,
)


class Notifier:
    """The outbox consumer "discord"."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._last_delivered = 0  # the log is delivered in id order

    async def deliver(self, item: LoggedEvent) -> None:
        """Deliver one logged event; a repeat of one already delivered changes nothing (X2)."""
        if item.room.platform != PLATFORM or item.id <= self._last_delivered:
            return
        channel = self.runtime.channel_for(item.room)
        if channel is None:
            return
        event, key = item.event, item.room
        self.runtime.panels.touch(key)
        if isinstance(event, (ev.SessionStarted, ev.SessionEnded)):
            self.runtime.enforcer.want(key, None)
        elif isinstance(event, VOICE_EVENTS):
            users = [event.user] + ([event.evicted] if isinstance(event, ev.StageJoined) and event.evicted else [])
            self.runtime.enforcer.want(key, users)
        await self._tell(item, channel)
        if isinstance(event, (ev.SessionStarted, ev.SessionEnded)):
            await self.runtime.enforcer.follow_session(key, isinstance(event, ev.SessionStarted))
        self._last_delivered = item.id

    async def _tell(self, item: LoggedEvent, channel: RoomChannel) -> None:
        event, place = item.event, place_for(channel)
        notice = render.room_notice(event, place)
        if notice is not None:
            await self.to_room(channel, notice)
        user = getattr(event, "user", None)
        if user is not None and user != item.actor and not isinstance(event, ev.ErrorReply):
            mode = (await self.runtime.snapshot(item.room)).mode
            personal = render.personal_notice(event, place, mode)
            if personal is not None:
                await self.to_user(channel, user, personal)
        moderators = render.moderator_notice(event, place, self.runtime.moderator_roles)
        if moderators is not None:
            await self.to_moderators(channel, moderators, skip=user)

    async def to_room(self, channel: RoomChannel, message: render.Message) -> discord.Message | None:
        """Post in the channel's chat; a refusal is logged, not raised."""
        try:
            return await channel.send(**message.kwargs())
        except discord.HTTPException as error:
            log.warning("could not post in %s: %s", channel.id, error)
            return None

    async def to_user(self, channel: RoomChannel, user: str, message: render.Message) -> None:
        """DM someone; when Discord refuses, mention them in the channel's chat instead."""
        try:
            target = self.runtime.bot.get_user(int(user)) or await self.runtime.bot.fetch_user(int(user))
            await target.send(**message.kwargs())
            return
        except discord.HTTPException as error:
            log.info("DM to %s refused (%s); telling them in the channel", user, error.code)
        fallback = render.Message(
            content=f"{render.mention(user)} {message.content}",
            view=message.view,
            mentions=discord.AllowedMentions(users=[discord.Object(int(user))], roles=False, everyone=False),
        )
        await self.to_room(channel, fallback)

    async def to_moderators(self, channel: RoomChannel, message: render.Message, skip: str | None) -> None:
        """Tell moderators as the settings say: a ping in the chat, DMs, or only the panel."""
        how = self.runtime.app.settings.discord_notify_moderators
        if how == "ping":
            await self.to_room(channel, message)
        elif how == "dm":
            for member in channel.members:
                if member.bot or str(member.id) == skip:
                    continue
                if self.runtime.actor(member, channel).moderator:
                    try:
                        await member.send(content=f"{channel.mention}: {message.content}")
                    except discord.HTTPException as error:
                        log.info("DM to moderator %s refused (%s)", member.id, error.code)
