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
