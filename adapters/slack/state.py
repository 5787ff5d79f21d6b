"""What only the Slack adapter needs to remember: roster messages, huddles, gated channels.

The stage itself lives in the core's store; this is Slack plumbing that must survive a
restart so old roster buttons keep updating the same message. It is kept in one JSON file
in the data directory (written atomically); an absent path keeps it in memory only.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.room import RoomKey


@dataclass
class ChannelState:
    """Slack facts about one channel that is a room."""

    roster_ts: str | None = None
    stage_channel: str | None = None  # gated mode: the private channel whose huddle is the stage
    huddle_room: str | None = None  # the channel huddle's room id (R…), from its huddle message
    started_by: str | None = None
    moderators: list[str] = field(default_factory=list)  # channel-listed moderators and user groups
    gated_members: list[str] = field(default_factory=list)  # who stagedoor let into the stage channel


class SlackState:
    """Per-channel Slack state, optionally persisted to a JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self.channels: dict[str, ChannelState] = {}
        if path is not None and path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            self.channels = {key: ChannelState(**value) for key, value in raw.get("channels", {}).items()}

    def channel(self, key: RoomKey) -> ChannelState:
        """Return the state for a room, creating it empty."""
        return self.channels.setdefault(_name(key), ChannelState())

    def rooms(self) -> list[RoomKey]:
        """Return every room this workspace has used, in first-use order."""
        return [RoomKey("slack", *name.split(":", 1)) for name in self.channels]

    def room_of_huddle(self, huddle_room: str) -> RoomKey | None:
        """Return the room whose channel huddle has this room id."""
        for name, state in self.channels.items():
            if state.huddle_room == huddle_room:
                return RoomKey("slack", *name.split(":", 1))
        return None

    def room_of_stage_channel(self, team: str, channel: str) -> RoomKey | None:
        """Return the room whose gated stage channel this is."""
        for name, state in self.channels.items():
            if state.stage_channel == channel and name.startswith(f"{team}:"):
                return RoomKey("slack", *name.split(":", 1))
        return None

    def save(self) -> None:
        """Write the state to its file, if it has one."""
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        data = {"channels": {key: asdict(value) for key, value in self.channels.items()}}
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(temporary, self._path)


def _name(key: RoomKey) -> str:
    return f"{key.workspace}:{key.channel}"
