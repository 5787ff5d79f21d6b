"""What every part of the Discord adapter shares: the core, the bot, the options, and which rooms are live."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeGuard

import discord

from adapters.discord import roles
from adapters.timers import DueRooms
from core import commands as c
from core import events as ev
from core.errors import StageError
from core.room import RoomKey
from core.service import EventLog, Owns

PLATFORM = "discord"
RoomChannel = discord.VoiceChannel | discord.StageChannel
NotifyModerators = Literal["ping", "dm", "panel"]


class EventStore(EventLog, DueRooms, Protocol):
    """The event log the Discord side delivers, with the timers' due-time index (T4)."""


class Service(Protocol):
    """The application service as the adapter uses it: apply a command to a room."""

    async def handle(self, key: RoomKey, command: c.Command) -> list[ev.Event]:
        """Apply a command and return the events it caused."""
        ...

    async def refusal(self, key: RoomKey, command: c.Command) -> StageError | None:
        """Return the refusal the command would get now, changing nothing."""
        ...


@dataclass
class DiscordOptions:
    """The settings the Discord side reads; built once from the process's settings."""

    token: str | None = field(default=None, repr=False)
    moderator_roles: frozenset[int] = frozenset()
    notify_moderators: NotifyModerators = "ping"
    dev_guild_id: int | None = None
    # DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS (adapters/discord/shards.py): None, Discord's count / every shard.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None


@dataclass
class DiscordParts:
    """What the Discord side is given: the service, the event log it delivers, and its options."""

    service: Service
    events: EventStore
    options: DiscordOptions
    clock: Callable[[], float] = time.time  # the service's clock: timers fall due by it


def room_key(guild_id: int, channel_id: int) -> RoomKey:
    """Name the room of a stage or voice channel."""
    return RoomKey(PLATFORM, str(guild_id), str(channel_id))


def is_room_channel(channel: object) -> TypeGuard[RoomChannel]:
    """Say whether a channel can hold a stage."""
    return isinstance(channel, (discord.VoiceChannel, discord.StageChannel))


def is_transient(error: discord.HTTPException) -> bool:
    """Say whether trying again later may work (rate limit, outage)."""
    return error.status == 429 or error.status >= 500


class Signal:
    """A wake-up for a background worker, carried by discord.py's own event dispatch.

    Waiting through `Client.wait_for` keeps every background wait visible to
    discord.py's machinery (and to test harnesses that drive it); a signal
    fired while the worker is busy is kept until it next waits.
    """

    def __init__(self, bot: discord.Client, name: str) -> None:
        self.bot = bot
        self.name = name
        self._pending = False

    def fire(self) -> None:
        """Wake the worker now, or as soon as it next waits."""
        self._pending = True
        self.bot.dispatch(self.name)

    async def wait(self) -> None:
        """Return when fired."""
        if not self._pending:
            await self.bot.wait_for(self.name)
        self._pending = False


class Runtime:
    """The core as the adapter's parts use it: commands in, events out, and which rooms are live."""

    def __init__(self, parts: DiscordParts, bot: discord.Client) -> None:
        self.service = parts.service
        self.events = parts.events  # the event log; in production the SQL store, which exports read
        self.clock = parts.clock
        self.options = parts.options
        self.bot = bot
        self.live: set[RoomKey] = set()
        self.owns: Owns | None = None  # this process's rooms (its shards' guilds); None: all
        # Fired after every commit made here, so the outbox delivers at once.
        self.outbox = Signal(bot, "stagedoor_outbox")

    @property
    def moderator_roles(self) -> frozenset[int]:
        """Return the roles the settings name as moderators of every stage."""
        return self.options.moderator_roles

    @property
    def me(self) -> str:
        """Return the bot's own name in the core (the `by` of its corrections)."""
        assert self.bot.user is not None
        return roles.user_name(self.bot.user)

    def is_me(self, user_id: int) -> bool:
        """Say whether a Discord user is this bot."""
        return self.bot.user is not None and self.bot.user.id == user_id

    def system_actor(self) -> c.Actor:
        """Return the actor the bot uses for platform happenings it reports itself."""
        return c.Actor(self.me, moderator=True)

    def channel_for(self, key: RoomKey) -> RoomChannel | None:
        """Return the Discord channel of a room, if the bot can see it."""
        guild = self.bot.get_guild(int(key.workspace))
        channel = guild.get_channel(int(key.channel)) if guild is not None else None
        return channel if isinstance(channel, (discord.VoiceChannel, discord.StageChannel)) else None

    def actor(self, member: discord.Member, channel: RoomChannel) -> c.Actor:
        """Return who is acting, with the roles Discord grants them now (A3)."""
        return roles.actor_for(member, channel, self.moderator_roles)

    async def handle(self, key: RoomKey, command: c.Command) -> list[ev.Event]:
        """Apply a command to a room and keep track of which rooms are live."""
        events = await self.service.handle(key, command)
        if any(not event.is_reply for event in events):
            self.outbox.fire()
        for event in events:
            if isinstance(event, ev.SessionStarted):
                self.live.add(key)
            elif isinstance(event, ev.SessionEnded):
                self.live.discard(key)
        return events

    async def refusal(self, key: RoomKey, command: c.Command) -> StageError | None:
        """Say why the core would refuse a command now (None: it would not), changing nothing."""
        return await self.service.refusal(key, command)

    async def snapshot(self, key: RoomKey, moderator: bool = True) -> ev.StatusReply:
        """Return the room as the core sees it now."""
        events = await self.service.handle(key, c.Status(c.Actor(self.me, moderator=moderator)))
        status = next(event for event in events if isinstance(event, ev.StatusReply))
        if status.live:
            self.live.add(key)
        else:
            self.live.discard(key)
        return status
