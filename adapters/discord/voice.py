"""Discord's voice and stage happenings as stage actions: connect, leave, voice state changes, Stages, chat.

Connecting to a room's channel is arriving; leaving it is leaving the room
(L2). A change of suppress, request to speak or server mute within the channel
is Discord's own stage controls at work, mapped in adapters/discord/native.py.
Your own mic (self-mute) feeds C5; turning on video or screen share and
writing in the channel's chat count as activity for eviction (C4).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from adapters.discord.enforce import Enforcer
from adapters.discord.messenger import Messenger
from adapters.discord.native import NativeControls, row
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import RoomChannel, Runtime, is_room_channel, room_key
from core import commands as c

log = logging.getLogger(__name__)


class VoiceWatcher(commands.Cog):
    """Listen to voice states, stage instances and chat in stage and voice channels."""

    def __init__(self, runtime: Runtime, enforcer: Enforcer, messenger: Messenger, panels: PanelKeeper) -> None:
        self.runtime = runtime
        self.enforcer = enforcer
        self.messenger = messenger
        self.panels = panels
        self.native = NativeControls(runtime, enforcer, messenger)

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
            await self.enforcer.memory.set_unsuppressed(member.guild.id, old.id, str(member.id), False)
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
        if before.self_mute != after.self_mute:
            # C5: Discord shows the mic, not speech; a live mic on stage is activity until it goes off.
            await self.runtime.handle(key, c.MicChanged(c.Actor(user), on=not after.self_mute))
        if (not before.self_video and after.self_video) or (not before.self_stream and after.self_stream):
            await self.runtime.handle(key, c.Speak(c.Actor(user)))  # C4: camera on, Go Live
        if isinstance(channel, discord.StageChannel):
            await self.native.stage_changed(member, channel, before, after)
        else:
            await self.native.voice_changed(member, channel, before, after)

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

    async def _answered_meanwhile(self, channel: discord.StageChannel, invited: list[str]) -> None:
        """Prompts answered while the bot was away: invitations (J7) and self-joins (J1) accepted or declined."""
        key = room_key(channel.guild.id, channel.id)
        memory = self.enforcer.memory
        prompted = await memory.unsuppressed_in(channel.guild.id, channel.id)
        for user in dict.fromkeys([*invited, *prompted]):
            state = channel.voice_states.get(int(user))
            if state is None:
                continue
            try:  # after a restart the member list holds only who has changed since
                member = channel.guild.get_member(int(user)) or await channel.guild.fetch_member(int(user))
            except discord.NotFound:
                continue
            now = row(state)
            if now == "invited" and user not in invited:
                self.enforcer.prompt_join(key, user)  # their own join's prompt is still up: it gets its time again
            elif now == "speaker":
                await memory.set_unsuppressed(channel.guild.id, channel.id, user, False)
                await self.runtime.handle(key, c.JoinStage(self.runtime.actor(member, channel)))
            elif now in ("audience", "hand") and user in prompted:
                # The bot had let them speak and Discord shows them back in the audience: they said no.
                await memory.set_unsuppressed(channel.guild.id, channel.id, user, False)
                if user in invited:
                    await self.runtime.handle(key, c.DeclineInvitation(self.runtime.actor(member, channel)))

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
        if isinstance(channel, discord.StageChannel):
            await self._answered_meanwhile(channel, status.invitations)
        self.enforcer.want(key, None)
        self.panels.touch(key)
