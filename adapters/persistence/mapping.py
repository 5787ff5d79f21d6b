"""Turn rows into core objects and core objects into row parameters; nothing else knows both."""

from __future__ import annotations

import json
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from adapters.persistence.columns import PERSON_COLUMNS, SESSION_COLUMNS
from core.events import Event, event_from_dict
from core.modes import Mode
from core.room import Person, Position, Room, RoomKey, Session, Settings
from core.service import LoggedEvent

_person_values = attrgetter(*PERSON_COLUMNS)  # one C call for every column, on every person saved


def settings_from(values: Sequence[Any]) -> Settings:
    """Build Settings from values in SETTINGS_COLUMNS order."""
    default_mode, capacity, cameras, cooldown, expiry, turn, advance, order, moderators, admins = values
    return Settings(
        default_mode=Mode(default_mode) if default_mode else None,
        capacity=capacity,
        cameras=cameras,
        cooldown=cooldown,
        expiry=expiry,
        turn=turn,
        advance=None if advance is None else bool(advance),
        order=order,
        moderators=list(json.loads(moderators or "[]")),
        admins=list(json.loads(admins or "[]")),
    )


def settings_params(settings: Settings) -> dict[str, Any]:
    """Return the SETTINGS_COLUMNS values of Settings."""
    return {
        "default_mode": settings.default_mode.value if settings.default_mode else None,
        "capacity": settings.capacity,
        "cameras": settings.cameras,
        "cooldown": settings.cooldown,
        "expiry": settings.expiry,
        "turn": settings.turn,
        "advance": settings.advance,
        "request_order": settings.order,
        "moderators": _json_list(settings.moderators),
        "admins": _json_list(settings.admins),
    }


def _json_list(values: list[str]) -> str:
    # Most lists are empty and every changed room row writes them: skip the encoder then.
    return json.dumps(values) if values else "[]"


def session_from(values: Sequence[Any]) -> tuple[Session, int]:
    """Build the Session and next_seq from the first ROOM_STATE_COLUMNS values."""
    live, mode, started_by, started_at, next_seq, number = values[: len(SESSION_COLUMNS)]
    return Session(bool(live), Mode(mode), started_by, started_at, int(number)), int(next_seq)


def channel_from(state: Sequence[Any]) -> Settings:
    """Build the channel's Settings from ROOM_STATE_COLUMNS values."""
    return settings_from(state[len(SESSION_COLUMNS) :])


def apply_room_row(room: Room, state: Sequence[Any]) -> None:
    """Refresh a room's session, counter and channel settings from ROOM_STATE_COLUMNS values."""
    room.session, room.next_seq = session_from(state)
    room.channel = channel_from(state)


def room_params(room: Room, room_id: int) -> dict[str, Any]:
    """Return the parameters that write a room's row."""
    session = room.session
    return {
        "room_id": room_id,
        "live": session.live,
        "mode": session.mode.value,
        "started_by": session.started_by,
        "started_at": session.started_at,
        "next_seq": room.next_seq,
        "session_number": session.number,
        **settings_params(room.channel),
    }


def person_from(values: Sequence[Any]) -> Person:
    """Build a Person from values in PERSON_COLUMNS order."""
    row = dict(zip(PERSON_COLUMNS, values, strict=True))
    row["present"] = bool(row["present"])
    row["seat_moderator"] = bool(row["seat_moderator"])
    row["mic_live"] = bool(row["mic_live"])
    row["next_told"] = bool(row["next_told"])
    row["position"] = Position(row["position"])
    return Person(**row)


def person_params(person: Person, room_id: int, version: int) -> dict[str, Any]:
    """Return the parameters that upsert a person's row at a room version."""
    params = dict(zip(PERSON_COLUMNS, _person_values(person), strict=True))
    params["position"] = person.position.value
    params["room_id"] = room_id
    params["written_at"] = version
    return params


def event_params(event: Event, room_id: int, at: float, actor: str | None) -> dict[str, Any]:
    """Return the parameters that append an event to the log."""
    return {"room_id": room_id, "at": at, "actor": actor, "name": event.name, "payload": json.dumps(event.as_dict())}


def logged_from(values: Sequence[Any]) -> LoggedEvent:
    """Build a LoggedEvent from (id, platform, workspace, channel, at, actor, payload)."""
    event_id, platform, workspace, channel, at, actor, payload = values
    return LoggedEvent(
        int(event_id), RoomKey(platform, workspace, channel), at, actor, event_from_dict(json.loads(payload), actor)
    )


def key_params(key: RoomKey) -> dict[str, Any]:
    """Return the parameters that name a room."""
    return {"platform": key.platform, "workspace": key.workspace, "channel": key.channel}
