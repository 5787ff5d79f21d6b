"""Which rooms a shard process owns (Discord's Sharding Formula), and the settings that say its shards.

Discord: "To calculate which events will be sent to which shard, the following formula can be used:
`shard_id = (guild_id >> 22) % num_shards`", and "if you wanted to split the connection between
three shards, you'd use the following values for `shard` for each connection: `[0, 3]`, `[1, 3]`, and
`[2, 3]`" (discord/discord-api-docs `developers/events/gateway.mdx` § Sharding, @ acbe37f4).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import discord
import pytest
from pydantic import ValidationError

from adapters.discord import DiscordPlatform
from adapters.discord.client import ShardedStageBot
from adapters.discord.runtime import DiscordOptions, DiscordParts, room_key
from adapters.discord.shards import ShardPlan, shard_of
from adapters.discord.sync import DefinitionsOnly
from adapters.platform import PlatformFailure
from bot.cli import _settings_problem
from bot.lifecycle import discord_options
from bot.settings import Settings
from core.room import RoomKey
from tests.e2e.conftest import run_stagedoor
from tests.e2e.test_settings_cli import assert_one_clear_line

DISCORD_API = 81384788765712384  # the Discord API server
DISCORD_PY = 336642139381301249  # the discord.py server
# Snowflakes as Discord makes them: milliseconds since 2015-01-01 above bit 22, then worker, process, increment.
MADE = [(ms << 22) | (1 << 17) | (3 << 12) | n for n, ms in enumerate(range(1_100_000_000_000, 1_100_000_000_040))]


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_X3_a_guild_goes_to_the_shard_the_formula_names_with_real_server_ids() -> None:
    # serenity's docs (utils::shard_id): "the shard for a guild with Id 81384788765712384, using 17 shards" is 7.
    assert shard_of(DISCORD_API, 17) == 7
    assert [shard_of(DISCORD_API, n) for n in (1, 2, 3)] == [0, 0, 1]
    assert [shard_of(DISCORD_PY, n) for n in (1, 2, 3, 17)] == [0, 1, 1, 2]
    # Only the creation time (the bits above 22) counts: servers made in one millisecond share a shard.
    assert {shard_of(DISCORD_API | low, 17) for low in (0, 1, 4_194_303)} == {7}


def test_X3_three_processes_of_one_shard_each_own_every_server_exactly_once() -> None:
    owners = [ShardPlan(3, (shard,)).owns() for shard in range(3)]
    keys = [room_key(guild, 5) for guild in (DISCORD_API, DISCORD_PY, *MADE)]
    for key in keys:
        claims = [shard for shard, owns in enumerate(owners) if owns is not None and owns(key)]
        assert claims == [shard_of(int(key.workspace), 3)], key
    assert {shard_of(int(key.workspace), 3) for key in keys} == {0, 1, 2}  # every process has servers


def test_X3_a_process_of_two_shards_owns_both_shards_servers_and_no_other_platforms_rooms() -> None:
    owns = ShardPlan(4, (1, 3)).owns()
    assert owns is not None
    for guild in MADE:
        assert owns(room_key(guild, 9)) == (shard_of(guild, 4) in (1, 3))
    assert not owns(RoomKey("slack", "T0001", "C0001"))
    assert not owns(RoomKey("discord", "not-a-guild", "1"))


def test_X3_a_process_running_every_shard_owns_every_room() -> None:
    assert ShardPlan().owns() is None  # Discord's recommended count, all in this process
    assert ShardPlan(4).owns() is None
    assert ShardPlan(2, (1, 0)).owns() is None
    assert ShardPlan(2, (1, 0)).client_options() == {"shard_count": 2, "shard_ids": [0, 1]}


def test_X3_the_shard_settings_reach_the_discord_side() -> None:
    options = discord_options(settings(DISCORD_SHARD_COUNT=" 4 ", DISCORD_SHARD_IDS="3, 1"))
    assert (options.shard_count, options.shard_ids) == (4, (3, 1))
    assert ShardPlan.of(options).describe() == "shards 1, 3 of 4"
    unset = discord_options(settings())
    assert (unset.shard_count, unset.shard_ids) == (None, None)
    assert ShardPlan.of(unset).describe() == "every shard, as many as Discord recommends"
    assert ShardPlan.of(discord_options(settings(DISCORD_SHARD_COUNT="1"))).describe() == "all 1 shard"


BAD = [
    ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT=0", "at least 1"),
    ({"DISCORD_SHARD_COUNT": "two"}, "DISCORD_SHARD_COUNT=two", "at least 1"),
    ({"DISCORD_SHARD_COUNT": "-2"}, "DISCORD_SHARD_COUNT=-2", "at least 1"),
    ({"DISCORD_SHARD_IDS": "0"}, "DISCORD_SHARD_IDS is set but DISCORD_SHARD_COUNT is not", "number of shards"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,2"}, "DISCORD_SHARD_IDS names shard 2", "0 to 1"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "zero"}, "DISCORD_SHARD_IDS=zero", "'zero' is not a shard id"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "[0]"}, "DISCORD_SHARD_IDS=[0]", "separated by commas"),
    ({"DISCORD_SHARD_COUNT": "3", "DISCORD_SHARD_IDS": "1,1"}, "DISCORD_SHARD_IDS lists shard 1 twice", "once"),
]


@pytest.mark.parametrize(("environment", "names", "words"), BAD, ids=[b[1] for b in BAD])
def test_X3_a_bad_shard_setting_is_refused_naming_it_and_changes_nothing(
    environment: dict[str, str], names: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        settings(**environment)
    lines = [_settings_problem(item) for item in refused.value.errors()]
    assert len(lines) == 1 and names in lines[0] and words in lines[0], lines


@pytest.mark.parametrize(("environment", "names", "words"), BAD[:1] + BAD[3:5], ids=[b[1] for b in BAD[:1] + BAD[3:5]])
def test_X3_stagedoor_run_with_a_bad_shard_setting_says_one_line_naming_it_and_exits_2(
    tmp_path: Path, environment: dict[str, str], names: str, words: str
) -> None:
    done = run_stagedoor("run", cwd=tmp_path, env={"DISCORD_TOKEN": "not-used", **environment})
    assert_one_clear_line(done, names, words)


class ClosedByDiscord(ShardedStageBot):
    """The real bot, whose gateway Discord closes with a shard close code at connect."""

    code = 0

    async def connect(self, *, reconnect: bool = True) -> None:
        raise discord.ConnectionClosed(SimpleNamespace(close_code=self.code), shard_id=0)  # type: ignore[arg-type]


async def test_X3_a_gateway_that_refuses_the_shards_stops_discord_with_what_to_change() -> None:
    parts = DiscordParts(DefinitionsOnly(), DefinitionsOnly(), DiscordOptions(token="t", shard_count=2))
    for code, words in ((4010, "DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS"), (4011, "raise DISCORD_SHARD_COUNT")):
        platform = DiscordPlatform(parts)
        bot = platform.bot = ClosedByDiscord(parts)
        bot.code = code
        with pytest.raises(PlatformFailure) as failure:
            await platform.run()
        assert failure.value.permanent and str(code) in failure.value.reason and words in failure.value.reason
