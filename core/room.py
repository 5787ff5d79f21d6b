"""The room aggregate: a channel's settings, its live session and everyone in it."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from enum import StrEnum

from core.commands import Actor
from core.eviction import EvictionQueue, Seat
from core.limits import CAMERAS, CAPACITY, COOLDOWN, EXPIRY
from core.modes import FALLBACK_MODE, Mode


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

    def seat(self) -> Seat | None:
        """Return the eviction key while on stage."""
        if self.position is not Position.ON_STAGE:
            return None
        if self.mic_live:  # C5: active at every moment, so only joining order tells live mics apart
            return Seat(True, 0.0, self.seq, self.user)
        return Seat(False, self.last_active, self.seq, self.user)


@dataclass
class Session:
    live: bool = False
    mode: Mode = FALLBACK_MODE
    started_by: str | None = None
    started_at: float | None = None


class Room:
    """Everything the rules need about one room; mutated only through core.rules."""

    def __init__(
        self,
        key: RoomKey,
        channel: Settings | None = None,
        workspace: Settings | None = None,
        session: Session | None = None,
        people: list[Person] | None = None,
        next_seq: int = 1,
    ) -> None:
        self.key = key
        self.channel = channel or Settings()
        self.workspace = workspace or Settings()
        self.session = session or Session()
        self.next_seq = next_seq
        self.people: dict[str, Person] = {}
        # Ordered indexes, in rule order (dicts keep insertion order).
        self.stage: dict[str, None] = {}
        self.requests: dict[str, None] = {}
        self.invitations: dict[str, None] = {}
        self.hands: dict[str, None] = {}
        self.evictions = EvictionQueue()
        # J8: pending invitations by expiry time, (expires at, seq, user); stale entries are skipped.
        self.expiries: list[tuple[float, int, str]] = []
        # What changed since the last save; persistence writes only these.
        self.dirty_people: set[str] = set()
        self.dirty_room = False
        self.dirty_workspace = False
        self.load_people(people or [])

    # -- loading -----------------------------------------------------------
    def load_people(self, people: list[Person]) -> None:
        """Put (newer versions of) people in and rebuild the ordered indexes."""
        for person in people:
            self.people[person.user] = person
        everyone = sorted(self.people.values(), key=lambda p: p.seq)
        self.stage = {p.user: None for p in everyone if p.position is Position.ON_STAGE}
        self.requests = {p.user: None for p in everyone if p.position is Position.REQUESTED}
        self.invitations = {p.user: None for p in everyone if p.position is Position.INVITED}
        by_hand = sorted((p for p in self.people.values() if p.hand is not None), key=lambda p: p.hand or 0)
        self.hands = {p.user: None for p in by_hand}
        self.evictions.rebuild(self._current_seats())
        self._rebuild_expiries()

    def _rebuild_expiries(self) -> None:
        self.expiries = [
            (p.expires_at, p.seq, p.user) for u in self.invitations if (p := self.people[u]).expires_at is not None
        ]
        heapq.heapify(self.expiries)

    def _current_seats(self) -> list[Seat]:
        return [s for u in self.stage if (s := self.people[u].seat()) is not None]

    def clean(self) -> None:
        """Forget what changed (after a save)."""
        self.dirty_people.clear()
        self.dirty_room = False
        self.dirty_workspace = False

    @property
    def is_dirty(self) -> bool:
        return bool(self.dirty_people) or self.dirty_room or self.dirty_workspace

    # -- settings, resolved --------------------------------------------------
    def _setting(self, name: str, default: int) -> int:
        for level in (self.channel, self.workspace):
            value = getattr(level, name)
            if value is not None:
                return int(value)
        return default

    @property
    def capacity(self) -> int:
        return self._setting("capacity", CAPACITY.default)

    @property
    def cameras(self) -> int:
        return self._setting("cameras", CAMERAS.default)

    @property
    def cooldown(self) -> int:
        return self._setting("cooldown", COOLDOWN.default)

    @property
    def expiry(self) -> int:
        return self._setting("expiry", EXPIRY.default)

    @property
    def default_mode(self) -> Mode:
        """M2: channel default, else workspace default, else request."""
        return self.channel.default_mode or self.workspace.default_mode or FALLBACK_MODE

    @property
    def mode(self) -> Mode:
        """The live mode, or outside a session the mode the next one starts in."""
        return self.session.mode if self.session.live else self.default_mode

    # -- roles ---------------------------------------------------------------
    def is_admin(self, actor: Actor) -> bool:
        return actor.admin or actor.user in self.channel.admins or actor.user in self.workspace.admins

    def is_moderator(self, actor: Actor) -> bool:
        return (
            actor.moderator
            or self.is_admin(actor)
            or actor.user in self.channel.moderators
            or actor.user in self.workspace.moderators
        )

    # -- people ----------------------------------------------------------------
    def person(self, user: str) -> Person:
        """Return the record for a user, creating an absent one if never seen."""
        found = self.people.get(user)
        if found is None:
            found = self.people[user] = Person(user=user, present=False)
        return found

    def is_present(self, user: str) -> bool:
        found = self.people.get(user)
        return found is not None and found.present

    def touch(self, person: Person) -> None:
        self.dirty_people.add(person.user)

    def take_seq(self) -> int:
        self.next_seq += 1
        self.dirty_room = True
        return self.next_seq - 1

    def request_position(self, user: str) -> int:
        """Return a pending request's 1-based place in the queue."""
        for index, queued in enumerate(self.requests, start=1):
            if queued == user:
                return index
        return 0

    def on_camera(self) -> list[str]:
        """C2: the most recent joiners, in joining order."""
        cameras = self.cameras
        if cameras <= 0:
            return []
        return list(self.stage)[-cameras:]

    # -- moves (no checks here: core.rules checks before calling) ---------------
    def set_position(self, person: Person, position: Position) -> None:
        """Move someone to a position, keeping the ordered indexes true (J9)."""
        for index in (self.stage, self.requests, self.invitations):
            index.pop(person.user, None)
        person.position = position
        person.expires_at = None
        person.mic_live = False  # C5: a mic is off when someone joins the stage, and means nothing off it
        if position is Position.AUDIENCE:
            person.note = None
        else:
            person.seq = self.take_seq()
            if position is Position.ON_STAGE:
                self.stage[person.user] = None
            elif position is Position.REQUESTED:
                self.requests[person.user] = None
            else:
                self.invitations[person.user] = None
        self.touch(person)

    def set_expiry(self, person: Person, at: float) -> None:
        """J8: a pending invitation lapses at `at`."""
        person.expires_at = at
        heapq.heappush(self.expiries, (at, person.seq, person.user))
        self.touch(person)
        if len(self.expiries) > 4 * len(self.invitations) + 64:
            self._rebuild_expiries()

    def due_invitations(self, now: float) -> list[Person]:
        """Return the invitations whose time has come, soonest first, without scanning the rest."""
        due: list[Person] = []
        while self.expiries and self.expiries[0][0] <= now:
            at, seq, user = heapq.heappop(self.expiries)
            person = self.people.get(user)
            current = person is not None and person.position is Position.INVITED
            if current and person is not None and (person.expires_at, person.seq) == (at, seq):
                due.append(person)
        return due

    def seat_on_stage(self, person: Person, now: float, moderator: bool) -> None:
        self.set_position(person, Position.ON_STAGE)
        person.last_active = now
        person.seat_moderator = moderator
        self._reindex_seat(person)

    def mark_active(self, person: Person, now: float) -> None:
        """C3, C4: `now` is the person's latest activity on stage."""
        person.last_active = now
        self.touch(person)
        if not person.mic_live:  # a live mic's seat does not depend on last_active (C5)
            self._reindex_seat(person)

    def set_mic(self, person: Person, live: bool, now: float) -> None:
        """C5: a mic on stage went on (active from now on) or off (its last activity is now)."""
        person.mic_live = live
        person.last_active = now
        self.touch(person)
        self._reindex_seat(person)

    def _reindex_seat(self, person: Person) -> None:
        seat = person.seat()
        if seat is not None:
            self.evictions.touch(seat)
            self.evictions.sweep_if_bloated(self._current_seats, len(self.stage))

    def choose_evictee(self) -> str | None:
        """C3, C5: the least recently active non-moderator on stage, muted before live mics."""
        return self.evictions.choose_evictee(
            lambda user: self.people[user].seat() if user in self.people else None,
            lambda user: self.people[user].seat_moderator,
        )

    def raise_hand(self, person: Person) -> None:
        person.hand = self.take_seq()
        self.hands[person.user] = None
        self.touch(person)

    def lower_hand(self, person: Person) -> None:
        person.hand = None
        self.hands.pop(person.user, None)
        self.touch(person)
