"""Discord as `stagedoor run` serves it: log in once, keep the gateway, stop without losing accepted work."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
import discord

from adapters.discord.client import StageBot, build_bot
from adapters.discord.runtime import DiscordParts
from adapters.discord.shards import ShardPlan
from adapters.platform import PlatformFailure, wait_for_tasks

log = logging.getLogger("stagedoor.discord")

NAME = "discord"
TOKEN_HELP = "copy the token from the Bot page of the application in Discord's developer portal"
# Discord's gateway close codes about shards (discord-api-docs `opcodes-and-status-codes`: 4010 "Invalid shard",
# 4011 "Sharding required"): the settings must change, so trying again as is cannot help.
SHARD_CLOSES = {
    4010: "the gateway refused this process's shard (4010 Invalid shard): check DISCORD_SHARD_COUNT and "
    "DISCORD_SHARD_IDS (a large bot's count must be a multiple of the one Discord gave it)",
    4011: "the gateway requires more shards (4011 Sharding required): raise DISCORD_SHARD_COUNT, or unset it "
    "and DISCORD_SHARD_IDS to use as many as Discord recommends",
}
# Tasks discord.py starts for each gateway event, slash command and component click.
WORK_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch")


def _not_about_voice_playback(record: logging.LogRecord) -> bool:
    # stagedoor never plays audio, so discord.py's warnings about missing voice libraries are noise.
    return "voice will NOT be supported" not in record.getMessage()


class DiscordPlatform:
    """The bot's login, its gateway connection, and a shutdown that finishes what was accepted."""

    name = NAME

    def __init__(self, parts: DiscordParts) -> None:
        self._parts = parts
        self.bot: StageBot | None = None

    async def start(self) -> None:
        """Log in over HTTP (a wrong token is refused here, once); the gateway connects in run()."""
        token = self._parts.options.token
        if token is None:
            raise PlatformFailure(NAME, f"DISCORD_TOKEN is not set: {TOKEN_HELP}")
        logging.getLogger("discord.client").addFilter(_not_about_voice_playback)
        bot = self.bot = build_bot(self._parts)
        log.info("discord: running %s", ShardPlan.of(self._parts.options).describe())
        await bot.__aenter__()
        try:
            await bot.login(token)
        except discord.LoginFailure:
            raise PlatformFailure(NAME, f"Discord refused DISCORD_TOKEN (401 Unauthorized): {TOKEN_HELP}") from None
        except discord.HTTPException as error:
            raise PlatformFailure(
                NAME, f"Discord answered {error.status} at login ({error.text or 'no detail'})"
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise PlatformFailure(NAME, f"cannot reach Discord ({str(error) or type(error).__name__})") from None

    def listening(self) -> list[str]:
        """Say where Discord's input arrives."""
        return ["Discord gateway (outbound WebSocket)"]

    async def connected(self) -> bool:
        """Say whether the gateway is connected and has sent READY."""
        bot = self.bot
        if bot is None or bot.is_closed() or not bot.is_ready():
            return False
        return bot.gateway_open()

    async def run(self) -> None:
        """Hold the gateway (discord.py resumes dropped connections itself); raise when it gives up."""
        bot = self.bot
        if bot is None:
            raise PlatformFailure(NAME, "the bot was never started")
        try:
            await bot.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            raise PlatformFailure(
                NAME, "Discord refused the Server Members intent: turn it on under Bot in the developer portal"
            ) from None
        except discord.ConnectionClosed as error:
            if error.code == 4004:
                raise PlatformFailure(NAME, f"the gateway refused DISCORD_TOKEN (4004): {TOKEN_HELP}") from None
            if error.code in SHARD_CLOSES:
                raise PlatformFailure(NAME, SHARD_CLOSES[error.code]) from None
            if bot.is_closed():
                raise PlatformFailure(NAME, f"the gateway closed for good (code {error.code})") from None
            raise
        if bot.is_closed():
            raise PlatformFailure(NAME, "the gateway connection was closed")

    async def reconnect(self) -> None:
        """Nothing to prepare: run() connects again."""
        if self.bot is None or self.bot.is_closed():
            raise PlatformFailure(NAME, "the bot was closed and cannot reconnect")

    async def stop_input(self) -> None:
        """Close the gateway: Discord sends no more events or clicks; HTTP stays open for the answers."""
        if self.bot is not None:
            await self.bot.close_gateway()

    async def finish(self, seconds: float) -> list[str]:
        """Let accepted commands and clicks end, deliver committed events, show pending panels."""
        bot = self.bot
        if bot is None:
            return []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        me = asyncio.current_task()
        work = [t for t in asyncio.all_tasks() if t is not me and t.get_name().startswith(WORK_TASKS)]
        left: list[str] = []
        reserve = min(2.0, seconds / 4)  # the final delivery and panel edits keep a share of the time
        if await wait_for_tasks(work, seconds - reserve):
            left.append("commands still running")
            log.warning("discord: commands still running after %.1f s; stopping without them", seconds - reserve)
        else:
            log.info("discord: the commands in flight finished")
        left += await bot.finish(max(deadline - loop.time(), 0.1))
        log.info("discord: outbox and panels done%s", f" except {', '.join(left)}" if left else "")
        return left

    async def close(self) -> None:
        """Disconnect and close discord.py's HTTP session."""
        if self.bot is not None:
            with contextlib.suppress(Exception):
                await self.bot.close()
