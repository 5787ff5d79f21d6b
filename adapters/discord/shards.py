"""Which Discord shards this process runs, and so which guilds' rooms it owns.

Discord routes a guild's gateway events to one shard, by its "Sharding Formula"
(discord/discord-api-docs `developers/events/gateway.mdx` § Sharding, @ acbe37f4):
`shard_id = (guild_id >> 22) % num_shards`; "each shard can only support a maximum of
2500 guilds, and apps that are in 2500+ guilds *must* enable sharding". discord.py's
`AutoShardedClient` runs several shards in one process (discord.py 2.7 docs: "If no
shard_count is provided, then the library will use the Bot Gateway endpoint call to figure
out how many shards to use. If a shard_ids parameter is given, then those shard IDs will be
used to launch the internal shards. Note that shard_count must be provided if this is used.").

A process owns the rooms of the guilds its shards receive: it enforces them (Discord
sends it their voice changes and commands), delivers their events and fires their
timers. A process running every shard owns every room.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.discord.runtime import PLATFORM, DiscordOptions
from core.room import RoomKey
from core.service import Owns


def shard_of(guild_id: int, shard_count: int) -> int:
    """Return the shard Discord sends a guild's events to (Discord's Sharding Formula)."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class ShardPlan:
    """The shards of one process: a count and the ids it runs (None: Discord's count, or every shard)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            raise ValueError("a shard count is at least 1")
        if self.ids is not None:
            if self.count is None:
                raise ValueError("shard ids need a shard count")
            if not self.ids or any(not 0 <= shard < self.count for shard in self.ids):
                raise ValueError(f"shard ids are from 0 to {self.count - 1}")

    @property
    def runs_all(self) -> bool:
        """Say whether this process runs every shard (and so owns every room)."""
        return self.ids is None or self.count is not None and set(self.ids) == set(range(self.count))

    def client_options(self) -> dict[str, Any]:
        """Return the `shard_count` / `shard_ids` keywords for discord.py's AutoShardedClient."""
        options: dict[str, Any] = {"shard_count": self.count}
        if self.ids is not None:
            options["shard_ids"] = sorted(self.ids)
        return options

    def owns(self) -> Owns | None:
        """Return which rooms this process owns (None: all of them)."""
        if self.runs_all:
            return None
        assert self.count is not None and self.ids is not None
        return _Owner(self.count, frozenset(self.ids))

    @classmethod
    def of(cls, options: DiscordOptions) -> ShardPlan:
        """Return the shards the settings give this process."""
        return cls(options.shard_count, options.shard_ids)

    def describe(self) -> str:
        """Say in a few words which shards this process runs (for the log)."""
        if self.count is None:
            return "every shard, as many as Discord recommends"
        if self.runs_all:
            return f"all {self.count} shard{'s' if self.count != 1 else ''}"
        ids = ", ".join(str(shard) for shard in sorted(self.ids or ()))
        return f"shard{'s' if len(self.ids or ()) != 1 else ''} {ids} of {self.count}"


@dataclass(frozen=True)
class _Owner:
    """A room is ours when it is a Discord room of a guild one of our shards receives."""

    count: int
    ids: frozenset[int]

    def __call__(self, key: RoomKey) -> bool:
        if key.platform != PLATFORM or not key.workspace.isdigit():
            return False  # not a Discord guild: never leased by a shard process
        return shard_of(int(key.workspace), self.count) in self.ids
