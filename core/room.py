"""The room aggregate: a channel's settings, its live session and everyone in it."""

from __future__ import annotations

from collections.abc import Callable

from core.commands import Actor
from core.eviction import EvictionQueue, Seat
from core.indexes import by_hand, by_seq, hand_up, invited, on_stage, placed, requested
from core.limits import CAMERAS, CAPACITY, COOLDOWN, EXPIRY, ORDERS, TURN
from core.modes import FALLBACK_MODE, Mode
from core.state import Person, Position, RoomKey, Session, Settings, warning_offset, whole_seconds
from core.timers import EXPIRY as EXPIRY_TIMER
from core.timers import TURN_END, WARNING, Timer, Timers

__all__ = ["Person", "Position", "Room", "RoomKey", "Session", "Settings", "warning_offset", "whole_seconds"]


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
        # T4: invitation expiries, turn warnings and turn ends, by due time; stale entries are skipped.
        self.timers = Timers()
        # The moment the rules are applying: a command's time, or a timer's own due time (T4).
        self.now = 0.0
        # What changed since the last save; persistence writes only these.
        self.dirty_people: set[str] = set()
        self.dirty_room = False
        self.dirty_workspace = False
        self._line_basis = self._line_order()
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
        self.reorder_requests()
        by_hand = sorted((p for p in self.people.values() if p.hand is not None), key=lambda p: p.hand or 0)
        self.hands = {p.user: None for p in by_hand}
        self.evictions.rebuild(self._current_seats())
        self._rebuild_timers()

    def apply_people(self, people: list[Person]) -> None:
        """Put newer versions of a few people in, updating the indexes for them alone (a stale cached room).

        Leaves every index as `load_people` would rebuild it, at O(k log n) for k people when they
        move to the end of their index (as a fresh seq does) and a merge of that one index otherwise.
        """
        indexes: tuple[tuple[str, Callable[[Person], bool], Callable[[Person], tuple[int, int]]], ...] = (
            ("stage", on_stage, by_seq),
            ("requests", requested, self._line_key),
            ("invitations", invited, by_seq),
            ("hands", hand_up, by_hand),
        )
        people = list({person.user: person for person in people}.values())  # the newest of each, once
        olds = [self.people.get(person.user) for person in people]
        for person in people:
            self.people[person.user] = person
        reorder_line = self._line_basis != self._line_order()
        for name, belongs, key in indexes:
            index: dict[str, None] = getattr(self, name)
            arriving: list[Person] = []
            for old, new in zip(olds, people, strict=True):
                stays = old is not None and belongs(old) and belongs(new) and key(old) == key(new)
                if not stays or (name == "requests" and reorder_line):
                    index.pop(new.user, None)
                    if belongs(new):
                        arriving.append(new)
            setattr(self, name, placed(index, arriving, key, self.people))
        if reorder_line:
            self.reorder_requests()  # Q5: the line's order or its session changed under it
        pending: list[tuple[float, int, str, str]] = []
        for old, new in zip(olds, people, strict=True):
            seat = new.seat()
            if seat is not None and (old is None or old.seat() != seat):
                self.evictions.touch(seat)  # the seat it replaces, if any, is now stale (C3)
            known = old.timers() if old is not None else []
            pending += [timer for timer in new.timers() if timer not in known]
        self.timers.add(pending)  # T4: the timers they replace are now stale, and skipped when met
        self.evictions.sweep_if_bloated(self._current_seats, len(self.stage))
        self._sweep_timers()

    def _line_order(self) -> tuple[bool, int]:
        """Q5: what the request line's order depends on beyond its people."""
        return (True, self.session.number) if self.fair_order else (False, 0)

    def _line_key(self, person: Person) -> tuple[int, int]:
        """Q5: a pending request's place: by whole seconds on stage then asking time (fair), or asking time."""
        if not self.fair_order:
            return 0, person.seq
        return whole_seconds(self.stage_seconds(person, self.now)), person.seq

    def _rebuild_timers(self) -> None:
        people = self.people
        self.timers.rebuild(t for users in (self.invitations, self.stage) for u in users for t in people[u].timers())

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
    def turn(self) -> int:
        return self._setting("turn", TURN.default)

    @property
    def advance(self) -> bool:
        """T3: auto-advance, off unless the channel or the workspace switched it on."""
        for level in (self.channel, self.workspace):
            if level.advance is not None:
                return level.advance
        return False

    @property
    def order(self) -> str:
        """Q5: the request order in force."""
        return self.channel.order or self.workspace.order or ORDERS[0]

    @property
    def fair_order(self) -> bool:
        return self.order == "fair"

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

    def tally(self, person: Person) -> Person:
        """R1: count this person in the current session, starting their figures afresh if they are older."""
        if person.tally != self.session.number:
            person.tally = self.session.number
            person.stage_seconds = person.waited_seconds = 0.0
            person.joins = person.requests_made = person.times_declined = 0
            self.touch(person)
        return person

    def stage_seconds(self, person: Person, now: float) -> float:
        """R1: seconds on stage this session, a running stint counted up to `now`."""
        if person.tally != self.session.number or self.session.number == 0:
            return 0.0
        running = now - person.on_stage_from if person.on_stage_from is not None else 0.0
        return person.stage_seconds + running

    def sort_requests(self) -> None:
        """Q5: put the pending line in fair order: least whole seconds on stage first, ties by asking time."""
        self.reorder_requests()  # the order in force is fair whenever this is called

    def reorder_requests(self) -> None:
        """Q5: put the pending line in the order in force (after the settings changed under it)."""
        people, key = self.people, self._line_key
        self.requests = dict.fromkeys(sorted(self.requests, key=lambda u: key(people[u])))
        self._line_basis = self._line_order()

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
        if person.on_stage_from is not None:  # R1: a stint on stage ends
            person.stage_seconds += self.now - person.on_stage_from
            person.on_stage_from = None
        person.asked_at = None  # R1: an answer counted its wait before moving
        person.turn_length, person.turn_ends_at, person.warn_at = 0, None, None
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
                if self.fair_order:
                    self.sort_requests()
            else:
                self.invitations[person.user] = None
        self.touch(person)

    def set_expiry(self, person: Person, at: float) -> None:
        """J8: a pending invitation lapses at `at`."""
        person.expires_at = at
        self.timers.set(at, EXPIRY_TIMER, person.user)
        self.touch(person)
        self._sweep_timers()

    def start_turn(self, person: Person, length: int, now: float) -> None:
        """T1: a turn of `length` seconds starts now (0: no limit)."""
        if length <= 0:
            return
        person.turn_length, person.turn_ends_at = length, now + length
        self.timers.set(person.turn_ends_at, TURN_END, person.user)
        self._arm_warning(person, now)

    def extend_turn(self, person: Person, seconds: int, now: float) -> None:
        """T2: the turn runs `seconds` longer; its warning follows the new length if still ahead."""
        assert person.turn_ends_at is not None
        person.turn_length += seconds
        person.turn_ends_at += seconds
        self.timers.set(person.turn_ends_at, TURN_END, person.user)
        self._arm_warning(person, now)

    def _arm_warning(self, person: Person, now: float) -> None:
        assert person.turn_ends_at is not None
        offset = warning_offset(person.turn_length)
        at = person.turn_ends_at - offset
        person.warn_at = at if offset > 0 and at > now else None
        if person.warn_at is not None:
            self.timers.set(at, WARNING, person.user)
        self.touch(person)
        self._sweep_timers()

    def _sweep_timers(self) -> None:
        if len(self.timers) > 4 * (len(self.invitations) + 2 * len(self.stage)) + 64:
            self._rebuild_timers()

    def due_timer(self, now: float) -> Timer | None:
        """T4: the next timer due by `now`, soonest first (ties as set), without scanning the rest."""
        return self.timers.pop_due(now, self._is_current)

    def next_due(self) -> float | None:
        """T4: when the room's next timer falls due (None: none pending), for the platforms' due-time index."""
        return self.timers.next_current(self._is_current)

    def pending_timers(self) -> list[tuple[float, str, str]]:
        """T4: every timer still to fire, as (due, kind, user), in the order they will fire."""
        return self.timers.pending(self._is_current)

    def _is_current(self, timer: Timer) -> bool:
        person = self.people.get(timer.user)
        if person is None:
            return False
        if timer.kind == EXPIRY_TIMER:
            return person.position is Position.INVITED and person.expires_at == timer.due
        if person.position is not Position.ON_STAGE:
            return False
        return (person.warn_at if timer.kind == WARNING else person.turn_ends_at) == timer.due

    def seat_on_stage(self, person: Person, now: float, moderator: bool) -> None:
        self.set_position(person, Position.ON_STAGE)
        person.last_active = now
        person.seat_moderator = moderator
        self.tally(person).joins += 1  # R1
        person.on_stage_from = now
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
