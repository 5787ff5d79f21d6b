"""A request's note is for moderators only (J2): never in a message everyone in the channel reads.

With the default DISCORD_NOTIFY_MODERATORS=ping, moderators are pinged in the channel's chat
through their roles, told only that a note is waiting; **Show note** shows it to a moderator
alone. When no moderators' role can be pinged there, the moderators get the note by DM.
"""

from __future__ import annotations

import discord
import simcord

from tests.discord.world import World, click, said, slash

NOTE = "I'd like to demo the new release"


def public_text(world: World, channel: simcord.ChannelHandle | None = None) -> str:
    """Everything the bot posted in the channel's chat, embeds and buttons included."""
    parts: list[str] = []
    for message in (channel or world.stage).history():
        if not message.author.bot or message.flags.ephemeral:
            continue
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [embed.title or "", embed.description or ""] + [f"{f.name} {f.value}" for f in embed.fields]
    return "\n".join(parts)


async def bot_cannot_ping_roles(world: World) -> None:
    """The bot as its invite URL grants it: without *Mention @everyone, @here and All Roles*."""
    backend = world.env.backend
    guild = backend.get_guild(world.guild.id)
    for role_id in guild.members[backend.bot_user.id].role_ids:
        permissions = guild.roles[role_id].permissions & ~discord.Permissions.mention_everyone.flag
        backend.edit_role(world.guild.id, role_id, {"permissions": permissions})  # Discord sends GUILD_ROLE_UPDATE
    await world.settle()


async def make_mentionable(world: World, role_id: int) -> None:
    """A server admin turns on "Allow anyone to @mention this role"."""
    world.env.backend.edit_role(world.guild.id, role_id, {"mentionable": True})
    await world.settle()


async def start(world: World, mode: str, *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name)
    await slash(world, "mo", "start", mode=mode)


def stage_team(world: World) -> int:
    return next(
        role.id for role in world.env.backend.get_guild(world.guild.id).roles.values() if role.name == "Stage Team"
    )


async def test_J2_a_note_never_reaches_the_channel_chat_and_the_moderators_role_is_pinged(world: World) -> None:
    await start(world, "request", "alex", "bea")
    await slash(world, "alex", "ask", note=NOTE)
    await world.people["bea"].click(world.panel(), label="Ask to join stage")
    await world.settle()
    assert NOTE not in public_text(world)
    ping = next(line for line in world.chat() if world.mention("alex") in line and "wants to join" in line)
    assert ping.startswith(f"<@&{stage_team(world)}> ")  # the role that makes stage moderators here
    assert "left a note for the moderators" in ping
    assert not any("left a note" in line for line in world.chat() if world.mention("bea") in line)


async def test_J2_show_note_shows_the_note_to_the_moderator_alone(world: World) -> None:
    await start(world, "request", "alex")
    await slash(world, "alex", "ask", note=NOTE)
    ping = next(m for m in world.stage.history() if m.author.bot and "left a note" in (m.content or ""))
    shown = await click(world, "mo", "Show note", ping)
    assert NOTE in said(shown) and "number 1 in line" in said(shown)
    assert NOTE not in public_text(world)


async def test_A3_a_participant_pressing_show_note_is_refused_and_sees_nothing(world: World) -> None:
    await start(world, "request", "alex", "bea")
    await slash(world, "alex", "ask", note=NOTE)
    ping = next(m for m in world.stage.history() if m.author.bot and "left a note" in (m.content or ""))
    refused = said(await click(world, "bea", "Show note", ping))
    assert "Only moderators can read requests' notes" in refused and NOTE not in refused


async def test_J2_show_note_after_the_request_was_answered_says_so(world: World) -> None:
    await start(world, "request", "alex")
    await slash(world, "alex", "ask", note=NOTE)
    ping = next(m for m in world.stage.history() if m.author.bot and "left a note" in (m.content or ""))
    await slash(world, "mo", "approve", member=world.people["alex"])
    answered = said(await click(world, "mo", "Show note", ping))
    assert "no pending request" in answered and NOTE not in answered


async def test_J2_when_no_moderators_role_can_be_pinged_moderators_get_the_note_by_dm(world: World) -> None:
    await bot_cannot_ping_roles(world)
    await start(world, "request", "alex")
    await slash(world, "alex", "ask", note=NOTE)
    assert NOTE not in public_text(world)
    assert not any("wants to join" in line for line in world.chat())
    told = [m.content for m in world.dms("mo") if "wants to join" in m.content]
    assert len(told) == 1 and NOTE in told[0]
    assert not any(NOTE in m.content for m in world.dms("alex"))


async def test_J2_a_mentionable_moderators_role_is_pinged_without_the_bots_mention_permission(world: World) -> None:
    await bot_cannot_ping_roles(world)
    await make_mentionable(world, stage_team(world))
    await start(world, "request", "alex")
    await slash(world, "alex", "ask", note=NOTE)
    assert any(line.startswith(f"<@&{stage_team(world)}> ") for line in world.chat())
    assert NOTE not in public_text(world)
    assert not any("wants to join" in m.content for m in world.dms("mo"))


async def test_J2_with_dms_configured_moderators_read_the_note_in_their_dm(world: World) -> None:
    world.app.options.notify_moderators = "dm"
    await start(world, "request", "alex")
    await slash(world, "alex", "ask", note=NOTE)
    assert NOTE not in public_text(world)
    assert any(NOTE in m.content for m in world.dms("mo"))
