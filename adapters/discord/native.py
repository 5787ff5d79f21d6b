"""Discord's own stage and voice controls as stage commands, read from voice state changes.

A stage member's voice state is one of four rows (docs/discord.md, "Voice state
and the rules"): audience, hand (request to speak), invited (un-suppressed,
prompt not yet accepted) and speaker. Each change between rows that the bot did
not make itself is mapped to the command it means. A moderator's own control is
recorded as that moderator's action and never undone; only what the rules
refuse for someone who is not a moderator is put back, and they are told why.
"""

from __future__ import annotations

import discord

from adapters.discord.enforce import Enforcer
from adapters.discord.kit import Message, place_for
from adapters.discord.messenger import Messenger
from adapters.discord.notices import error_words
from adapters.discord.roles import acting_moderator
from adapters.discord.runtime import RoomChannel, Runtime, room_key
from core import commands as c
from core import events as ev
from core.modes import Mode

# Refusals of a native action that the person should hear of (the others mean "already so").
WORTH_TELLING = {"mode_forbids", "cooldown", "stage_full", "no_session", "already_invited", "not_moderator"}


def row(state: discord.VoiceState) -> str:
    """Return which of the four stage rows a voice state is in."""
    raised = state.requested_to_speak_at is not None
    if state.suppress:
        return "hand" if raised else "audience"
    return "invited" if raised else "speaker"


def _refusal(events: list[ev.Event]) -> ev.ErrorReply | None:
    return next((e for e in events if isinstance(e, ev.ErrorReply)), None)


