"""Deliver the event log to Discord: tell people, move voice states, refresh the panel.

The events of one command are delivered together, so each notice can be worded
from what else the command did (M4: a request closed by a switch to open mode
says the person may now join) without reading the room again. The person whose
own click caused an event was already answered ephemerally, so only others hear
of it here.

Each room is delivered in its own lane (adapters/discord/lanes.py): in log order
within the room, while a room Discord holds back (a 429's retry_after, waited out
by discord.py) delays no other room. The consumer "discord" has a cursor per room,
moved past an event once it is delivered (or refused for good: a refusal from
Discord is logged by the messenger, never retried), so a restart delivers again
whatever was still on its way, and nothing is lost. With several processes (shards)
each delivers the rooms the store leases to it, of the guilds it `owns`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence

from adapters.discord import notices
from adapters.discord.enforce import Enforcer
from adapters.discord.kit import place_for
from adapters.discord.lanes import Lanes
from adapters.discord.messenger import Messenger
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import PLATFORM, RoomChannel, Runtime
from adapters.present.batch import command_batches
from core import events as ev
from core.room import RoomKey
from core.service import EventLog, LoggedEvent, Owns

log = logging.getLogger(__name__)

CONSUMER = "discord"
PAGE = 100
WINDOW = 1000  # events handed to lanes and not yet delivered, at most

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
        self._last_delivered: dict[RoomKey, int] = {}  # each room is delivered in id order
        self._queues: dict[RoomKey, deque[tuple[LoggedEvent, list[ev.Event]]]] = {}
        self._lanes = Lanes[RoomKey](self._deliver_room, name="stagedoor-deliver")
        self._handed: set[int] = set()  # ids handed to a lane and not yet delivered
        self.owns: Owns | None = None  # the rooms this process delivers (its shards)

    async def drain(self) -> int:
        """Hand everything new in the log to its room's lane, a command's events together; return how many."""
        handed = 0
        extra = self.page
        for key, queue in self._queues.items():
            if queue and not self._lanes.busy(key):
                self._lanes.push(key)  # a delivery that failed is tried again, in order
        while len(self._handed) < WINDOW:
            limit = len(self._handed) + extra  # the log is read from the cursors, behind what is on its way
            pending = await self.events.read(CONSUMER, limit, platform=PLATFORM, owns=self.owns)
            fresh = [item for item in pending if item.id not in self._handed]
            if not fresh:
                break
            groups = command_batches(fresh)
            if len(pending) == limit:
                if len(groups) == 1:
                    extra *= 2  # one command fills the page: read the rest of it before handing any of it over
                    continue
                groups.pop()  # the page may have cut the last command short: it leads the next read
            extra = self.page
            for group in groups:
                caused = [item.event for item in group]
                for item in group:
                    self._handed.add(item.id)
                    self._queues.setdefault(item.room, deque()).append((item, caused))
                    self._lanes.push(item.room)
                handed += len(group)
        return handed

    async def delivered(self) -> None:
        """Return once every event handed over is delivered (or waits for a retry after a failure)."""
        await self._lanes.idle()

    def stop(self) -> None:
        """Cancel the deliveries under way (the bot is closing); the cursor keeps them for the next start."""
        self._lanes.stop()

    async def _deliver_room(self, key: RoomKey) -> None:
        """Deliver a room's events in log order; a failure leaves the rest queued for the next round."""
        queue = self._queues.get(key)
        while queue:
            item, caused = queue[0]
            try:
                await self.deliver(item, caused)
            except Exception:
                # Not delivered and not acknowledged: the next drain (a commit, or the poll) tries it again.
                log.exception("delivering event %s to Discord failed; retrying", item.id)
                return
            await self.events.ack(CONSUMER, item.id)
            queue.popleft()
            self._handed.discard(item.id)
        self._queues.pop(key, None)

    async def deliver(self, item: LoggedEvent, batch: Sequence[ev.Event] = ()) -> None:
        """Deliver one logged event; a repeat of one already delivered changes nothing (X2)."""
        if item.room.platform != PLATFORM or item.id <= self._last_delivered.get(item.room, 0):
            return  # a read that began before an ack can hand over an event just delivered
        await self.to_discord(item, batch)
        self._last_delivered[item.room] = item.id

    async def to_discord(self, item: LoggedEvent, batch: Sequence[ev.Event]) -> None:
        """Tell Discord of one event: notices, voice states to follow, the panel to redraw."""
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
