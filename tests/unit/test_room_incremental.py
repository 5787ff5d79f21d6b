"""A cached room brought up to date a few people at a time matches one rebuilt from everyone.

A process whose copy of a room is stale reads only the people written since and applies them with
`Room.apply_people`, which updates the stage, the request line, the invitations, the hands, the
eviction heap and the timers heap for those people alone. Every check here compares that room with
`Room(...)` built from the same people (what a first load does): the indexes in order, who C3/C5
would move off, every request's place (Q5 included), the cameras (C2), the status answer and the
timers (T4; ties at one instant may differ, as their order of setting is not stored).
"""

from __future__ import annotations

import copy
import math
import random
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import commands as c
from core import rules
from core.room import Person, Position, Room, Session, Settings
from core.rules.status import status
from tests.unit.stage import KEY
from tests.unit.test_properties import ADMIN, COMMANDS, MODERATOR, USERS, actor


def _settings(level: Settings) -> Settings:
    return replace(level, moderators=list(level.moderators), admins=list(level.admins))


def rebuilt(room: Room) -> Room:
    """Return the room a first load builds from the same records."""
    people = [copy.copy(person) for person in room.people.values()]
    session = copy.copy(room.session)
    return Room(room.key, _settings(room.channel), _settings(room.workspace), session, people, room.next_seq)


def observed(room: Room) -> dict[str, Any]:
    """Return everything the indexes decide, as the rules and the status answer see it."""
    room = copy.deepcopy(room)  # popping a due timer changes the heap
    pending = room.pending_timers()
    first = room.due_timer(math.inf)
    return {
        "stage": list(room.stage),
        "requests": list(room.requests),
        "positions": {user: room.request_position(user) for user in room.people},
        "invitations": list(room.invitations),
        "hands": list(room.hands),
        "on_camera": room.on_camera(),
        "evictee": room.choose_evictee(),
        "status": status(room, c.Status(actor(MODERATOR)), room.now)[0].as_dict(),
        "timers": sorted(pending),
        # T4: the next timer's due time, and who is due then (their order at one instant may differ).
        "next_due": None if first is None else first.due,
        "due_then": sorted(t for t in pending if first is not None and t[0] == first.due),
    }


def assert_matches_a_rebuild(room: Room) -> None:
    full = rebuilt(room)
    assert observed(room) == observed(full)
    assert {u: vars(p) for u, p in room.people.items()} == {u: vars(p) for u, p in full.people.items()}


class Database:
    """What the store keeps: the room's row and each person with the version that last wrote them."""

    def __init__(self, room: Room) -> None:
        self.version = 0
        self.row: tuple[Session, int, Settings, Settings] = (Session(), 1, Settings(), Settings())
        self.people: dict[str, tuple[int, Person]] = {}
        self.save(room)

    def save(self, room: Room) -> int:
        """Write what the room says changed, as a commit does; return the new version."""
        self.version += 1
        self.row = (copy.copy(room.session), room.next_seq, _settings(room.channel), _settings(room.workspace))
        for user in room.dirty_people:
            self.people[user] = (self.version, copy.copy(room.people[user]))
        room.clean()
        return self.version


class Process:
    """One process's cache of the room, refreshed the way adapters/persistence/sql.py refreshes it."""

    def __init__(self) -> None:
        self.room: Room | None = None
        self.seen = 0

    def load(self, db: Database) -> Room:
        session, next_seq, channel, workspace = db.row
        if self.room is None:
            people = [copy.copy(person) for _, person in db.people.values()]
            self.room = Room(KEY, _settings(channel), _settings(workspace), copy.copy(session), people, next_seq)
        elif self.seen != db.version:
            room = self.room
            room.session, room.next_seq = copy.copy(session), next_seq
            room.channel, room.workspace = _settings(channel), _settings(workspace)
            room.apply_people([copy.copy(person) for written, person in db.people.values() if written > self.seen])
        return self.room

    def run(self, db: Database, command: c.Command, now: float) -> None:
        room = self.load(db)
        stored = {user: vars(person) for user, (_, person) in db.people.items()}
        assert {user: vars(room.people[user]) for user in stored} == stored, "the cache holds what is stored"
        assert_matches_a_rebuild(room)
        rules.handle(room, command, now)
        self.seen = db.save(room)


STEPS = st.lists(
    st.tuples(st.sampled_from([0, 0, 1, 4, 30, 700]), st.sampled_from([0, 1, 1, 0, 1]), COMMANDS),
    min_size=20,
    max_size=60,
)


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.sampled_from(["asked", "fair"]),
    capacity=st.sampled_from(["2", "3"]),
    turn=st.sampled_from(["45", "0"]),
    steps=STEPS,
)
def test_C3_C4_C5_J2_Q5_T4_two_processes_alternating_see_what_a_full_reload_would(
    order: str, capacity: str, turn: str, steps: list[Any]
) -> None:
    setup = Room(KEY)
    for user in USERS:
        rules.handle(setup, c.Arrive(c.Actor(user)), 0.0)
    for command in (c.SetCapacity(actor(ADMIN), capacity), c.SetTurn(actor(ADMIN), turn)):
        rules.handle(setup, command, 0.0)
    rules.handle(setup, c.SetOrder(actor(ADMIN), order), 0.0)
    rules.handle(setup, c.StartSession(actor(MODERATOR), "request"), 0.0)
    db = Database(setup)
    processes = (Process(), Process())
    now = 0.0
    for advance, which, (user, kind, args, kwargs) in steps:
        now += advance
        processes[which].run(db, kind(actor(user), *args, **kwargs), now)
    for process in processes:
        assert_matches_a_rebuild(process.load(db))


