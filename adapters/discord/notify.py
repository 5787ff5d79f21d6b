"""Deliver the event log to Discord: tell people, move voice states, refresh the panel.

The events of one command are delivered together, so each notice can be worded
from what else the command did (M4: a request closed by a switch to open mode
says the person may now join) without reading the room again. The person whose
own click caused an event was already answered ephemerally, so only others hear
of it here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from adapters.discord import notices
from adapters.discord.enforce import Enforcer
from adapters.discord.kit import place_for
from adapters.discord.messenger import Messenger
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import PLATFORM, RoomChannel, Runtime
from adapters.outbox import drain
from core import events as ev
from core.service import EventLog, LoggedEvent

log = logging.getLogger(__name__)

CONSUMER = "discord"
PAGE = 100

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

    def __init__(
        self,
        runtime: Runtime,
        events: EventLog,
        messenger: Messenger,
        panels: PanelKeeper,
        enforcer: Enforcer,
        page: int = PAGE,
    ) -> None:
        self.runtime = runtime
        self.events = events
        self.page = page
        self.messenger = messenger
        self.panels = panels
        self.enforcer = enforcer
        self._last_delivered = 0  # the log is delivered in id order

    async def drain(self) -> int:
        """Deliver everything after the cursor, a command's events together; return how many."""
        return await drain(self.events, CONSUMER, self.deliver, self.page)

    async def deliver(self, item: LoggedEvent, batch: Sequence[ev.Event] = ()) -> None:
        """Deliver one logged event; a repeat of one already delivered changes nothing (X2)."""
        if item.room.platform != PLATFORM or item.id <= self._last_delivered:
            return
        channel = self.runtime.channel_for(item.room)
        if channel is None:
            return
        event, key = item.event, item.room
        self.panels.touch(key)
        if isinstance(event, (ev.SessionStarted, ev.SessionEnded)):
            self.enforcer.want(key, None)
        elif isinstance(event, VOICE_EVENTS):
            users = [event.user] + ([event.evicted] if isinstance(event, ev.StageJoined) and event.evicted else [])
            self.enforcer.want(key, users)
        await self._tell(item, channel, batch)
        if isinstance(event, (ev.SessionStarted, ev.SessionEnded)):
            await self.enforcer.follow_session(key, isinstance(event, ev.SessionStarted))
        self._last_delivered = item.id

    async def _tell(self, item: LoggedEvent, channel: RoomChannel, batch: Sequence[ev.Event]) -> None:
        event, place = item.event, place_for(channel)
        notice = notices.room_notice(event, place, batch)
        if notice is not None:
            await self.messenger.to_room(channel, notice)
        user = getattr(event, "user", None)
        if user is not None and user != item.actor and not isinstance(event, ev.ErrorReply):
            personal = notices.personal_notice(event, place, batch)
            if personal is not None:
                await self.messenger.to_user(channel, user, personal)
        await self._tell_moderators(event, channel, batch, skip=user)

    async def _tell_moderators(
        self, event: ev.Event, channel: RoomChannel, batch: Sequence[ev.Event], skip: str | None
    ) -> None:
        """A ping in the chat, without what only moderators may read; DMs when no role can be pinged there."""
        how, place = self.runtime.options.notify_moderators, place_for(channel)
        if how == "panel":
            return
        roles = self.messenger.moderator_pings(channel) if how == "ping" else []
        if roles:
            shared = notices.moderator_notice(event, place, roles, batch, shared=True)
            if shared is not None:
                await self.messenger.to_room(channel, shared)
            return
        private = notices.moderator_notice(event, place, batch=batch, shared=False)
        if private is not None:
            if how == "ping":
                log.info("no moderators' role can be pinged in %s; telling its moderators by DM", channel.id)
            await self.messenger.to_moderators(channel, private, skip=skip)
