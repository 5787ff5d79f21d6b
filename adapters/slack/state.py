"""What only the Slack adapter needs to remember: roster messages, huddles, gated channels.

The stage itself lives in the core's store; this is Slack plumbing that must survive a
restart so old roster buttons keep updating the same message. It is kept in the same
database, one `adapter_state` row per channel; this object is the process's working copy,
read once at start and written through, a channel at a time, whenever a channel changes.
Without a store it is kept in memory only.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from core.room import RoomKey

log = logging.getLogger(__name__)

PLATFORM = "slack"
LEGACY_FILE = "slack-state.json"  # where versions before the adapter_state table kept this
# Not a Slack channel id (those are letters and digits): the pseudo-channel workspace defaults are set through.
WORKSPACE_CHANNEL = "*"


class AdapterStateStore(Protocol):
    """Where adapter state is kept (adapters.persistence.sql.SqlStore)."""

    async def load_adapter_state(self, platform: str) -> dict[RoomKey, dict[str, Any]]:
        """Return every channel's state for a platform."""
        ...

    async def save_adapter_state(self, key: RoomKey, data: dict[str, Any]) -> None:
        """Replace a channel's state."""


@dataclass
class ChannelState:
    """Slack facts about one channel that is a room."""

    roster_ts: str | None = None
    stage_channel: str | None = None  # gated mode: the private channel whose huddle is the stage
    huddle_room: str | None = None  # the channel huddle's room id (R…), from its huddle message
    # The huddle as its latest huddle_thread message showed it (`message.room`): who is in it, whose camera is
    # on, whether it ended, and that message's event ts, so a redelivered or older edit changes nothing.
    huddle_people: list[str] = field(default_factory=list)
    huddle_cameras: list[str] = field(default_factory=list)
    huddle_ended: bool = False
    huddle_seen: str | None = None
    started_by: str | None = None
    # The user groups on the room's moderator list (the list itself is the core's), learnt from its changes
    # so each click's role check (A3) needs no read of the room.
    groups: list[str] = field(default_factory=list)
    gated_members: list[str] = field(default_factory=list)  # who stagedoor let into the stage channel

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChannelState:
        """Build from a stored row, ignoring fields this version does not know (a newer one wrote them)."""
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        if "groups" not in data and "moderators" in data:  # an older version kept users and groups in one list
            values["groups"] = [name for name in data["moderators"] if is_group(name)]
        return cls(**values)


def workspace_room(team: str) -> RoomKey:
    """Return the room key workspace-wide defaults are changed through (the core keys them by workspace)."""
    return RoomKey(PLATFORM, team, WORKSPACE_CHANNEL)


def is_group(name: str) -> bool:
    """Say whether a moderator-list name is a Slack user group (S…) rather than a person."""
    return name.startswith("S")


class SlackState:
    """Per-channel Slack state, written through to a store when there is one."""

    def __init__(self, store: AdapterStateStore | None = None) -> None:
        self._store = store
        self.channels: dict[RoomKey, ChannelState] = {}
        self._saving = asyncio.Lock()

    @classmethod
    async def load(cls, store: AdapterStateStore) -> SlackState:
        """Return the state of every Slack channel the store holds."""
        state = cls(store)
        rows = await store.load_adapter_state(PLATFORM)
        state.channels = {key: ChannelState.from_dict(data) for key, data in rows.items()}
        return state

    async def import_file(self, path: Path) -> int:
        """Take in the channels of an older version's state file that the store lacks; return how many."""
        if not path.is_file():
            return 0
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            found = {
                RoomKey(PLATFORM, *name.split(":", 1)): ChannelState.from_dict(value)
                for name, value in raw.get("channels", {}).items()
            }
        except (ValueError, TypeError, AttributeError) as error:
            log.warning("%s is not a Slack state file stagedoor can read (%s); it is left as it is", path, error)
            return 0
        added = [key for key in found if key not in self.channels]
        for key in added:
            self.channels[key] = found[key]
            await self.save(key)
        # Renamed, not deleted: its data is in the database now, and the file stays for whoever wants it.
        path.replace(path.with_name(path.name + ".imported"))
        return len(added)

    def channel(self, key: RoomKey) -> ChannelState:
        """Return the state for a room, creating it empty."""
        return self.channels.setdefault(key, ChannelState())

    def rooms(self) -> list[RoomKey]:
        """Return every room this workspace has used, in first-use order."""
        return list(self.channels)

    def room_of_huddle(self, huddle_room: str) -> RoomKey | None:
        """Return the room whose channel huddle has this room id."""
        for key, state in self.channels.items():
            if state.huddle_room == huddle_room:
                return key
        return None

    def room_of_stage_channel(self, team: str, channel: str) -> RoomKey | None:
        """Return the room whose gated stage channel this is."""
        for key, state in self.channels.items():
            if state.stage_channel == channel and key.workspace == team:
                return key
        return None

    async def save(self, key: RoomKey) -> None:
        """Write a channel's state to the store, if there is one."""
        if self._store is None:
            return
        # One save at a time, each taking the state as it is when its turn comes: the last write is the newest.
        async with self._saving:
            await self._store.save_adapter_state(key, asdict(self.channel(key)))
