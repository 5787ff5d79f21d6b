"""Shards through the real discord.py: `stagedoor run`'s AutoShardedBot against simcord's sharded gateway.

simcord routes each gateway event to the shard Discord's Sharding Formula names (its ShardRouter;
discord/discord-api-docs `developers/events/gateway.mdx` § Sharding: `shard_id = (guild_id >> 22) %
num_shards`) and drops what belongs to a shard no client runs. It runs one bot per event loop ("Only
one live Env is supported per event loop"), so the second shard process here is what such a process
leaves in the shared database: a second store on the same file, committing that shard's guild's
commands through its own service and firing its own timers. Its delivery runs through the real
Notifier in tests/discord/test_shards_delivery.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import simcord

from adapters.discord import DiscordPlatform
from adapters.discord.buttons import custom_id
from adapters.discord.client import ShardedStageBot
from adapters.discord.notify import CONSUMER
from adapters.discord.runtime import PLATFORM, room_key
from adapters.discord.shards import ShardPlan
from adapters.persistence.sql import SqlStore
from adapters.timers import fire_due
from bot.lifecycle import discord_options
from bot.settings import Settings
from core import commands as c
from core import events as ev
from core.room import RoomKey
from core.service import StageService
from tests.conftest import open_store
from tests.discord import spec
from tests.discord.conftest import App
from tests.discord.world import MODERATOR_PERMISSIONS


@dataclass
class Guild:
    """A server of the simulated Discord with a stage channel, a stage moderator and a listener."""

    handle: simcord.GuildHandle
    stage: simcord.ChannelHandle
    mo: simcord.MemberActor
    alex: simcord.MemberActor

    @property
    def key(self) -> RoomKey:
        return room_key(self.handle.id, self.stage.id)

    def chat(self) -> list[str]:
        return [m.content for m in self.stage.history() if m.author.bot and m.content]


def build(env: simcord.Env, name: str, shard: int) -> Guild:
    """A server whose id Discord routes to `shard` (simcord allocates the snowflake for that shard)."""
    guild = env.create_guild(name, shard_id=shard)
    stage = guild.create_stage_channel("town-hall")
    team = guild.create_role("Stage Team", permissions=MODERATOR_PERMISSIONS)
    mo = guild.add_member(env.create_user(f"mo-{name}"), roles=[team])
    alex = guild.add_member(env.create_user(f"alex-{name}"))
    return Guild(guild, stage, mo, alex)


@pytest.fixture
def settings() -> Settings:
    """This process runs shard 0 of 2, as `DISCORD_SHARD_COUNT=2 DISCORD_SHARD_IDS=0` gives it."""
    return Settings(_env_file=None, DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS="0")  # type: ignore[call-arg]


@pytest_asyncio.fixture
async def env(app: App) -> AsyncIterator[simcord.Env]:
    bot = ShardedStageBot(app, beat_seconds=1.0, poll_seconds=5.0, tick_seconds=5.0)
    env = simcord.Env(bot)
    app.clock_holder["env"] = env
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
    spec.check_requests(env.http_requests)


@pytest_asyncio.fixture
async def other(tmp_path: Path, migrated_database: Path) -> AsyncIterator[SqlStore]:
    """The process of shard 1: its own store (and leases) on the same database."""
    store = await open_store(tmp_path / "stage.db", migrated_database)
    yield store
    await store.close()


async def settle(env: simcord.Env, seconds: float = 1.2) -> None:
    while seconds > 0:
        await env.advance_time(min(seconds, 60.0))
        seconds -= 60.0


async def other_process_runs(app: App, store: SqlStore, guild: Guild, expiry: str = "10") -> StageService:
    """Shard 1's process takes its server's commands (Discord sends them to it): a session, an invitation."""
    service = StageService(store.unit_of_work, app.clock)
    mo, alex = c.Actor(str(guild.mo.id), moderator=True, admin=True), c.Actor(str(guild.alex.id))
    for actor in (mo, alex):
        await service.handle(guild.key, c.Arrive(actor))
    await service.handle(guild.key, c.SetExpiry(mo, expiry))
    await service.handle(guild.key, c.StartSession(mo, "invite"))
    await service.handle(guild.key, c.Invite(mo, target=str(guild.alex.id)))
    return service


async def test_X3_a_shard_process_gets_only_its_shards_servers_and_never_delivers_or_times_another_shards_rooms(
    env: simcord.Env, app: App, other: SqlStore
) -> None:
    bot = env.bot
    assert isinstance(bot, ShardedStageBot)
    ours, theirs = build(env, "ours", shard=0), build(env, "theirs", shard=1)
    await settle(env)
    # Discord's gateway (simcord's router) sends this process shard 0's server only.
    assert bot.shard_count == 2 and sorted(bot.shards) == [0]
    assert [guild.id for guild in bot.guilds] == [ours.handle.id]
    assert bot.owns is not None and bot.owns(ours.key) and not bot.owns(theirs.key)
    assert bot.gateway_open()

    await other_process_runs(app, other, theirs)
    started = await ours.mo.slash(ours.stage, "stage start", mode="request")
    assert started.response is not None
    await settle(env, 30)  # polls (5 s) and ticks (5 s) several times; shard 1's invitation falls due (10 s)

    # Ours is delivered by this process; theirs is never leased, told, or timed here.
    assert any("started" in line.lower() for line in ours.chat())
    assert theirs.chat() == []
    assert app.store is not None
    assert await _leases(app.store, theirs.key) == []  # never claimed, so never acknowledged either
    history = await app.store.history(theirs.key)
    assert not any(isinstance(item.event, ev.InvitationExpired) for item in history)

    # Shard 1's process: every event of its room is still undelivered for it, and its timer is its to fire.
    owns_one = ShardPlan(2, (1,)).owns()
    pending = await other.read(CONSUMER, 100, platform=PLATFORM, owns=owns_one)
    assert [item.id for item in pending] == [item.id for item in history]
    assert await fire_due(other, StageService(other.unit_of_work, app.clock), PLATFORM, app.clock, owns=owns_one) == 1
    expired = [item for item in await other.history(theirs.key) if isinstance(item.event, ev.InvitationExpired)]
    assert len(expired) == 1


async def _leases(store: SqlStore, key: RoomKey) -> list[tuple[str | None, int]]:
    """Return the Discord consumer's delivery rows of a room: who holds it, how far it is delivered."""
    from sqlalchemy import select

    from adapters.persistence.tables import deliveries, rooms

    query = (
        select(deliveries.c.owner, deliveries.c.delivered_id)
        .join(rooms, rooms.c.id == deliveries.c.room_id)
        .where(deliveries.c.consumer == CONSUMER, rooms.c.workspace == key.workspace, rooms.c.channel == key.channel)
    )
    async with store.engine.connect() as connection:
        return [(row[0], int(row[1])) for row in await connection.execute(query)]


