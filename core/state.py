"""The records a room is made of: its key, settings, session and people (core.room holds them together)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.eviction import Seat
from core.limits import WARNING_SECONDS
from core.modes import FALLBACK_MODE, Mode
from core.timers import EXPIRY, TURN_END, WARNING


@dataclass(frozen=True)
class RoomKey:
    """Names a room: platform, workspace (Slack team, Discord guild), channel."""

    platform: str
    workspace: str
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.channel}"


class Position(StrEnum):
    """Where a participant is (J9: exactly one at a time)."""

    AUDIENCE = "audience"
    REQUESTED = "requested"
    INVITED = "invited"
    ON_STAGE = "on_stage"


@dataclass
class Settings:
    """Defaults set by admins; None means "inherit" (channel → workspace → built-in)."""

    default_mode: Mode | None = None
    capacity: int | None = None
    cameras: int | None = None
    cooldown: int | None = None
    expiry: int | None = None
    turn: int | None = None  # T1: seconds, 0 for no limit
    advance: bool | None = None  # T3
    order: str | None = None  # Q5: "asked" or "fair"
    moderators: list[str] = field(default_factory=list)
    admins: list[str] = field(default_factory=list)


@dataclass
class Person:
    """One participant's record in a room."""

    user: str
    present: bool = True
    position: Position = Position.AUDIENCE
    seq: int = 0  # order within the position: asking time, invitation time, joining time
    note: str | None = None
    expires_at: float | None = None
    last_active: float = 0.0
    mic_live: bool = False  # C5: only ever true on stage; off on joining and on leaving it
    seat_moderator: bool = False
    hand: int | None = None  # order in which the hand went up
    declined_at: float | None = None
    answered_by: str | None = None
    answer: str | None = None
    # T1, T2: the turn now running on stage (none for moderators or without a turn length).
    turn_length: int = 0  # seconds, extensions included
    turn_ends_at: float | None = None
    warn_at: float | None = None  # None once the warning is given, or when the turn has none
    next_told: bool = False  # Q4: told (or created) first in line for the pending request
    # R1: this person's figures for session number `tally`; stale figures read as zero.
    tally: int = 0
    stage_seconds: float = 0.0  # finished stints only
    on_stage_from: float | None = None  # the running stint's start
    joins: int = 0
    requests_made: int = 0
    times_declined: int = 0
    waited_seconds: float = 0.0  # answered requests only
    asked_at: float | None = None

    def seat(self) -> Seat | None:
        """Return the eviction key while on stage."""
        if self.position is not Position.ON_STAGE:
            return None
        if self.mic_live:  # C5: active at every moment, so only joining order tells live mics apart
            return Seat(True, 0.0, self.seq, self.user)
        return Seat(False, self.last_active, self.seq, self.user)

    def timers(self) -> list[tuple[float, int, str, str]]:
        """Return this person's current timers (T4) as (due, seq, kind, user)."""
        if self.position is Position.INVITED:
            return [] if self.expires_at is None else [(self.expires_at, self.seq, EXPIRY, self.user)]
        if self.position is not Position.ON_STAGE:
            return []
        found = [] if self.warn_at is None else [(self.warn_at, self.seq, WARNING, self.user)]
        if self.turn_ends_at is not None:
            found.append((self.turn_ends_at, self.seq, TURN_END, self.user))
        return found


@dataclass
class Session:
    live: bool = False
    mode: Mode = FALLBACK_MODE
    started_by: str | None = None
    started_at: float | None = None
    number: int = 0  # R1: counts sessions, so figures of an earlier one are told apart


def whole_seconds(seconds: float) -> int:
    """R1: round to the nearest whole second, halves up."""
    return int(seconds + 0.5) if seconds >= 0 else -int(-seconds + 0.5)


def warning_offset(length: int) -> int:
    """T1: how long before the end the warning comes: 30 s, or half a turn under 60 s (0: no warning)."""
    return WARNING_SECONDS if length >= 2 * WARNING_SECONDS else length // 2
