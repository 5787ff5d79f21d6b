"""Who may moderate: computed from Discord at the moment of the click, never from a button (A3)."""

from __future__ import annotations

import discord

from core.commands import Actor

RoomChannel = discord.VoiceChannel | discord.StageChannel


def is_stage_moderator(member: discord.Member, channel: RoomChannel) -> bool:
    """Say whether Discord itself lets this member moderate the channel's stage."""
    perms = channel.permissions_for(member)
    return perms.manage_channels and perms.mute_members and perms.move_members


def actor_for(member: discord.Member, channel: RoomChannel, moderator_roles: frozenset[int]) -> Actor:
    """Return the actor with the roles Discord grants this member right now."""
    admin = member.guild_permissions.manage_guild
    by_role = any(role.id in moderator_roles for role in member.roles)
    moderator = admin or by_role or is_stage_moderator(member, channel)
    return Actor(user_name(member), moderator=moderator, admin=admin)


def user_name(user: discord.abc.Snowflake) -> str:
    """Return the name the core knows a Discord user by: their id."""
    return str(user.id)


def acting_moderator(channel: RoomChannel, target: int, moderator_roles: frozenset[int]) -> discord.Member | None:
    """Guess who used Discord's own controls on someone; None when no moderator could have.

    Discord's voice state update does not say who changed it, and none of the
    audit log's documented events is a stage suppress change. Discord lets only members with
    Mute Members change someone else's suppress or server mute, and its stage
    and voice controls are used from inside the channel, so the change is taken
    as the doing of a moderator (A3) connected to that channel: the first one
    Discord lists when several are (docs/discord.md, "Who used Discord's controls").
    """
    for user_id in channel.voice_states:
        member = channel.guild.get_member(user_id)
        if member is None or member.bot or user_id == target:
            continue
        if channel.permissions_for(member).mute_members and actor_for(member, channel, moderator_roles).moderator:
            return member
    return None
