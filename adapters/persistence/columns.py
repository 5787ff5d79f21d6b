"""The column names the store's statements and rows share, and how parameters are named: no SQLAlchemy here.

Everything that only needs names (mapping.py, the unit of work, SQLite's compiled statements) takes
them from here, so the SQLite store runs without importing SQLAlchemy. tables.py defines the same
columns as SQLAlchemy Core; tests/integration/test_sqlite_sql.py checks that the two agree.
"""

from __future__ import annotations

from typing import Any

SETTINGS_COLUMNS = (
    "default_mode", "capacity", "cameras", "cooldown", "expiry", "turn", "advance", "request_order",
    "moderators", "admins",
)  # fmt: skip
SESSION_COLUMNS = ("live", "mode", "started_by", "started_at", "next_seq", "session_number")
ROOM_STATE_COLUMNS = (*SESSION_COLUMNS, *SETTINGS_COLUMNS)
ROOM_COLUMNS = ("id", "version", *ROOM_STATE_COLUMNS)
# What a person's row is written with, in the table's order.
PEOPLE_ROW_COLUMNS = (
    "room_id", "user", "written_at", "present", "position", "seq", "note", "expires_at", "last_active",
    "mic_live", "seat_moderator", "hand", "declined_at", "answered_by", "answer", "turn_length",
    "turn_ends_at", "warn_at", "next_told", "tally", "stage_seconds", "on_stage_from", "joins",
    "requests_made", "times_declined", "waited_seconds", "asked_at",
)  # fmt: skip
PERSON_COLUMNS = tuple(name for name in PEOPLE_ROW_COLUMNS if name not in ("room_id", "written_at"))
WORKSPACE_COLUMNS = ("platform", "workspace", "version", *SETTINGS_COLUMNS)  # in the table's order
EVENT_COLUMNS = ("at", "actor", "name", "payload")  # what an event is logged with, beside its room
# A room as read: its columns, its workspace's version, its next due time and its newest event's id.
ROOM_READ_WIDTH = len(ROOM_COLUMNS) + 3
PREFIX = "p_"


def bind(params: dict[str, Any]) -> dict[str, Any]:
    """Return a parameter dict keyed by bind parameter names."""
    return {PREFIX + key: value for key, value in params.items()}
