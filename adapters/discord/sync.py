"""/stage reaches Discord deliberately: at start only when its definition changed, or by `stagedoor discord sync`.

Syncing replaces the application's commands in Discord (a bulk overwrite, rate limited per
application), and global changes take a while to show; so a start compares what Discord has
with what this version defines and syncs only when they differ. With DISCORD_DEV_GUILD_ID the
commands go to that one server, where changes show at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.commands import StageCommands
from adapters.discord.enforce import Enforcer
from adapters.discord.failures import StageTree
from adapters.discord.messenger import Messenger
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import DiscordOptions, DiscordParts, Runtime
from core.commands import Command
from core.errors import StageError
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent, Owns

log = logging.getLogger(__name__)

# Keys whose default Discord may send back or leave out: absent, null, false and empty mean the same.
DEFAULTS: tuple[Any, ...] = (None, False, [], {}, "")
# Keys Discord adds to what it stores (ids, versions) and that no definition sets.
ASSIGNED = frozenset({"id", "application_id", "version", "guild_id", "dm_permission", "name_localized"})


def _shape(value: Any) -> Any:
    """Return a command definition without what Discord assigns or defaults, to compare two of them."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items()) if k not in ASSIGNED and v not in DEFAULTS}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return value


def _covered(local: Any, remote: Any) -> bool:
    """Say whether Discord's copy holds everything the local definition says (keys Discord adds are ignored)."""
    if isinstance(local, dict):
        return isinstance(remote, dict) and all(_covered(v, remote.get(k)) for k, v in local.items())
    if isinstance(local, list):
        return isinstance(remote, list) and len(local) == len(remote) and all(map(_covered, local, remote))
    return bool(local == remote)


def differs(local: list[dict[str, Any]], remote: list[dict[str, Any]]) -> bool:
    """Say whether the commands this version defines differ from those Discord has."""

    def by_name(items: list[dict[str, Any]]) -> list[Any]:
        return sorted((_shape(item) for item in items), key=lambda item: str(item.get("name")))

    return not _covered(by_name(local), by_name(remote))


def _guild(options: DiscordOptions) -> discord.Object | None:
    return discord.Object(id=options.dev_guild_id) if options.dev_guild_id is not None else None


async def push(tree: app_commands.CommandTree[Any], options: DiscordOptions, *, only_if_changed: bool) -> bool:
    """Sync /stage where the settings say (the dev server, or globally); return whether it was sent."""
    guild = _guild(options)
    if guild is not None:
        tree.copy_global_to(guild=guild)
    if only_if_changed:
        client = tree.client
        app_id = client.application_id
        assert app_id is not None  # set at login
        http = client.http
        remote = await (http.get_guild_commands(app_id, guild.id) if guild else http.get_global_commands(app_id))
        local = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
        if not differs(local, list(remote)):
            log.info("/stage is up to date in Discord; not synced")
            return False
    await tree.sync(guild=guild)
    log.info("/stage synced %s", f"to server {guild.id}" if guild else "globally")
    return True


class DefinitionsOnly:
    """The service and event log of a bot that only tells Discord its commands: it runs none."""

    async def handle(self, key: RoomKey, command: Command) -> list[Event]:
        """Refuse: a bot that only syncs its commands runs none."""
        raise RuntimeError("`stagedoor discord sync` only syncs the commands; run `stagedoor run` to serve them")

    async def refusal(self, key: RoomKey, command: Command) -> StageError | None:
        """Refuse, as handle does: a bot that only syncs its commands runs none."""
        raise RuntimeError("`stagedoor discord sync` only syncs the commands; run `stagedoor run` to serve them")

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Owns | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        """Return nothing: there is no event log here."""
        return []

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        """Do nothing: there is no event log here."""

    async def due_rooms(self, platform: str, now: float, limit: int = 1000) -> list[RoomKey]:
        """Return nothing: there are no timers here."""
        return []


async def sync_now(options: DiscordOptions) -> str:
    """Log in over HTTP (no gateway), sync /stage, log out; return what was synced where."""
    token = options.token
    if token is None:
        raise RuntimeError("DISCORD_TOKEN is not set. Put the bot token from the Discord developer portal in .env.")
    bot = commands.Bot(command_prefix=commands.when_mentioned, intents=discord.Intents.none(), tree_cls=StageTree)
    nothing = DefinitionsOnly()
    async with bot:
        await bot.login(token)
        runtime = Runtime(DiscordParts(nothing, nothing, options), bot)
        messenger = Messenger(runtime)
        panels = PanelKeeper(runtime)
        await bot.add_cog(StageCommands(runtime, Enforcer(runtime, messenger, panels)))
        await push(bot.tree, options, only_if_changed=False)
    where = f"to the server {options.dev_guild_id} (shown there at once)" if options.dev_guild_id else "globally"
    return f"/stage synced {where}." + ("" if options.dev_guild_id else " Discord may take a while to show changes.")
