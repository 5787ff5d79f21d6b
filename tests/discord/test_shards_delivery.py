"""Two Discord shard processes on one database: each room's events are delivered by its shard's process alone.

Each process is a real SqlStore (its own leases) and a real Notifier with the `owns` of its shards
(ShardPlan), on SQLite and on PostgreSQL. Only the last step, telling Discord, is replaced: the
Notifier's `to_discord` records which process delivered which event (simcord runs one bot per event loop;
tests/discord/test_shards_gateway.py runs a shard process through the real discord.py). Reading,
leasing, lanes and acknowledgements are the product's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import discord
import pytest_asyncio
from discord.ext import commands

from adapters.discord.enforce import Enforcer
from adapters.discord.messenger import Messenger
from adapters.discord.notify import Notifier
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import PLATFORM, DiscordOptions, DiscordParts, Runtime, room_key
from adapters.discord.shards import ShardPlan, shard_of
from adapters.persistence.sql import SqlStore
from adapters.timers import fire_due
from core import commands as c
from core import events as ev
from core.room import RoomKey
from core.service import LoggedEvent, StageService

COUNT = 2
# Snowflakes as Discord makes them (milliseconds since 2015 in the bits above 22); two are real servers'
# (Discord API 81384788765712384, discord.py 336642139381301249), the rest spread over both shards.
GUILDS = [81384788765712384, 336642139381301249] + [((1_000_000_000 + 7_919 * i) << 22) | 0x2A for i in range(10)]


class Recording(Notifier):
    """The product's Notifier, with Discord's side replaced by a record of what it delivered."""

    told: list[int]

    async def to_discord(self, item: LoggedEvent, batch: Sequence[ev.Event]) -> None:
        """Record the event as told (what would go to Discord), letting other rooms run meanwhile."""
        await asyncio.sleep(0)
        self.told.append(item.id)


@dataclass
class ShardProcess:
    """One `stagedoor run` with DISCORD_SHARD_COUNT=2 and DISCORD_SHARD_IDS=<shard>."""

    shard: int
    store: SqlStore
    service: StageService
    notifier: Recording = field(init=False)

    def __post_init__(self) -> None:
        options = DiscordOptions(shard_count=COUNT, shard_ids=(self.shard,))
        bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
        runtime = Runtime(DiscordParts(self.service, self.store, options), bot)
        messenger, panels = Messenger(runtime), PanelKeeper(runtime)
        self.notifier = Recording(runtime, self.store, messenger, panels, Enforcer(runtime, messenger, panels))
        self.notifier.told = []
        self.notifier.owns = ShardPlan.of(options).owns()

    async def deliver(self) -> None:
        await self.notifier.drain()
        await self.notifier.delivered()


@pytest_asyncio.fixture
async def processes(database_url: str) -> AsyncIterator[tuple[ShardProcess, ShardProcess, dict[str, float]]]:
    now = {"t": 1_000.0}

    def clock() -> float:
        return now["t"]

    first = await SqlStore.open(database_url, migrate=True)
    second = await SqlStore.open(database_url, migrate=False)
    pair = tuple(
        ShardProcess(shard, store, StageService(store.unit_of_work, clock))
        for shard, store in enumerate((first, second))
    )
    yield pair[0], pair[1], now
    for process in pair:
        process.notifier.stop()
        await process.store.close()


def rooms() -> list[RoomKey]:
    return [room_key(guild, 1_000 + index) for index, guild in enumerate(GUILDS)]


async def open_line(service: StageService, key: RoomKey) -> None:
    """A session where two people ask to join (the commands may reach any process: a DM's click goes to shard 0)."""
    mo = c.Actor("9001", moderator=True, admin=True)
    for actor in (mo, c.Actor("9002"), c.Actor("9003")):
        await service.handle(key, c.Arrive(actor))
    await service.handle(key, c.StartSession(mo, "request"))
    await service.handle(key, c.AskToJoin(c.Actor("9002"), note="hello"))


async def logged(store: SqlStore, key: RoomKey) -> list[int]:
    return [item.id for item in await store.history(key)]


def owner_of(key: RoomKey) -> int:
    return shard_of(int(key.workspace), COUNT)


async def test_X3_two_shard_processes_deliver_each_rooms_events_once_by_its_shards_process_none_missing(
    processes: tuple[ShardProcess, ShardProcess, dict[str, float]],
) -> None:
    zero, one, _ = processes
    keys = rooms()
    assert {owner_of(key) for key in keys} == {0, 1}  # both shards have servers
    for round_ in range(3):
        # Commands reach both processes, for rooms of both shards; both deliver at the same time.
        commits = [
            open_line(zero.service if (index + round_) % 2 else one.service, key) if round_ == 0 else
            (zero if index % 2 else one).service.handle(key, c.AskToJoin(c.Actor(f"95{round_}{index}")))
            for index, key in enumerate(keys)
        ]  # fmt: skip
        await asyncio.gather(*commits, zero.deliver(), one.deliver())
    for _ in range(2):
        await asyncio.gather(zero.deliver(), one.deliver())

    by = {0: zero.notifier.told, 1: one.notifier.told}
    for key in keys:
        ids = await logged(zero.store, key)
        mine, theirs = by[owner_of(key)], by[1 - owner_of(key)]
        assert [i for i in mine if i in ids] == ids, key  # every event, once, in the room's order
        assert not set(theirs) & set(ids), key  # never by the other shard's process
    assert len(zero.notifier.told) == len(set(zero.notifier.told))
    assert len(one.notifier.told) == len(set(one.notifier.told))


async def test_X3_a_shard_with_no_process_keeps_its_rooms_events_until_its_process_starts(
    processes: tuple[ShardProcess, ShardProcess, dict[str, float]],
) -> None:
    zero, one, _ = processes
    keys = rooms()
    for key in keys:
        await open_line(zero.service, key)  # shard 1's process is not running: shard 0's commits them all
    for _ in range(3):
        await zero.deliver()
    theirs = [key for key in keys if owner_of(key) == 1]
    waiting = {i for key in theirs for i in await logged(zero.store, key)}
    assert not waiting & set(zero.notifier.told)  # not taken over: Discord sends shard 1's servers elsewhere
    await one.deliver()
    assert set(one.notifier.told) == waiting  # nothing was lost meanwhile


async def test_T4_X3_each_shards_process_fires_the_timers_of_its_own_rooms_only_each_once(
    processes: tuple[ShardProcess, ShardProcess, dict[str, float]],
) -> None:
    zero, one, now = processes
    keys = rooms()
    mo = c.Actor("9001", moderator=True, admin=True)
    for key in keys:
        await open_line(zero.service, key)
        await zero.service.handle(key, c.SetExpiry(mo, "30"))
        await zero.service.handle(key, c.Invite(mo, target="9003"))
    now["t"] += 31

    async def fire(process: ShardProcess) -> int:
        owns = process.notifier.owns
        return await fire_due(process.store, process.service, PLATFORM, lambda: now["t"], owns=owns)

    first = await asyncio.gather(fire(zero), fire(one))
    assert first == [sum(owner_of(key) == shard for key in keys) for shard in (0, 1)]
    assert await asyncio.gather(fire(zero), fire(one)) == [0, 0]  # fired: nothing is due any more
    for key in keys:
        expired = [item for item in await zero.store.history(key) if isinstance(item.event, ev.InvitationExpired)]
        assert len(expired) == 1, key
