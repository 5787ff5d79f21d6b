"""The Discord adapter: /stage commands, a control panel, and the stage enforced by Discord itself."""

from __future__ import annotations

from adapters.discord.client import build_bot
from adapters.discord.invite import invite_url
from adapters.discord.runtime import DiscordOptions, DiscordParts
from adapters.discord.service import DiscordPlatform

__all__ = ["DiscordOptions", "DiscordParts", "DiscordPlatform", "invite_url", "serve"]


async def serve(parts: DiscordParts) -> None:
    """Run the Discord bot until cancelled."""
    token = parts.options.token
    if token is None:
        raise RuntimeError("DISCORD_TOKEN is not set. Put the bot token from the Discord developer portal in .env.")
    bot = build_bot(parts)
    async with bot:
        await bot.start(token)
