"""Discord's own controls as stage actions: connect, leave, raise hand, suppress, server mute.

Stage channel: a raised hand (request to speak) is, by mode, a join (open), a
request (request) or a raised hand (invite); becoming a speaker is joining;
being moved to the audience is leaving the stage (L2). Voice channel: being
un-muted by the server is joining, being server-muted is leaving the stage.
Un-muting yourself, turning on video or screen share, and writing in the
channel's chat count as activity for eviction (C4).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from adapters.discord.enforce import Enforcer
from adapters.discord.kit import Message, place_for
from adapters.discord.messenger import Messenger
from adapters.discord.notices import error_words
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import RoomChannel, Runtime, is_room_channel, room_key
from core import commands as c
from core import events as ev
from core.modes import Mode

log = logging.getLogger(__name__)

# Refusals of a native action that the person should hear of (the others mean "already so").
WORTH_TELLING = {"mode_forbids", "cooldown", "stage_full", "no_session", "already_invited"}


class VoiceWatcher(commands.Cog):
    """Listen to voice states, stage instances and chat in stage and voice channels."""

    def __init__(self, runtime: Runtime, enforcer: Enforcer, messenger: Messenger, panels: PanelKeeper) -> None:
        self.runtime = runtime
        self.enforcer = enforcer
        self.messenger = messenger
        self.panels = panels

    # -- voice states ------------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """Map connecting, leaving and Discord's stage controls to stage commands."""
        if member.bot:
            return
        old, new = before.channel, after.channel
        if old is not None and (new is None or new.id != old.id) and is_room_channel(old):
            self.enforcer.forget(member.guild.id, member.id)
            await self.runtime.handle(room_key(member.guild.id, old.id), c.Leave(c.Actor(str(member.id))))
        arrived = new is not None and (old is None or old.id != new.id)
        if arrived and not (
            isinstance(new, discord.VoiceChannel) and room_key(member.guild.id, new.id) in self.runtime.live
        ):
            await self.enforcer.release(member)  # server mute would follow them here
        if new is not None and arrived and is_room_channel(new):
            key = room_key(member.guild.id, new.id)
            await self.runtime.handle(key, c.Arrive(c.Actor(str(member.id))))
            # A waiting invitation reaches them now; in a live voice channel the audience is muted.
            self.enforcer.want(key, [str(member.id)])
        elif new is not None and old is not None and is_room_channel(new):
            await self._changed(member, new, before, after)

    async def _changed(
        self, member: discord.Member, channel: RoomChannel, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        key = room_key(member.guild.id, channel.id)
        user = str(member.id)
        if (
            (before.self_mute and not after.self_mute)
            or (not before.self_video and after.self_video)
            or (not before.self_stream and after.self_stream)
        ):
            await self.runtime.handle(key, c.Speak(c.Actor(user)))
        stage = isinstance(channel, discord.StageChannel)
        field = "suppress" if stage else "mute"
        was_quiet, is_quiet = getattr(before, field), getattr(after, field)
        if was_quiet != is_quiet:
            echo = self.enforcer.is_echo(member.guild.id, member.id, field, is_quiet)
            if is_quiet:
                self.enforcer.settled(key, user)
                if not echo:
                    await self.runtime.handle(key, c.MovedToAudience(c.Actor(user)))
            else:
                await self._became_speaker(member, channel, echo)
        else:
            self.enforcer.is_echo(member.guild.id, member.id, field, is_quiet)  # unchanged: nothing awaited
        if was_quiet == is_quiet and stage and after.suppress:
            if before.requested_to_speak_at is None and after.requested_to_speak_at is not None:
                await self._hand_up(member, channel)
            elif before.requested_to_speak_at is not None and after.requested_to_speak_at is None:
                await self._hand_down(member, channel)

    async def _became_speaker(self, member: discord.Member, channel: RoomChannel, echo: bool) -> None:
        """Someone may speak now: accepting an invitation, a moderator's own join, or someone else's doing."""
        key = room_key(member.guild.id, channel.id)
        user = str(member.id)
        status = await self.runtime.snapshot(key)
        if not status.live or user in status.on_stage or (echo and user not in status.invitations):
            return
        events = await self.runtime.handle(key, c.JoinStage(self.runtime.actor(member, channel)))
        refusal = next((e for e in events if isinstance(e, ev.ErrorReply)), None)
        if refusal is not None:
            # The core said no, so Discord must not let them speak either.
            self.enforcer.want(key, [user])
            await self._tell(member, channel, refusal)

    async def _hand_up(self, member: discord.Member, channel: RoomChannel) -> None:
        """Discord's raise hand, mapped by mode: join (open), ask (request), raise hand (invite)."""
        key = room_key(member.guild.id, channel.id)
        status = await self.runtime.snapshot(key)
        if not status.live:
            return
        actor = self.runtime.actor(member, channel)
        command: c.Command = {
            Mode.OPEN.value: c.JoinStage(actor),
            Mode.REQUEST.value: c.AskToJoin(actor),
        }.get(status.mode, c.RaiseHand(actor))
        events = await self.runtime.handle(key, command)
        refusal = next((e for e in events if isinstance(e, ev.ErrorReply)), None)
        if refusal is not None and refusal.code in WORTH_TELLING:
            await self._tell(member, channel, refusal)

    async def _hand_down(self, member: discord.Member, channel: RoomChannel) -> None:
        """Lowering Discord's hand withdraws the request (request) or lowers the hand (invite)."""
        key = room_key(member.guild.id, channel.id)
        user = str(member.id)
        status = await self.runtime.snapshot(key)
        actor = self.runtime.actor(member, channel)
        if any(item["user"] == user for item in status.requests):
            await self.runtime.handle(key, c.CancelRequest(actor))
        elif user in status.hands:
            await self.runtime.handle(key, c.LowerHand(actor))

    async def _tell(self, member: discord.Member, channel: RoomChannel, refusal: ev.ErrorReply) -> None:
        text = error_words(refusal, place_for(channel))
        await self.messenger.to_user(channel, str(member.id), Message(content=f"{channel.mention}: {text}"))

    # -- stage instances ----------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_stage_instance_create(self, instance: discord.StageInstance) -> None:
        """Start a session when a Stage starts in Discord."""
        key = room_key(instance.guild.id, instance.channel_id)
        await self.runtime.handle(key, c.StartSession(self.runtime.system_actor()))

    @commands.Cog.listener()
    async def on_stage_instance_delete(self, instance: discord.StageInstance) -> None:
        """End the session when the Stage ends in Discord."""
        key = room_key(instance.guild.id, instance.channel_id)
        await self.runtime.handle(key, c.EndSession(self.runtime.system_actor()))

    # -- chat activity (C4) ---------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Count a message in a live room's chat as activity (C4)."""
        if message.guild is None or message.author.bot or not is_room_channel(message.channel):
            return
        key = room_key(message.guild.id, message.channel.id)
        if key in self.runtime.live:
            await self.runtime.handle(key, c.Speak(c.Actor(str(message.author.id))))

    # -- after a (re)start ------------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Catch up with every room after a (re)start."""
        for guild in self.runtime.bot.guilds:
            rooms: list[RoomChannel] = [*guild.stage_channels, *guild.voice_channels]
            for channel in rooms:
                try:
                    await self.reconcile(channel)
                except Exception:
                    log.exception("reconciling %s failed", channel.id)

    async def reconcile(self, channel: RoomChannel) -> None:
        """Bring the core up to date with what happened in Discord while the bot was away."""
        key = room_key(channel.guild.id, channel.id)
        status = await self.runtime.snapshot(key)
        if isinstance(channel, discord.StageChannel) and channel.instance is not None and not status.live:
            await self.runtime.handle(key, c.StartSession(self.runtime.system_actor()))
            status = await self.runtime.snapshot(key)
        if not status.live:
            return
        here = {str(user_id) for user_id in channel.voice_states}
        for user in here:
            await self.runtime.handle(key, c.Arrive(c.Actor(user)))
        waiting = status.on_stage + [item["user"] for item in status.requests]
        for user in waiting:
            if user not in here:
                await self.runtime.handle(key, c.Leave(c.Actor(user)))
        self.enforcer.want(key, None)
        self.panels.touch(key)
