"""What only the Slack adapter needs to remember: roster messages, huddles, gated channels.

The stage itself lives in the core's store; this is Slack plumbing that must survive a
restart so old roster buttons keep updating the same message. It is kept in the same
database, one `adapter_state` row per channel; this object is the process's working copy,
read at start and written through, a channel at a time, whenever a channel changes.
Without a store it is kept in memory only.

Several replicas share the rows (docs/slack.md, "Several replicas behind a load balancer"): a
replica reads a channel again (`refresh`) before it acts on what another may have written, and
a save writes only the fields this process changed, over the row as stored, in one transaction
with the row locked (`change_adapter_state`), so one replica's change never undoes another's.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from adapters.persistence.delivery import gone, process_name
from core.room import RoomKey

log = logging.getLogger(__name__)

PLATFORM = "slack"
LEGACY_FILE = "slack-state.json"  # where versions before the adapter_state table kept this
# Not a Slack channel id (those are letters and digits): the pseudo-channel workspace defaults are set through.
WORKSPACE_CHANNEL = "*"
# How long a replica may hold a channel's drawing (roster, summaries) before another takes it: past the Slack
# client's retries. A holder of this host that no longer runs is passed over at once.
DRAWING_SECONDS = 60.0
DRAWING = "drawing"  # the row's key for who draws the channel's messages now: [process, until]
RELOAD_SECONDS = 2.0  # a lookup that misses reads every channel again at most this often


class AdapterStateStore(Protocol):
    """Where adapter state is kept (adapters.persistence.sql.SqlStore)."""

    async def load_adapter_state(self, platform: str) -> dict[RoomKey, dict[str, Any]]:
        """Return every channel's state for a platform."""
        ...

    async def save_adapter_state(self, key: RoomKey, data: dict[str, Any]) -> None:
        """Replace a channel's state."""


