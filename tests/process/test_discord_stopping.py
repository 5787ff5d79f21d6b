"""Discord's side of a stop: what is committed is delivered and the panel shows it before the bot closes.

Driven through discord.py against simcord's in-memory Discord (the suite's Discord fixtures); the
change comes from "another process" (committed straight to the shared database, no local wake-up),
so only the stop's own final delivery can bring it to Discord before the next poll.
"""

from __future__ import annotations

from adapters.discord import DiscordPlatform
from adapters.discord.runtime import room_key
from core.commands import Actor, ChangeMode
from tests.discord.world import World, slash


async def test_a_stop_delivers_what_is_committed_and_redraws_the_panel(world: World) -> None:
    await world.connect("mo")
    await slash(world, "mo", "start", mode="request")
    assert "Join by request" in world.panel().embeds[0].title + world.panel().embeds[0].description
    key = room_key(world.guild.id, world.stage.id)
    await world.app.service.handle(key, ChangeMode(Actor(world.id("mo"), moderator=True), "open"))
    platform = DiscordPlatform(world.app)
    platform.bot = world.env.bot
    left = await platform.finish(5.0)
    assert left == []
    panel = world.panel().embeds[0]
    assert "Everyone on stage" in panel.title + panel.description
    assert any("Everyone on stage" in line for line in world.chat())
