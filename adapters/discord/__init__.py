"""The Discord adapter: /stage commands, a control panel, and the stage enforced by Discord itself."""

from __future__ import annotations

from typing import Any

from adapters.discord.invite import invite_url
from adapters.discord.service import DiscordPlatform

__all__ = ["DiscordPlatform", "invite_url", "serve"]


async def serve(app: Any) -> None:
    """Run the Discord bot for an app (bot.bootstrap.Stagedoor) until cancelled."""
    from adapters.discord.client import build_bot

    token = app.settings.discord_token
    if token is None:
        raise RuntimeError("DISCORD_TOKEN is not set. Put the bot token from the Discord developer portal in .env.")
    bot = build_bot(app)
    async with bot:
        await bot.start(token.get_secret_value())