def random_person(rng: random.Random, user: str, seqs: list[int], hands: list[int], session: int) -> Person:
    """Return a record in any state the rules can leave one in, its seq and hand taken from unique pools."""
    position = rng.choice(list(Position))
    person = Person(user=user, position=position, seq=seqs.pop())
    person.tally = rng.choice([session, session - 1])
    person.stage_seconds = rng.choice([0.0, 0.4, 0.6, 1.0, 7.5, 30.0])
    if position is not Position.ON_STAGE and rng.random() < 0.4:
        person.hand = hands.pop()
    if position is Position.INVITED:
        person.expires_at = rng.choice([None, 50.0, 60.0, 75.0])
    if position is Position.ON_STAGE:
        person.mic_live = rng.random() < 0.3
        person.last_active = rng.choice([0.0, 5.0, 10.0, 12.5])
        person.seat_moderator = rng.random() < 0.2
        person.turn_ends_at = rng.choice([None, 60.0, 90.0])
        person.warn_at = None if person.turn_ends_at is None else rng.choice([None, person.turn_ends_at - 30])
    return person


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), batches=st.integers(1, 8), crowd=st.integers(0, 40))
def test_C3_C5_Q5_T4_any_changes_applied_a_few_people_at_a_time_match_a_full_rebuild(
    seed: int, batches: int, crowd: int
) -> None:
    rng = random.Random(seed)
    seqs, hands = rng.sample(range(1, 100_000), 5_000), rng.sample(range(1, 100_000), 5_000)
    users = [f"p{n}" for n in range(crowd + 1)]
    session = Session(live=True, number=3)
    channel = Settings(cameras=rng.choice([None, 0, 2]), order=rng.choice(["asked", "fair"]))
    people = [random_person(rng, user, seqs, hands, session.number) for user in users]
    room = Room(KEY, channel, Settings(), session, people, next_seq=100_000)
    for _ in range(batches):
        if rng.random() < 0.2:  # another process changed the order in force, or started a new session
            room.channel = replace(room.channel, order=rng.choice(["asked", "fair"]))
        if rng.random() < 0.1:
            room.session = replace(room.session, number=room.session.number + 1)
        newcomers = [f"n{rng.randrange(1_000)}" for _ in range(rng.randrange(3))]
        changed = rng.sample(users, rng.randrange(min(len(users), 6) + 1)) + newcomers
        room.apply_people([random_person(rng, user, seqs, hands, room.session.number) for user in changed])
        users = list(room.people)
        assert_matches_a_rebuild(room)


def test_Q5_a_request_made_elsewhere_takes_its_fair_place_ahead_of_those_with_more_stage_time() -> None:
    veteran = Person("vet", position=Position.REQUESTED, seq=5, tally=1, stage_seconds=120.0)
    other = Person("other", position=Position.REQUESTED, seq=6, tally=1, stage_seconds=40.0)
    room = Room(KEY, Settings(order="fair"), Settings(), Session(live=True, number=1), [veteran, other], 10)
    room.apply_people([Person("new", position=Position.REQUESTED, seq=11, tally=1)])
    assert list(room.requests) == ["new", "other", "vet"]
    assert room.request_position("new") == 1 and room.request_position("vet") == 3


def test_C3_C4_speaking_seen_from_another_process_spares_the_speaker_from_eviction() -> None:
    first = Person("first", position=Position.ON_STAGE, seq=1, last_active=10.0)
    second = Person("second", position=Position.ON_STAGE, seq=2, last_active=20.0)
    room = Room(KEY, Settings(), Settings(), Session(live=True, number=1), [first, second], 3)
    assert room.choose_evictee() == "first"
    room.apply_people([replace(first, last_active=30.0)])
    assert room.choose_evictee() == "second"
    room.apply_people([replace(second, mic_live=True)])  # C5: a live mic outlasts any muted speaker
    assert room.choose_evictee() == "first"


def test_T4_timers_follow_what_another_process_changed_and_stale_ones_never_fire() -> None:
    invited = Person("guest", position=Position.INVITED, seq=1, expires_at=60.0)
    speaker = Person("talker", position=Position.ON_STAGE, seq=2, turn_ends_at=90.0, warn_at=60.0)
    room = Room(KEY, Settings(), Settings(), Session(live=True, number=1), [invited, speaker], 3)
    # Elsewhere the invitation was accepted and the turn extended by 40 seconds.
    room.apply_people([replace(invited, position=Position.ON_STAGE, seq=3, expires_at=None)])
    room.apply_people([replace(speaker, turn_ends_at=130.0, warn_at=100.0, turn_length=130)])
    fired = []
    while (timer := room.due_timer(1_000.0)) is not None:
        fired.append((timer.due, timer.kind, timer.user))
    assert fired == [(100.0, "warning", "talker"), (130.0, "turn_end", "talker")]
