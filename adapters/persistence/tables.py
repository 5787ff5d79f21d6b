"""The database tables, as SQLModel classes; the repository maps them to core objects.

Lists (moderators, admins) and event payloads are JSON text, so one column
type serves SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from core.modes import FALLBACK_MODE


class RoomRow(SQLModel, table=True):
    """A channel: its settings, its session, and the version that orders every write to it."""

    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "channel", name="uq_rooms_key"),
        # The timers' due-time index: which rooms have a timer due, without looking at any room.
        Index("ix_rooms_next_due", "platform", "next_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    workspace: str
    channel: str
    # Bumped by every unit of work that loads the room; also the room's write lock.
    version: int = 0
    live: bool = False
    mode: str = FALLBACK_MODE.value
    started_by: str | None = None
    started_at: float | None = None
    next_seq: int = 1
    # R1: counts the room's sessions, so each person's figures name the session they belong to.
    session_number: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # The channel's settings; None means "inherit".
    default_mode: str | None = None
    capacity: int | None = None
    cameras: int | None = None
    cooldown: int | None = None
    expiry: int | None = None
    turn: int | None = None  # T1
    advance: bool | None = None  # T3
    request_order: str | None = None  # Q5: "asked" or "fair"
    moderators: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    admins: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    # The newest event logged for the room: a deliverer finds rooms with something new without reading the log.
    last_event_id: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # T4: when the room's earliest pending timer falls due (None: no timer), so ticks visit only due rooms.
    next_due: float | None = None


class WorkspaceRow(SQLModel, table=True):
    """A workspace's (Slack team's, Discord guild's) settings, inherited by its channels."""

    __tablename__ = "workspaces"

    platform: str = Field(primary_key=True)
    workspace: str = Field(primary_key=True)
    # Bumped on every write, so rooms notice a change without re-reading the row.
    version: int = 1
    default_mode: str | None = None
    capacity: int | None = None
    cameras: int | None = None
    cooldown: int | None = None
    expiry: int | None = None
    turn: int | None = None  # T1
    advance: bool | None = None  # T3
    request_order: str | None = None  # Q5: "asked" or "fair"
    moderators: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    admins: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))


class PersonRow(SQLModel, table=True):
    """One participant's record in a room."""

    __tablename__ = "people"
    # SQLite: the (room, user) key is the table itself, so a save writes one b-tree page fewer.
    __table_args__ = (Index("ix_people_room_written", "room_id", "written_at"), {"sqlite_with_rowid": False})

    room_id: int = Field(primary_key=True, foreign_key="rooms.id")
    user: str = Field(primary_key=True)
    # The room version of the unit of work that last wrote this row (for incremental reloads).
    written_at: int
    present: bool
    position: str
    seq: int
    note: str | None = None
    expires_at: float | None = None
    last_active: float
    # C5: a live mic on stage; rows written before it existed read as off.
    mic_live: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    seat_moderator: bool
    hand: int | None = None
    declined_at: float | None = None
    answered_by: str | None = None
    answer: str | None = None
    # T1, T2: the running turn; rows written before turns existed have none.
    turn_length: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    turn_ends_at: float | None = None
    warn_at: float | None = None
    # Q4: told (or created) first in line for the pending request.
    next_told: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # R1: the person's figures for session number `tally`.
    tally: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    stage_seconds: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    on_stage_from: float | None = None
    joins: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    requests_made: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    times_declined: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    waited_seconds: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    asked_at: float | None = None


class EventRow(SQLModel, table=True):
    """One logged event: the audit history and the outbox."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_room", "room_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="rooms.id")
    at: float
    actor: str | None = None
    name: str
    payload: str = Field(sa_column=Column(Text, nullable=False))


class ConsumerCursorRow(SQLModel, table=True):
    """A consumer's floor: every event up to it counts as delivered in rooms it has no delivery row for.

    Before deliveries were tracked per room this was the consumer's one cursor; it no longer moves.
    """

    __tablename__ = "consumer_cursors"

    consumer: str = Field(primary_key=True)
    last_event_id: int = 0


class DeliveryRow(SQLModel, table=True):
    """One consumer's delivery of one room: how far it got, and which process holds the room for now."""

    __tablename__ = "deliveries"

    consumer: str = Field(primary_key=True)
    room_id: int = Field(primary_key=True, foreign_key="rooms.id")
    # Every event of the room up to this id is delivered (ids of one room commit in order: the room lock).
    delivered_id: int
    # The process delivering the room, until `lease_until` (epoch seconds); None: nobody.
    owner: str | None = None
    lease_until: float | None = None


class DelivererRow(SQLModel, table=True):
    """A process delivering one consumer's rooms, and until when it counts as running (its heartbeat)."""

    __tablename__ = "deliverers"

    consumer: str = Field(primary_key=True)
    owner: str = Field(primary_key=True)
    alive_until: float


class AdapterStateRow(SQLModel, table=True):
    """One channel's adapter plumbing (a platform's own facts, e.g. a roster message id), as a JSON object."""

    __tablename__ = "adapter_state"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel", name="uq_adapter_state_key"),)

    # Increasing ids keep the order in which an adapter first wrote its channels.
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    workspace: str
    channel: str
    data: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: float