class SharedStateStore(AdapterStateStore, Protocol):
    """A store several processes share: one channel read, and a change made with the row locked."""

    async def load_channel_state(self, key: RoomKey) -> dict[str, Any] | None:
        """Return one channel's state as stored now, or None."""
        ...

    async def change_adapter_state(
        self, key: RoomKey, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Change one channel's state with its row locked; return what was stored."""
        ...


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
    # Moderators who acted in the room (told of new requests even if no list names them); kept here, not in
    # one process's memory, so whichever replica delivers the room tells the same people.
    acting: list[str] = field(default_factory=list)
    roster_shown: str | None = None  # a digest of what the roster message shows, whoever drew it last
    # Busy rooms: whether the moderators have summaries (adapters/slack/summary.py), and where each one's is.
    summarised: bool = False
    summaries: dict[str, list[str]] = field(default_factory=dict)  # moderator → [DM channel, ts, digest]

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
        self._stored: dict[RoomKey, dict[str, Any]] = {}  # each channel's fields as last read or written
        self._saving = asyncio.Lock()
        self.refreshes = 0  # channel reads since start (the cost of sharing with other replicas)
        self._reloaded = -RELOAD_SECONDS  # when every channel was last read again (by the monotonic clock)
        self.owner = process_name()  # who holds a channel's drawing, as other replicas read it

    @classmethod
    async def load(cls, store: AdapterStateStore) -> SlackState:
        """Return the state of every Slack channel the store holds."""
        state = cls(store)
        rows = await store.load_adapter_state(PLATFORM)
        state.channels = {key: ChannelState.from_dict(data) for key, data in rows.items()}
        state._stored = {key: asdict(channel) for key, channel in state.channels.items()}
        return state

    def _shared(self) -> SharedStateStore | None:
        store = self._store
        return store if hasattr(store, "change_adapter_state") else None  # type: ignore[return-value]

    async def refresh(self, key: RoomKey) -> ChannelState:
        """Read a channel again, as another replica may have written it; return it (the same object)."""
        channel = self.channel(key)
        store = self._shared()
        if store is None:
            return channel
        self.refreshes += 1
        data = await store.load_channel_state(key)
        if data is not None:
            self._take(key, data)
        return channel

    async def reload(self) -> None:
        """Read every channel again (a channel another replica made a room, or gated, is learnt)."""
        if self._store is None:
            return
        self._reloaded = time.monotonic()
        for key, data in (await self._store.load_adapter_state(PLATFORM)).items():
            self._take(key, data)

    async def stage_channel_room(self, team: str, channel: str) -> RoomKey | None:
        """Return the room whose gated stage channel this is, as stored now (another replica may have gated it)."""
        return await self._find(lambda: self.room_of_stage_channel(team, channel), "stage_channel", channel)

    async def huddle_room_of(self, huddle_room: str) -> RoomKey | None:
        """Return the room whose channel huddle has this room id, as stored now."""
        return await self._find(lambda: self.room_of_huddle(huddle_room), "huddle_room", huddle_room)

    async def _find(self, lookup: Callable[[], RoomKey | None], name: str, value: str) -> RoomKey | None:
        key = lookup()
        if key is not None:
            if getattr(await self.refresh(key), name) == value:
                return key
        elif self._shared() is None or time.monotonic() - self._reloaded < RELOAD_SECONDS:
            return None  # a miss read everything again lately: a channel that is no room's is common
        await self.reload()
        return lookup()

    def _take(self, key: RoomKey, data: dict[str, Any]) -> None:
        """Take in a channel as stored, keeping the fields this process changed and has not saved yet."""
        channel = self.channel(key)
        fresh = asdict(ChannelState.from_dict(data))
        before = self._stored.get(key) or asdict(ChannelState())
        for name, value in fresh.items():
            if getattr(channel, name) == before.get(name):
                setattr(channel, name, copy.deepcopy(value))  # a list changed in place must differ from `fresh`
        self._stored[key] = fresh

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

    @asynccontextmanager
    async def drawing(self, key: RoomKey) -> AsyncIterator[bool]:
        """Hold the drawing of a channel's messages among replicas; yield whether this process has it.

        With it, the channel is read as stored (so the roster message another replica posted is edited, not
        posted again); leaving saves what changed and gives the drawing back in the same transaction.
        """
        store = self._shared()
        if store is None:
            yield True
            return
        me, now = self.owner, time.time()

        def claim(row: dict[str, Any]) -> dict[str, Any]:
            holder = row.get(DRAWING)
            if holder and holder[0] != me and holder[1] > now and not gone(str(holder[0]), me):
                return row  # another replica draws it now
            return {**row, DRAWING: [me, now + DRAWING_SECONDS]}

        async with self._saving:
            stored = await store.change_adapter_state(key, claim)
            self._take(key, stored)
        if (stored.get(DRAWING) or [None])[0] != me:
            yield False
            return
        try:
            yield True
        finally:
            await self.save(key, drawn=True)

    async def save(self, key: RoomKey, *, drawn: bool = False) -> None:
        """Write a channel's state to the store, if there is one (`drawn`: giving the drawing back too)."""
        if self._store is None:
            return
        # One save at a time, each taking the state as it is when its turn comes: the last write is the newest.
        async with self._saving:
            store = self._shared()
            if store is None:
                await self._store.save_adapter_state(key, asdict(self.channel(key)))
                return
            now = asdict(self.channel(key))
            before = self._stored.get(key) or asdict(ChannelState())
            changed = {name: value for name, value in now.items() if before.get(name) != value}
            if not changed and key in self._stored and not drawn:
                return
            me = self.owner

            def change(row: dict[str, Any]) -> dict[str, Any]:
                row = {**row, **changed}
                if drawn and (row.get(DRAWING) or [None])[0] == me:
                    del row[DRAWING]
                return row

            stored = await store.change_adapter_state(key, change)
            self._take(key, stored)
