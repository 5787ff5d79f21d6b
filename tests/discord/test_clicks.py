"""Persistent buttons hand every click to the handler the bot was given in setup_hook."""

from __future__ import annotations

import discord

from adapters.discord.buttons import Click
from adapters.discord.clicks import Clicks
from tests.discord.world import World, click, said, slash


async def test_a_panel_click_reaches_the_bots_click_handler_with_the_room_from_the_button(world: World) -> None:
    await world.connect("mo")
    await slash(world, "mo", "start", mode="open")
    bot = world.env.bot
    assert isinstance(bot.click_handler, Clicks)
    clicks: list[Click] = []
    real = bot.click_handler

    async def handler(interaction: discord.Interaction, clicked: Click) -> None:
        clicks.append(clicked)
        await real(interaction, clicked)

    bot.click_handler = handler
    await world.connect("alex")
    answered = await click(world, "alex", "Join stage")
    assert clicks == [Click("join", world.guild.id, world.stage.id, None)]
    assert "Discord now shows you its invitation to speak" in said(answered)  # J1 on a stage channel
