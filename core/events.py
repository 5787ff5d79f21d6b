"""What happened: the public vocabulary of the audit log, the console and exports."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar, get_args

from core.errors import StageError

# Recipients: a person's name, or one of these two groups.
ROOM = "room"
MODERATORS = "moderators"


# A field's metadata key: False keeps it out of the public event (what the console's JSON shows).
PUBLIC = "public"


@cache
def _public_fields(kind: type) -> tuple[str, ...]:
    """Return the names of an event class's fields that its dict carries (worked out once per class)."""
    return tuple(f.name for f in fields(kind) if f.name != "actor" and f.metadata.get(PUBLIC, True))


@dataclass(frozen=True)
class Event:
    """Something that happened in a room; `name` is its public event name."""

    name: ClassVar[str] = ""
    # Who is told: "room", "user" (the event's user and moderators) or "actor".
    told: ClassVar[str] = "user"

    def fields(self) -> dict[str, Any]:
        """Return the event's fields beside `event`."""
        names = _public_fields(type(self))  # type: ignore[arg-type]  # mypy reads the class as unhashable
        return {name: getattr(self, name) for name in names}

    def as_dict(self) -> dict[str, Any]:
        """Return the event as a JSON-ready mapping."""
        return {"event": self.name, **self.fields()}

    def recipients(self) -> list[str]:
        """Return who is told, in the order they are told."""
        this: Any = self  # subclasses carry `actor` or `user`
        if self.told == ROOM:
            return [ROOM]
        if self.told == "actor":
            return [this.actor]
        return [this.user, MODERATORS]

    @property
    def is_reply(self) -> bool:
        """Say whether this only answers the actor (not logged, not a state change)."""
        return False


@dataclass(frozen=True)
class SessionStarted(Event):
    mode: str
    by: str | None
    name: ClassVar[str] = "session.started"
    told: ClassVar[str] = ROOM


@dataclass(frozen=True)
class SessionEnded(Event):
    by: str | None
    name: ClassVar[str] = "session.ended"
    told: ClassVar[str] = ROOM


@dataclass(frozen=True)
class ModeChanged(Event):
    mode: str
    by: str | None
    name: ClassVar[str] = "mode.changed"
    told: ClassVar[str] = ROOM


@dataclass(frozen=True)
class StageJoined(Event):
    user: str
    evicted: str | None = None
    name: ClassVar[str] = "stage.joined"


@dataclass(frozen=True)
class StageLeft(Event):
    user: str
    reason: str  # removed, evicted, left_room, session_ended, turn_ended
    by: str | None
    name: ClassVar[str] = "stage.left"


@dataclass(frozen=True)
class RequestCreated(Event):
    user: str
    position: int
    note: str | None
    name: ClassVar[str] = "request.created"


@dataclass(frozen=True)
class RequestCancelled(Event):
    user: str
    reason: str  # withdrawn, mode_changed, left_room, session_ended
    name: ClassVar[str] = "request.cancelled"


@dataclass(frozen=True)
class RequestApproved(Event):
    user: str
    by: str | None
    name: ClassVar[str] = "request.approved"


@dataclass(frozen=True)
class RequestDeclined(Event):
    user: str
    by: str | None
    reason: str | None
    name: ClassVar[str] = "request.declined"


@dataclass(frozen=True)
class RequestNext(Event):
    """Q4: the requester is now first in line."""

    user: str
    name: ClassVar[str] = "request.next"

    def recipients(self) -> list[str]:
        return [self.user]


@dataclass(frozen=True)
class InvitationSent(Event):
    user: str
    by: str | None
    name: ClassVar[str] = "invitation.sent"


@dataclass(frozen=True)
class InvitationDeclined(Event):
    user: str
    name: ClassVar[str] = "invitation.declined"


@dataclass(frozen=True)
class InvitationExpired(Event):
    user: str
    name: ClassVar[str] = "invitation.expired"


