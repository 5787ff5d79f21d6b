"""Join stage (the panel's button, a notice's button, /stage join): J1, as each kind of channel has it.

On a stage channel the bot's un-suppress shows Discord's own accept prompt ("When unsuppressed,
non-bot users will have their request_to_speak_timestamp set to the current time"), and that
prompt is the get-ready step: the join is recorded when the person accepts it (the timestamp
clears, adapters/discord/native.py), not before. A join the rules would refuse is answered at
once, without a prompt; a declined or unanswered prompt leaves them in the audience. Someone with
an invitation already has Discord's prompt, so pressing Join stage accepts it directly (J4, J7).
A voice channel has no prompt: its get-ready step is a second button (clicks.py), then the join.
"""

from __future__ import annotations

import discord

from adapters.discord import replies
from adapters.discord.actions import act, answer, connected, defer, member_in
from adapters.discord.enforce import Enforcer
from adapters.discord.kit import place_for
from adapters.discord.notices import reply
from adapters.discord.runtime import RoomChannel, Runtime, room_key
from core import commands as c
from core import events as ev


async def join(runtime: Runtime, enforcer: Enforcer, interaction: discord.Interaction, channel: RoomChannel) -> None:
    """Join the stage: on a stage channel through Discord's accept prompt, elsewhere at once."""
    await defer(interaction)
    member = await member_in(interaction, channel.guild)
    if not isinstance(channel, discord.StageChannel) or member is None or not connected(channel, member.id):
        # The core's own answers: not a member, not connected, or a voice channel's join.
        await act(runtime, interaction, channel, lambda a: c.JoinStage(a), needs_connection=True)
        return
    key = room_key(channel.guild.id, channel.id)
    user, place = str(member.id), place_for(channel)
    status = await runtime.snapshot(key)
    if not status.live or user in status.on_stage or user in status.invitations:
        # No session, already on stage, or answering an invitation: the core records or refuses it now.
        await act(runtime, interaction, channel, lambda a: c.JoinStage(a), needs_connection=True)
        return
    actor = runtime.actor(member, channel)
    refusal = await runtime.refusal(key, c.JoinStage(actor))
    if refusal is not None:
        await answer(interaction, reply([ev.ErrorReply.of(actor.user, refusal)], actor.user, place))
        return
    enforcer.prompt_join(key, user)
    await answer(interaction, replies.accept_to_join(place, enforcer.join_prompt_seconds))
