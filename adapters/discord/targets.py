"""Whom a moderator's /stage approve, decline, invite or remove means: picked from a list as they type.

The list autocompletes from the room: the queue (approve, decline), the people connected but not
on stage, raised hands first (invite), the stage (remove, extend), the invitations (uninvite).
A choice's value is the person's id; a typed mention, id or exact name works too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import discord
from discord import app_commands

from adapters.discord.actions import room_of
from adapters.discord.runtime import RoomChannel, Runtime, room_key

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
CHOICE_NAME_LIMIT = 100  # and each choice's name is 1-100 characters
MENTION = re.compile(r"<@!?(\d+)>")


def _name(channel: RoomChannel, user: str) -> str:
    member = channel.guild.get_member(int(user)) if user.isdigit() else None
    return member.display_name if member is not None else user


def _choices(
    channel: RoomChannel, users: Iterable[str], current: str, label: str = ""
) -> list[app_commands.Choice[str]]:
    """Return the people whose name holds what was typed, as choices whose value is their id."""
    typed = current.casefold().lstrip("@")
    out: list[app_commands.Choice[str]] = []
    for index, user in enumerate(users, start=1):
        name = _name(channel, user)
        if typed and typed not in name.casefold():
            continue
        shown = f"{index}. {name}" if label == "numbered" else name
        out.append(app_commands.Choice(name=shown[:CHOICE_NAME_LIMIT], value=user))
        if len(out) == MAX_CHOICES:
            break
    return out


async def suggest(
    runtime: Runtime, interaction: discord.Interaction, current: str, of: str
) -> list[app_commands.Choice[str]]:
    """Return the choices for a target: of "queue", "audience", "stage" or "invited"."""
    channel = room_of(interaction)
    if channel is None:
        return []
    try:
        status = await runtime.snapshot(room_key(channel.guild.id, channel.id))
    except Exception:
        # An empty list is all an autocomplete can say; the command itself answers properly.
        log.exception("suggesting %s in %s failed", of, channel.id)
        return []
    if of == "queue":
        return _choices(channel, [item["user"] for item in status.requests], current, "numbered")
    if of == "stage":
        return _choices(channel, status.on_stage, current)
    if of == "invited":
        return _choices(channel, status.invitations, current)
    busy = set(status.on_stage) | set(status.invitations)
    here = [str(member.id) for member in channel.members if not member.bot]
    audience = [user for user in status.hands if user in here] + [u for u in here if u not in status.hands]
    return _choices(channel, [user for user in audience if user not in busy], current)


async def resolve(channel: RoomChannel, typed: str) -> discord.Member | None:
    """Return the member a target option means: an id (a picked choice), a mention, or an exact name."""
    text = typed.strip()
    found = MENTION.fullmatch(text)
    digits = found.group(1) if found else text if text.isdigit() else None
    guild = channel.guild
    if digits is not None:
        member = guild.get_member(int(digits))
        if member is not None:
            return member
        try:
            return await guild.fetch_member(int(digits))
        except discord.HTTPException:
            return None
    wanted = text.lstrip("@").casefold()
    for member in channel.members:
        if wanted in (member.display_name.casefold(), member.name.casefold()):
            return member
    return None