@dataclass(frozen=True)
class InvitationCancelled(Event):
    user: str
    reason: str  # left_room, session_ended, withdrawn
    by: str | None = None
    name: ClassVar[str] = "invitation.cancelled"


@dataclass(frozen=True)
class HandRaised(Event):
    user: str
    by: str | None
    name: ClassVar[str] = "hand.raised"


@dataclass(frozen=True)
class HandLowered(Event):
    user: str
    by: str | None
    name: ClassVar[str] = "hand.lowered"


@dataclass(frozen=True)
class TurnWarning(Event):
    """T1: the turn has `seconds_left` to run."""

    user: str
    seconds_left: int
    name: ClassVar[str] = "turn.warning"


@dataclass(frozen=True)
class TurnExtended(Event):
    """T2: `seconds` were added to the turn."""

    user: str
    seconds: int
    by: str | None
    name: ClassVar[str] = "turn.extended"


@dataclass(frozen=True)
class SettingsChanged(Event):
    setting: str
    value: Any
    by: str
    name: ClassVar[str] = "settings.changed"

    def recipients(self) -> list[str]:
        return [self.by]


@dataclass(frozen=True)
class ErrorReply(Event):
    actor: str
    code: str
    message: str
    # The refusal itself, for words made from its data; never serialised (the log and JSON keep code + message).
    refusal: StageError | None = field(default=None, compare=False, repr=False)
    name: ClassVar[str] = "error"
    told: ClassVar[str] = "actor"

    @classmethod
    def of(cls, actor: str, refusal: StageError) -> ErrorReply:
        """Answer `actor` with a refusal, keeping its data."""
        return cls(actor, refusal.code, refusal.message, refusal)

    def fields(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}

    @property
    def is_reply(self) -> bool:
        return True


@dataclass(frozen=True)
class StatusReply(Event):
    """The answer to `status`: the room as the asker may see it."""

    actor: str
    live: bool
    mode: str
    count: int
    capacity: int
    on_stage: list[str] = field(default_factory=list)
    on_camera: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    invitations: list[str] = field(default_factory=list)
    hands: list[str] = field(default_factory=list)
    # T1: when each timed turn on stage ends (clock seconds), for renderers that show time left.
    turns: dict[str, float] = field(default_factory=dict, metadata={PUBLIC: False})
    name: ClassVar[str] = "status"
    told: ClassVar[str] = "actor"

    @property
    def is_reply(self) -> bool:
        return True


@dataclass(frozen=True)
class StatsReply(Event):
    """R1: the answer to `stats`, one entry per person of the live (or last) session."""

    actor: str
    live: bool
    people: list[dict[str, Any]] = field(default_factory=list)
    name: ClassVar[str] = "stats"
    told: ClassVar[str] = "actor"

    @property
    def is_reply(self) -> bool:
        return True


# Every event type: the presenter matches over this union, so a new type without words fails the type check.
AnyEvent = (
    SessionStarted
    | SessionEnded
    | ModeChanged
    | StageJoined
    | StageLeft
    | RequestCreated
    | RequestCancelled
    | RequestApproved
    | RequestDeclined
    | RequestNext
    | InvitationSent
    | InvitationDeclined
    | InvitationExpired
    | InvitationCancelled
    | HandRaised
    | HandLowered
    | TurnWarning
    | TurnExtended
    | SettingsChanged
    | ErrorReply
    | StatusReply
    | StatsReply
)

EVENT_TYPES: dict[str, type[Event]] = {cls.name: cls for cls in get_args(AnyEvent)}


def event_from_dict(data: dict[str, Any], actor: str | None = None) -> Event:
    """Rebuild an event from its `as_dict` form (as stored in the event log)."""
    cls = EVENT_TYPES[data["event"]]
    kwargs = {k: v for k, v in data.items() if k != "event"}
    if cls.told == "actor":
        kwargs["actor"] = actor
    return cls(**kwargs)
