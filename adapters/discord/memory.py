"""What the Discord adapter remembers of its own voice changes, kept across restarts.

Discord's voice state does not say who changed it. A human moderator's own
"Invite to speak" and the bot's un-suppress produce the same state (suppress
false with a request_to_speak timestamp), and a server mute follows a member
into every voice channel whoever applied it. So the bot remembers, per server:

- `unsuppressed`: the people it un-suppressed on each stage channel whose
  invitation or own join (J1) is still open (Discord's accept prompt is showing);
- `muted`: the people whose server mute the bot applied (only those are ever
  lifted by the bot).

It is one `adapter_state` row per server (platform "discord", the server's id,
channel "*"), read once and written through on every change. Without a store
(the store bot/ gives has the `adapter_state` table) it is kept in memory only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from core.room import RoomKey

PLATFORM = "discord"
SERVER_WIDE = "*"  # not a channel id (those are digits): the row that holds a whole server's memory


@runtime_checkable
class AdapterStateStore(Protocol):
    """Where adapter state is kept (adapters.persistence.sql.SqlStore)."""

    async def load_adapter_state(self, platform: str) -> dict[RoomKey, dict[str, Any]]:
        """Return every channel's state for a platform."""
        ...

    async def save_adapter_state(self, key: RoomKey, data: dict[str, Any]) -> None:
        """Replace a channel's state."""


@dataclass
class ServerMemory:
    """One server's remembered voice changes."""

    unsuppressed: dict[str, list[str]] = field(default_factory=dict)  # stage channel id -> user ids
    muted: list[str] = field(default_factory=list)  # user ids

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServerMemory:
        """Build from a stored row, ignoring what this version does not know."""
        unsuppressed = data.get("unsuppressed", {})
        muted = data.get("muted", [])
        return cls(
            unsuppressed={str(k): [str(u) for u in v] for k, v in unsuppressed.items()}
            if isinstance(unsuppressed, dict)
            else {},
            muted=[str(u) for u in muted] if isinstance(muted, list) else [],
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the row to store (empty lists dropped)."""
        return {"unsuppressed": {k: sorted(v) for k, v in self.unsuppressed.items() if v}, "muted": sorted(self.muted)}


class VoiceMemory:
    """Per-server memory of the bot's own un-suppressions and server mutes, written through to a store."""

    def __init__(self, store: object | None = None) -> None:
        self._store = store if isinstance(store, AdapterStateStore) else None
        self._servers: dict[int, ServerMemory] | None = None
        self._lock = asyncio.Lock()

    async def _all(self) -> dict[int, ServerMemory]:
        if self._servers is None:
            servers: dict[int, ServerMemory] = {}
            if self._store is not None:
                rows = await self._store.load_adapter_state(PLATFORM)
                for key, data in rows.items():
                    if key.channel == SERVER_WIDE and key.workspace.isdigit():
                        servers[int(key.workspace)] = ServerMemory.from_dict(data)
            self._servers = servers
        return self._servers

    async def _server(self, guild_id: int) -> ServerMemory:
        return (await self._all()).setdefault(guild_id, ServerMemory())

    async def _save(self, guild_id: int) -> None:
        if self._store is not None:
            data = (await self._server(guild_id)).as_dict()
            await self._store.save_adapter_state(RoomKey(PLATFORM, str(guild_id), SERVER_WIDE), data)

    # -- un-suppressions on stage channels ------------------------------------------------------------

    async def unsuppressed(self, guild_id: int, channel_id: int, user: str) -> bool:
        """Say whether the bot un-suppressed this person on this stage and they have not answered yet."""
        async with self._lock:
            return user in (await self._server(guild_id)).unsuppressed.get(str(channel_id), [])

    async def unsuppressed_in(self, guild_id: int, channel_id: int) -> list[str]:
        """Return everyone the bot un-suppressed on this stage who has not answered yet."""
        async with self._lock:
            return list((await self._server(guild_id)).unsuppressed.get(str(channel_id), []))

    async def set_unsuppressed(self, guild_id: int, channel_id: int, user: str, on: bool) -> None:
        """Remember (on) or forget (off) that the bot un-suppressed this person."""
        async with self._lock:
            server = await self._server(guild_id)
            users = server.unsuppressed.setdefault(str(channel_id), [])
            if (user in users) == on:
                return
            if on:
                users.append(user)
            else:
                users.remove(user)
            await self._save(guild_id)

    # -- server mutes ------------------------------------------------------------------------------------

    async def bot_muted(self, guild_id: int, user: str) -> bool:
        """Say whether this person's server mute is the bot's."""
        async with self._lock:
            return user in (await self._server(guild_id)).muted

    async def set_bot_muted(self, guild_id: int, user: str, on: bool) -> None:
        """Remember (on) or forget (off) that the bot applied this person's server mute."""
        async with self._lock:
            server = await self._server(guild_id)
            if (user in server.muted) == on:
                return
            if on:
                server.muted.append(user)
            else:
                server.muted.remove(user)
            await self._save(guild_id)
