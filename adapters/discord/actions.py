"""One action from a slash command or a click: who, where, the core's answer, shown only to them."""

from __future__ import annotations

from collections.abc import Callable

import discord

from adapters.discord import replies
from adapters.discord.kit import Message, place_for
from adapters.discord.notices import reply
from adapters.discord.runtime import RoomChannel, Runtime, is_room_channel, room_key
from core import commands as c
from core import events as ev


async def defer(interaction: discord.Interaction) -> None:
    """Show the person (only them) that the bot is thinking, so the answer may take longer than Discord's 3 s.

    Anything that reads or writes the store may take longer than that (a busy database retries), and a
    first answer after 3 s is refused (10062 Unknown Interaction): the person would see "The application
    did not respond" although their action was recorded. The answer then replaces the thinking message.
    """
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


async def answer(interaction: discord.Interaction, message: Message) -> None:
    """Answer only the person who clicked or typed: the first answer, or the one after a defer."""
    kwargs = message.kwargs()
    if kwargs.get("content") is None:
        kwargs.pop("content")
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=True, **kwargs)


async def member_in(interaction: discord.Interaction, guild: discord.Guild) -> discord.Member | None:
    """Return the clicker as a member of the room's server (a click in a DM carries only the user)."""
    if isinstance(interaction.user, discord.Member) and interaction.user.guild.id == guild.id:
        return interaction.user
    found = guild.get_member(interaction.user.id)
    if found is not None:
        return found
    try:
        return await guild.fetch_member(interaction.user.id)
    except discord.NotFound:
        return None


def room_of(interaction: discord.Interaction) -> RoomChannel | None:
    """Return the room a slash command means: the channel typed in, else the one the typer is connected to."""
    if is_room_channel(interaction.channel):
        return interaction.channel
    voice = interaction.user.voice if isinstance(interaction.user, discord.Member) else None
    if voice is not None and is_room_channel(voice.channel):
        return voice.channel
    return None


def connected(channel: RoomChannel, user_id: int) -> bool:
    """Say whether someone is connected to the room's voice channel."""
    return user_id in channel.voice_states


async def act(
    runtime: Runtime,
    interaction: discord.Interaction,
    channel: RoomChannel,
    build: Callable[[c.Actor], c.Command],
    *,
    target: discord.abc.User | None = None,
    needs_connection: bool = False,
) -> list[ev.Event]:
    """Run one action for the interaction's user in a room and answer them."""
    await defer(interaction)
    member = await member_in(interaction, channel.guild)
    place = place_for(channel)
    if member is None:
        await answer(interaction, replies.not_a_member(place))
        return []
    if needs_connection and not connected(channel, member.id):
        await answer(interaction, replies.not_connected(place))
        return []
    key = room_key(channel.guild.id, channel.id)
    actor = runtime.actor(member, channel)
    command = build(actor)
    events = await runtime.handle(key, command)
    if target is not None and isinstance(command, c.Invite) and _unknown_target(events, target):
        # An invitation for someone not connected waits until they connect (or expires, J8).
        await runtime.handle(key, c.Arrive(c.Actor(str(target.id))))
        events = await runtime.handle(key, command)
    await answer(interaction, reply(events, actor.user, place))
    return events


def _unknown_target(events: list[ev.Event], target: discord.abc.User) -> bool:
    return not target.bot and any(isinstance(e, ev.ErrorReply) and e.code == "unknown_user" for e in events)
