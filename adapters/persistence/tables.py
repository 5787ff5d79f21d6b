"""The database tables, as SQLAlchemy Core tables; the repository maps their rows to core objects.

Lists (moderators, admins) and event payloads are JSON text, so one column
type serves SQLite and PostgreSQL alike. Plain Core tables import in a fraction
of what model classes cost (issue 13); SQLite's store does not import them at all
(it runs its statements' compiled text: adapters/persistence/compiled.py).
The schema itself is the migrations' (adapters/persistence/snapshot.py); these
tables describe the same columns, in the migrations' order where it matters to
nobody but the statements built from them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeEngine

from core.modes import FALLBACK_MODE

metadata = MetaData()


def _required(name: str, kind: type[TypeEngine[Any]], *, default: object = None) -> Column[Any]:
    """Return a NOT NULL column; `default` is what an INSERT that leaves it out writes."""
    return Column(name, kind, nullable=False, default=default)


def _optional(name: str, kind: type[TypeEngine[Any]]) -> Column[Any]:
    """Return a column that may be NULL, NULL unless written."""
    return Column(name, kind, nullable=True)


def _stored(name: str, kind: type[TypeEngine[Any]], server_default: Any) -> Column[Any]:
    """Return a NOT NULL column the database fills in (rows written before the column existed have it)."""
    return Column(name, kind, nullable=False, server_default=server_default)


def _settings() -> list[Column[Any]]:
    """Return the settings columns a channel and a workspace share; None means "inherit"."""
    return [
        _optional("default_mode", String),
        _optional("capacity", Integer),
        _optional("cameras", Integer),
        _optional("cooldown", Integer),
        _optional("expiry", Integer),
        _optional("turn", Integer),  # T1
        _optional("advance", Boolean),  # T3
        _optional("request_order", String),  # Q5: "asked" or "fair"
        _stored("moderators", Text, "[]"),
        _stored("admins", Text, "[]"),
    ]


# A channel: its settings, its session, and the version that orders every write to it.
rooms = Table(
    "rooms",
    metadata,
    Column("id", Integer, primary_key=True),
    _required("platform", String),
    _required("workspace", String),
    _required("channel", String),
    # Bumped by every unit of work that loads the room; also the room's write lock.
    _required("version", Integer, default=0),
    _required("live", Boolean, default=False),
    _required("mode", String, default=FALLBACK_MODE.value),
    _optional("started_by", String),
    _optional("started_at", Float),
    _required("next_seq", Integer, default=1),
    # R1: counts the room's sessions, so each person's figures name the session they belong to.
    _stored("session_number", Integer, "0"),
    *_settings(),
    # The newest event logged for the room: a deliverer finds rooms with something new without reading the log.
    _stored("last_event_id", Integer, "0"),
    # T4: when the room's earliest pending timer falls due (None: no timer), so ticks visit only due rooms.
    _optional("next_due", Float),
    UniqueConstraint("platform", "workspace", "channel", name="uq_rooms_key"),
    # The timers' due-time index: which rooms have a timer due, without looking at any room.
    Index("ix_rooms_next_due", "platform", "next_due"),
)

# A workspace's (Slack team's, Discord guild's) settings, inherited by its channels.
workspaces = Table(
    "workspaces",
    metadata,
    Column("platform", String, primary_key=True),
    Column("workspace", String, primary_key=True),
    # Bumped on every write, so rooms notice a change without re-reading the row.
    _required("version", Integer, default=1),
    *_settings(),
)

# One participant's record in a room.
people = Table(
    "people",
    metadata,
    Column("room_id", Integer, ForeignKey("rooms.id"), primary_key=True),
    Column("user", String, primary_key=True),
    # The room version of the unit of work that last wrote this row (for incremental reloads).
    _required("written_at", Integer),
    _required("present", Boolean),
    _required("position", String),
    _required("seq", Integer),
    _optional("note", String),
    _optional("expires_at", Float),
    _required("last_active", Float),
    # C5: a live mic on stage; rows written before it existed read as off.
    _stored("mic_live", Boolean, false()),
    _required("seat_moderator", Boolean),
    _optional("hand", Integer),
    _optional("declined_at", Float),
    _optional("answered_by", String),
    _optional("answer", String),
    # T1, T2: the running turn; rows written before turns existed have none.
    _stored("turn_length", Integer, "0"),
    _optional("turn_ends_at", Float),
    _optional("warn_at", Float),
    # Q4: told (or created) first in line for the pending request.
    _stored("next_told", Boolean, false()),
    # R1: the person's figures for session number `tally`.
    _stored("tally", Integer, "0"),
    _stored("stage_seconds", Float, "0"),
    _optional("on_stage_from", Float),
    _stored("joins", Integer, "0"),
    _stored("requests_made", Integer, "0"),
    _stored("times_declined", Integer, "0"),
    _stored("waited_seconds", Float, "0"),
    _optional("asked_at", Float),
    Index("ix_people_room_written", "room_id", "written_at"),
    # SQLite: the (room, user) key is the table itself, so a save writes one b-tree page fewer.
    sqlite_with_rowid=False,
)

# One logged event: the audit history and the outbox.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, ForeignKey("rooms.id"), nullable=False),
    _required("at", Float),
    _optional("actor", String),
    _required("name", String),
    Column("payload", Text, nullable=False),
    Index("ix_events_room", "room_id", "id"),
)

# A consumer's floor: every event up to it counts as delivered in rooms it has no delivery row for.
# Before deliveries were tracked per room this was the consumer's one cursor; it no longer moves.
cursors = Table(
    "consumer_cursors",
    metadata,
    Column("consumer", String, primary_key=True),
    _required("last_event_id", Integer, default=0),
)

# One consumer's delivery of one room: how far it got, and which process holds the room for now.
deliveries = Table(
    "deliveries",
    metadata,
    Column("consumer", String, primary_key=True),
    Column("room_id", Integer, ForeignKey("rooms.id"), primary_key=True),
    # Every event of the room up to this id is delivered (ids of one room commit in order: the room lock).
    _required("delivered_id", Integer),
    # The process delivering the room, until `lease_until` (epoch seconds); None: nobody.
    _optional("owner", String),
    _optional("lease_until", Float),
)

# A process delivering one consumer's rooms, and until when it counts as running (its heartbeat).
deliverers = Table(
    "deliverers",
    metadata,
    Column("consumer", String, primary_key=True),
    Column("owner", String, primary_key=True),
    _required("alive_until", Float),
)

# One channel's adapter plumbing (a platform's own facts, e.g. a roster message id), as a JSON object.
adapter_state = Table(
    "adapter_state",
    metadata,
    # Increasing ids keep the order in which an adapter first wrote its channels.
    Column("id", Integer, primary_key=True),
    _required("platform", String),
    _required("workspace", String),
    _required("channel", String),
    Column("data", Text, nullable=False),
    _required("updated_at", Float),
    UniqueConstraint("platform", "workspace", "channel", name="uq_adapter_state_key"),
)
