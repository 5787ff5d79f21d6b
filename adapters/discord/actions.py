"""One action from a slash command or a click: who, where, the core's answer, shown only to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from adapters.discord import render
from adapters.discord.enforce import place_for
from adapters.discord.runtime import is_room_channel, room_key
from core import commands as c
from core import events as ev

if TYPE_CHECKING:
    from adapters.discord.runtime import RoomChannel, Runtime


async def answer(interaction: discord.Interaction, message: render.Message) -> None:
    """Answer only the person who clicked or typed."""
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
        return interaction.channel  # type: ignore[return-value]
    voice = getattr(interaction.user, "voice", None)
    if voice is not None and is_room_channel(voice.channel):
        return voice.channel  # type: ignore[no-any-return]
    return None


def connected(channel: RoomChannel, user_id: int) -> bool:
    """Say whether someone is connected to the room's voice channel."""
    return user_id in channel.voice_states


def names_in(channel: RoomChannel, users: list[str]) -> dict[str, str]:
    """Return display names for the core's user ids that Discord has cached."""
    names: dict[str, str] = {}
    for user in users:
        member = channel.guild.get_member(int(user)) if user.isdigit() else None
        if member is not None:
            names[user] = member.display_name
    return names


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
    member = await member_in(interaction, channel.guild)
    place = place_for(channel)
    if member is None:
        await answer(interaction, render.Message(content=f"You are not a member of the server of {place.channel}."))
        return []
    if needs_connection and not connected(channel, member.id):
        await answer(interaction, render.not_connected(place))
        return []
    key = room_key(channel.guild.id, channel.id)
    actor = runtime.actor(member, channel)
    command = build(actor)
    events = await runtime.handle(key, command)
    if target is not None and isinstance(command, c.Invite) and _unknown_target(events, target):
        # An invitation for someone not connected waits until they connect (or expires, J8).
        await runtime.handle(key, c.Arrive(c.Actor(str(target.id))))
        events = await runtime.handle(key, command)
    await answer(interaction, render.reply(events, actor.user, place))
    return events


def _unknown_target(events: list[ev.Event], target: discord.abc.User) -> bool:
    return not target.bot and any(isinstance(e, ev.ErrorReply) and e.code == "unknown_user" for e in events)