class TestOneProcessAllShards:
    """`DISCORD_SHARD_COUNT=2` alone: this one process runs both shards and owns every room."""

    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(_env_file=None, DISCORD_SHARD_COUNT="2")  # type: ignore[call-arg]

    async def test_X3_one_process_running_every_shard_serves_every_server_of_each_shard(
        self, env: simcord.Env, app: App
    ) -> None:
        bot = env.bot
        assert isinstance(bot, ShardedStageBot)
        zero, one = build(env, "zero", shard=0), build(env, "one", shard=1)
        await settle(env)
        assert sorted(bot.shards) == [0, 1] and bot.owns is None
        assert {guild.id for guild in bot.guilds} == {zero.handle.id, one.handle.id}
        for guild in (zero, one):
            answer = await guild.mo.slash(guild.stage, "stage start", mode="request")
            assert answer.response is not None
        await settle(env, 6)
        for guild in (zero, one):
            assert any("started" in line.lower() for line in guild.chat()), guild.chat()

    async def test_X3_readiness_needs_every_shard_and_a_stop_closes_them_all(self, env: simcord.Env, app: App) -> None:
        bot = env.bot
        assert isinstance(bot, ShardedStageBot)
        build(env, "zero", shard=0)
        await settle(env)
        platform = DiscordPlatform(app)
        platform.bot = bot  # what start() built: stagedoor run's bot
        assert await platform.connected()
        await platform.stop_input()  # a stop: Discord sends no more events to any shard
        assert all(shard.is_closed() for shard in bot.shards.values()) and len(bot.shards) == 2
        assert not await platform.connected()


