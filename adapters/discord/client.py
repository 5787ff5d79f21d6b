"""The bot: its parts built in dependency order and handed to each other; commands and clicks wired in setup_hook.

`stagedoor run` uses ShardedStageBot, discord.py's AutoShardedBot with stagedoor's parts: the shards of
DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS (adapters/discord/shards.py), or every shard Discord recommends.
StageBot alone is the same bot on one unsharded gateway connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord.ext import commands, tasks

from adapters.discord.buttons import ClickHandler, StageButton, StagePicker
from adapters.discord.clicks import Clicks
from adapters.discord.commands import StageCommands
from adapters.discord.enforce import Enforcer
from adapters.discord.failures import StageTree
from adapters.discord.invite import intents
from adapters.discord.memory import VoiceMemory
from adapters.discord.messenger import Messenger
from adapters.discord.notify import Notifier
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import PLATFORM, DiscordParts, Runtime
from adapters.discord.shards import ShardPlan
from adapters.discord.sync import push
from adapters.discord.voice import VoiceWatcher
from adapters.platform import wait_for_tasks
from adapters.timers import fire_due
from core.service import Owns

log = logging.getLogger(__name__)


class StageBot(commands.Bot):
    """discord.py's bot with stagedoor's commands, panel, voice listeners and outbox."""

    def __init__(
        self,
        parts: DiscordParts,
        *,
        beat_seconds: float = 1.0,
        poll_seconds: float = 2.0,
        tick_seconds: float = 10.0,
        owns: Owns | None = None,
        **client: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned, intents=intents(), help_command=None, tree_cls=StageTree, **client
        )
        runtime = self.runtime = Runtime(parts, self)
        # The rooms this process delivers, times and enforces (None: all): its shards' guilds' rooms.
        self.owns = runtime.owns = owns
        self.messenger = Messenger(runtime)
        self.panels = PanelKeeper(runtime)
        self.enforcer = Enforcer(runtime, self.messenger, self.panels, VoiceMemory(parts.events))
        self.notifier = Notifier(runtime, parts.events, self.messenger, self.panels, self.enforcer)
        self.notifier.owns = owns  # rooms it rejects are never leased by this process
        # Set in setup_hook: the persistent buttons hand every click to it.
        self.click_handler: ClickHandler | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False  # set on shutdown: the outbox worker delivers what is committed, then ends
        self._poll_every = max(1, round(poll_seconds / beat_seconds))
        self._tick_every = max(1, round(tick_seconds / beat_seconds))
        self._tick_seconds = self._tick_every * beat_seconds
        self._beats = 0
        # One clock (a discord.ext.tasks loop): each beat starts each changed room's panel edit in a task
        # of its own, and now and then polls and ticks; it never waits for Discord, so a rate-limited
        # room delays neither other rooms nor J8.
        self._clock = tasks.loop(seconds=beat_seconds)(self._beat)

    async def setup_hook(self) -> None:
        """Add the commands, listeners and persistent items; start the workers; sync /stage if it changed."""
        runtime = self.runtime
        await self.add_cog(StageCommands(runtime, self.enforcer))
        await self.add_cog(VoiceWatcher(runtime, self.enforcer, self.messenger, self.panels))
        self.click_handler = Clicks(runtime, self.enforcer)
        self.add_dynamic_items(StageButton, StagePicker)
        # Voice changes run in each room's lane (Enforcer.want starts it); deliveries too, handed over here.
        self._workers = [asyncio.create_task(self._deliver())]
        self._clock.start()
        await self._sync_commands()

    async def _sync_commands(self) -> None:
        """Sync /stage when this version defines it differently from what Discord has (not at every start)."""
        try:
            await push(self.tree, self.runtime.options, only_if_changed=True)
        except discord.HTTPException as error:
            # The commands Discord has keep working; `stagedoor discord sync` tries again by hand.
            log.warning("could not sync /stage (%s); run `stagedoor discord sync` to try again", error)

    async def _deliver(self) -> None:
        """Deliver the event log: at once after a commit here, and every few seconds for other processes'."""
        while True:
            try:
                await self.notifier.drain()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The cursor did not move: the same events are tried again on the next round.
                log.exception("delivering events to Discord failed; retrying")
            if self._stopping:
                await self.notifier.delivered()  # each room's lane finishes what it was handed
                return
            await self.runtime.outbox.wait()

    async def finish(self, seconds: float) -> list[str]:
        """On shutdown, within `seconds`: deliver what is committed, then show every pending panel change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        left: list[str] = []
        self._clock.cancel()
        self._stopping = True
        self.runtime.outbox.fire()
        delivery = self._workers[:1]
        if await wait_for_tasks(delivery, deadline - loop.time()):
            left.append("events not yet delivered (delivered after the next start)")
        try:
            await asyncio.wait_for(self.panels.flush(), max(deadline - loop.time(), 0.1))
        except TimeoutError:
            left.append("panel edits")
        return left

    async def _beat(self) -> None:
        self._beats += 1
        try:
            self.panels.beat()  # each room's edit runs in its own task: nothing here waits for Discord
            if self._beats % self._poll_every == 0:
                self.runtime.outbox.fire()  # events other processes committed
            if self._beats % self._tick_every == 0:
                await self._tick()
        except Exception:
            # A loop that raises stops for good; this clock must keep beating.
            log.exception("the clock's beat failed")

    async def _tick(self) -> None:
        """Let invitations expire on time in live rooms (J8), and unanswered self-join prompts (J1)."""
        self.enforcer.tick(self._tick_seconds)
        runtime = self.runtime
        # T4: only the rooms the store's due-time index names, of this process's shards. The Tick is a command, so
        # a second firing would be a no-op; owning keeps each process to its own guilds' rooms all the same.
        await fire_due(runtime.events, runtime, PLATFORM, runtime.clock, owns=self.owns, actor=runtime.system_actor())

    def gateway_open(self) -> bool:
        """Say whether the gateway connection is open."""
        return self.ws is not None and bool(self.ws.open)

    async def close_gateway(self) -> None:
        """Close the gateway connection: Discord sends no more events; HTTP stays open."""
        if self.gateway_open():
            with contextlib.suppress(Exception):
                await self.ws.close(code=1000)

    async def close(self) -> None:
        """Stop the workers and the clock, then disconnect."""
        self._clock.cancel()
        self.panels.stop()
        self.notifier.stop()
        self.enforcer.stop()
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []
        await super().close()


class ShardedStageBot(StageBot, commands.AutoShardedBot):
    """The bot on the shards the settings give this process; it owns the rooms of their guilds."""

    def __init__(self, parts: DiscordParts, **options: Any) -> None:
        plan = ShardPlan.of(parts.options)
        super().__init__(parts, owns=plan.owns(), **options, **plan.client_options())
        self.plan = plan

    def gateway_open(self) -> bool:
        """Say whether every shard of this process is connected."""
        shards = self.shards
        return bool(shards) and not any(shard.is_closed() for shard in shards.values())

    async def close_gateway(self) -> None:
        """Close every shard's connection: Discord sends no more events; HTTP stays open."""
        for shard in self.shards.values():
            if not shard.is_closed():
                with contextlib.suppress(Exception):
                    await shard.disconnect()


def build_bot(parts: DiscordParts, **options: Any) -> StageBot:
    """Build the bot on this process's shards; nothing runs until it starts."""
    return ShardedStageBot(parts, **options)