class NativeControls:
    """Map voice state changes within one stage or voice channel to the core's commands."""

    def __init__(self, runtime: Runtime, enforcer: Enforcer, messenger: Messenger) -> None:
        self.runtime = runtime
        self.enforcer = enforcer
        self.messenger = messenger

    async def stage_changed(
        self,
        member: discord.Member,
        channel: discord.StageChannel,
        before: discord.VoiceState,
        after: discord.VoiceState,
    ) -> None:
        """One change of a stage member's row."""
        was, now = row(before), row(after)
        if was == now:
            return
        guild_id, user = member.guild.id, str(member.id)
        memory = self.enforcer.memory
        if was in ("audience", "hand") and now in ("invited", "speaker"):
            echo = self.enforcer.is_echo(guild_id, member.id, "suppress", False)
            if echo or await memory.unsuppressed(guild_id, channel.id, user):
                return  # the bot's own invitation (J4, J7) or a get-ready prompt
            if now == "invited":
                await self._invited(member, channel, hand=was == "hand")
            else:
                await self._join(member, channel)  # a member un-suppressing themselves (J11)
        elif was == "invited" and now == "speaker":
            await memory.set_unsuppressed(guild_id, channel.id, user, False)
            self.enforcer.end_join(room_key(guild_id, channel.id), user)
            await self._join(member, channel)  # J1: accepting Discord's prompt is the get-ready step
        elif was in ("invited", "speaker") and now in ("audience", "hand"):
            echo = self.enforcer.is_echo(guild_id, member.id, "suppress", True)
            await memory.set_unsuppressed(guild_id, channel.id, user, False)
            self.enforcer.settled(room_key(guild_id, channel.id), user)
            # A self-join's prompt declined: they stay in the audience, and nothing was recorded (J1).
            joining = self.enforcer.end_join(room_key(guild_id, channel.id), user)
            if echo or (joining and was == "invited"):
                return
            if was == "invited":
                await self._declined(member, channel)
            else:
                await self._moved_to_audience(member, channel)
        elif was == "audience" and now == "hand":
            await self._hand_up(member, channel)
        elif was == "hand" and now == "audience":
            await self._hand_down(member, channel)

    async def voice_changed(
        self,
        member: discord.Member,
        channel: discord.VoiceChannel,
        before: discord.VoiceState,
        after: discord.VoiceState,
    ) -> None:
        """A server mute put on or lifted in a voice channel."""
        if before.mute == after.mute:
            return
        guild_id, user = member.guild.id, str(member.id)
        if self.enforcer.is_echo(guild_id, member.id, "mute", after.mute):
            if after.mute:
                self.enforcer.settled(room_key(guild_id, channel.id), user)
            return
        await self.enforcer.memory.set_bot_muted(guild_id, user, False)  # someone else's doing: not the bot's
        if after.mute:
            self.enforcer.settled(room_key(guild_id, channel.id), user)
            await self._moved_to_audience(member, channel)
        else:
            await self._invited(member, channel, hand=False, speaks_now=True)

    # -- the meanings ------------------------------------------------------------------------------------

    async def _invited(
        self, member: discord.Member, channel: RoomChannel, hand: bool, speaks_now: bool = False
    ) -> None:
        """Someone else let them speak: a moderator's invite or approval (J4, J7); anyone else's is checked."""
        key = room_key(member.guild.id, channel.id)
        user = str(member.id)
        status = await self.runtime.snapshot(key)
        if not status.live or user in status.on_stage or (user in status.invitations and not speaks_now):
            return  # outside a session Discord's moderators run the stage; otherwise nothing new
        moderator = acting_moderator(channel, member.id, self.runtime.moderator_roles)
        if moderator is None:
            # Nobody the rules make a moderator could have done it: it stands only if they may join themselves.
            await self._join(member, channel)
            return
        actor = self.runtime.actor(moderator, channel)
        if user not in status.invitations:
            requested = any(item["user"] == user for item in status.requests)
            command: c.Command = (c.BringToStage if requested else c.Invite)(actor, target=user)
            refusal = _refusal(await self.runtime.handle(key, command))
            if refusal is not None:
                self.enforcer.want(key, [user])
                await self._tell(moderator, channel, refusal)
                return
            if user in status.hands or hand:
                await self.runtime.handle(key, c.LowerHand(actor, target=user))  # Discord's prompt took the hand
        if speaks_now:
            await self._join(member, channel)  # a voice channel has no prompt: unmuted is on stage

    async def _join(self, member: discord.Member, channel: RoomChannel) -> None:
        """They can speak in Discord now: join the stage (J1, J4, J7, J11), or be put back if the rules say no."""
        key = room_key(member.guild.id, channel.id)
        status = await self.runtime.snapshot(key)
        if not status.live or str(member.id) in status.on_stage:
            return
        refusal = _refusal(await self.runtime.handle(key, c.JoinStage(self.runtime.actor(member, channel))))
        if refusal is not None:
            self.enforcer.want(key, [str(member.id)])  # the core said no, so Discord must not let them speak
            await self._tell(member, channel, refusal)

    async def _declined(self, member: discord.Member, channel: RoomChannel) -> None:
        """They put themselves back in the audience from Discord's prompt: the invitation is declined (J7)."""
        key = room_key(member.guild.id, channel.id)
        user = str(member.id)
        status = await self.runtime.snapshot(key)
        if not status.live:
            return
        if user in status.invitations:
            await self.runtime.handle(key, c.DeclineInvitation(self.runtime.actor(member, channel)))
        elif user in status.on_stage:
            await self.runtime.handle(key, c.MovedToAudience(c.Actor(user)))

    async def _moved_to_audience(self, member: discord.Member, channel: RoomChannel) -> None:
        """Move to audience (stage) or Server Mute (voice): a moderator's removal (L1), else leaving (L2)."""
        key = room_key(member.guild.id, channel.id)
        user = str(member.id)
        status = await self.runtime.snapshot(key)
        if not status.live or user not in status.on_stage:
            return
        moderator = acting_moderator(channel, member.id, self.runtime.moderator_roles)
        if moderator is not None:
            removal = c.RemoveFromStage(self.runtime.actor(moderator, channel), target=user)
            if _refusal(await self.runtime.handle(key, removal)) is None:
                return
        await self.runtime.handle(key, c.MovedToAudience(c.Actor(user)))

    async def _hand_up(self, member: discord.Member, channel: RoomChannel) -> None:
        """Discord's raise hand, mapped by mode: join (open), ask (request), raise hand (invite)."""
        key = room_key(member.guild.id, channel.id)
        status = await self.runtime.snapshot(key)
        if not status.live:
            return
        actor = self.runtime.actor(member, channel)
        if status.mode == Mode.OPEN.value and isinstance(channel, discord.StageChannel):
            # J1 as Join stage does it: the bot's un-suppress shows Discord's prompt; accepting it is the join.
            refused = await self.runtime.refusal(key, c.JoinStage(actor))
            if refused is None:
                self.enforcer.prompt_join(key, str(member.id))
            elif refused.code in WORTH_TELLING:
                await self._tell(member, channel, ev.ErrorReply.of(actor.user, refused))
            return
        command: c.Command = {
            Mode.OPEN.value: c.JoinStage(actor),
            Mode.REQUEST.value: c.AskToJoin(actor),
        }.get(status.mode, c.RaiseHand(actor))
        refusal = _refusal(await self.runtime.handle(key, command))
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