def test_X3_the_settings_reach_the_bot_as_discord_py_shard_options() -> None:
    options = discord_options(Settings(_env_file=None, DISCORD_SHARD_COUNT="4", DISCORD_SHARD_IDS="3,1"))  # type: ignore[call-arg]
    plan = ShardPlan.of(options)
    assert plan.client_options() == {"shard_count": 4, "shard_ids": [1, 3]}
    assert plan.describe() == "shards 1, 3 of 4"
    unset = ShardPlan.of(replace(options, shard_count=None, shard_ids=None))
    assert unset.client_options() == {"shard_count": None} and unset.owns() is None  # discord.py asks Discord


async def dm_button(env: simcord.Env, to: simcord.MemberActor, label: str, *ids: int) -> discord.Message:
    """A DM with one stagedoor button, as shard 1's process sends it (its notices carry the room in the id)."""
    view = discord.ui.View()
    view.add_item(discord.ui.Button[discord.ui.View](label=label, custom_id=custom_id(*ids)))  # type: ignore[arg-type]
    user = await env.bot.fetch_user(to.id)
    return await user.send(f"{label}?", view=view)


async def dm_click(env: simcord.Env, who: simcord.MemberActor, label: str) -> simcord.InteractionResult:
    dm = simcord.UserHandle(env, env.backend.get_user(who.id))
    message = [m for m in dm.dm_channel.history() if m.author.bot and m.content == f"{label}?"][-1]
    result = await dm.click(message, label=label)
    await settle(env)
    assert result.response is not None and result.ephemeral
    return result


async def test_X3_A3_a_dm_click_for_another_shards_server_reaches_shard_0_which_acts_with_roles_read_over_http(
    env: simcord.Env, app: App, other: SqlStore
) -> None:
    """Discord sends events without a guild (a DM's click) to shard 0 only; that process does not see the server."""
    theirs = build(env, "theirs", shard=1)
    await settle(env)
    await other_process_runs(app, other, theirs)
    server, room = theirs.handle.id, theirs.stage.id
    await dm_button(env, theirs.alex, "Join stage", "join", server, room)
    await dm_button(env, theirs.alex, "Decline invitation", "decinv", server, room)
    await dm_button(env, theirs.alex, "Invite on stage", "invite", server, room, theirs.alex.id)
    await dm_button(env, theirs.mo, "Invite on stage", "invite", server, room, theirs.alex.id)

    def logged(kind: type[ev.Event]) -> int:
        return sum(isinstance(item.event, kind) for item in history)

    # Joining needs the voice channel's connections, which only shard 1's gateway has: told where to go instead.
    joined = await dm_click(env, theirs.alex, "Join stage")
    assert "can't act on that server from here" in (joined.response.content or "")
    history = await other.history(theirs.key)
    assert logged(ev.StageJoined) == 0

    declined = await dm_click(env, theirs.alex, "Decline invitation")
    assert "You declined the invitation" in (declined.response.content or "")
    history = await other.history(theirs.key)
    assert logged(ev.InvitationDeclined) == 1

    # Who may moderate is read from Discord at the click (A3), over HTTP: roles and the channel's overwrites.
    refused = await dm_click(env, theirs.alex, "Invite on stage")
    assert "Only moderators" in (refused.response.content or ""), refused.response.content
    invited = await dm_click(env, theirs.mo, "Invite on stage")
    assert "Invitation sent to" in (invited.response.content or "")
    history = await other.history(theirs.key)
    assert logged(ev.InvitationSent) == 2

    # Committed here, delivered by the server's own process: this one never leased or told the room.
    assert app.store is not None and await _leases(app.store, theirs.key) == []
    assert theirs.chat() == []
