"""Invariants over random command sequences, checked after every step.

Six people with mixed roles (a platform moderator, an admin, four participants)
send random commands while the clock jumps; after each step J9, C1, C3, C5,
M3/M5, A1/A2, "a refused action changes nothing", "a turn never outlives its
limit" (T1, T4), "next never skips the head of the line" (Q1) and "stats sum to
the event log" (R1) must hold.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import commands as c
from core import events as ev
from core import rules
from core.room import Person, Position, Room, Settings, whole_seconds
from tests.unit.stage import KEY, snapshot

MODERATOR, ADMIN = "m1", "a1"
USERS = [MODERATOR, ADMIN, "p1", "p2", "p3", "p4"]
TARGETS = st.sampled_from(["p1", "p2", "p3", "p4", MODERATOR, ADMIN, "ghost", ""])
PEOPLE_TARGETS = st.sampled_from(["p1", "p2", "p3", "p4"])
MODES = st.sampled_from(["open", "request", "invite", "ASK", "bogus"])
CODES = {
    "not_moderator", "not_admin", "mode_forbids", "already_on_stage", "already_requested", "already_invited",
    "no_request", "no_invitation", "not_on_stage", "stage_full", "no_session", "session_active", "unknown_user",
    "not_allowed_target", "cooldown", "no_change", "bad_argument",
}  # fmt: skip
MODERATOR_ONLY = (
    c.StartSession,
    c.EndSession,
    c.ChangeMode,
    c.BringToStage,
    c.DeclineRequest,
    c.Invite,
    c.RemoveFromStage,
    c.NextSpeaker,
    c.Uninvite,
    c.LowerAllHands,
    c.ExtendTurn,
    c.Stats,
)
ADMIN_ONLY = (
    c.SetDefaultMode,
    c.SetCapacity,
    c.SetCameras,
    c.SetCooldown,
    c.SetExpiry,
    c.AddModerator,
    c.RemoveModerator,
    c.SetTurn,
    c.SetAdvance,
    c.SetOrder,
)


MODERATORS = st.sampled_from([MODERATOR, ADMIN])
PARTICIPANTS = st.sampled_from(["p1", "p2", "p3", "p4", MODERATOR])
ANYONE = st.sampled_from(USERS)


def kind(
    weight: int,
    who: st.SearchStrategy[str],
    command: type[c.Command],
    *args: st.SearchStrategy[Any],
    **kwargs: st.SearchStrategy[Any],
) -> list[st.SearchStrategy[Any]]:
    """Draw a command with its arguments and, mostly, a sender who may send it (others test A1/A2)."""
    drawn = st.tuples(who | ANYONE, st.just(command), st.tuples(*args), st.fixed_dictionaries(kwargs))
    return [drawn] * weight


# Hypothesis leans towards the first branches, so the busiest actions come first.
COMMANDS = st.sampled_from(
    [
        *kind(4, st.just(ADMIN), c.SetTurn, st.sampled_from(["45", "90", "5", "1", "0", "-1"])),
        *kind(8, PARTICIPANTS, c.JoinStage),
        *kind(3, MODERATORS, c.NextSpeaker),
        *kind(3, MODERATORS, c.ExtendTurn, PEOPLE_TARGETS, seconds=st.sampled_from(["20", "40", "1"])),
        *kind(3, MODERATORS, c.Uninvite, PEOPLE_TARGETS),
        *kind(5, ANYONE, c.Speak),
        *kind(4, ANYONE, c.MicChanged, st.booleans()),
        *kind(4, MODERATORS, c.Invite, TARGETS),
        *kind(4, PARTICIPANTS, c.AskToJoin, note=st.none() | st.sampled_from(["hi", "x" * 300])),
        *kind(3, MODERATORS, c.BringToStage, TARGETS),
        *kind(3, MODERATORS, c.ChangeMode, MODES),
        *kind(2, PARTICIPANTS, c.RaiseHand),
        *kind(2, st.just(ADMIN), c.SetCapacity, st.sampled_from(["2", "1", "3", "4", "0", "x"])),
        *kind(2, st.just(ADMIN), c.AddModerator, TARGETS),
        *kind(2, st.just(ADMIN), c.RemoveModerator, TARGETS),
        *kind(1, MODERATORS, c.DeclineRequest, TARGETS, reason=st.none() | st.just("later")),
        *kind(1, MODERATORS, c.RemoveFromStage, TARGETS),
        *kind(1, PARTICIPANTS, c.CancelRequest),
        *kind(1, PARTICIPANTS, c.DeclineInvitation),
        *kind(1, ANYONE, c.LowerHand, target=st.none() | TARGETS),
        *kind(1, ANYONE, c.MovedToAudience),
        *kind(1, ANYONE, c.Arrive),
        *kind(1, ANYONE, c.Leave),
        *kind(1, ANYONE, c.Status),
        *kind(1, st.just(ADMIN), c.SetDefaultMode, st.sampled_from(["open", "invite", "event", "webinar", "nope"])),
        *kind(1, st.just(ADMIN), c.SetCameras, st.sampled_from(["0", "1", "2", "25"])),
        *kind(1, st.just(ADMIN), c.SetCooldown, st.sampled_from(["0", "10"])),
        *kind(1, st.just(ADMIN), c.SetExpiry, st.sampled_from(["5", "60", "600"])),
        *kind(1, MODERATORS, c.LowerAllHands),
        *kind(1, MODERATORS, c.Stats),
        *kind(1, st.just(ADMIN), c.SetAdvance, st.sampled_from(["on", "off", "maybe"])),
        *kind(1, st.just(ADMIN), c.SetOrder, st.sampled_from(["asked", "fair", "random"])),
        *kind(1, MODERATORS, c.StartSession, mode=st.none() | MODES),
        *kind(1, MODERATORS, c.EndSession),
    ]
).flatmap(lambda drawn: drawn)
STEPS = st.lists(st.tuples(st.sampled_from([0, 1, 0, 4, 0, 30, 700]), COMMANDS), min_size=25, max_size=60)


def actor(user: str) -> c.Actor:
    """Return the user with the roles the platform grants them (fixed for the run)."""
    return c.Actor(user, moderator=user == MODERATOR, admin=user == ADMIN)


def moderator_now(room: Room, user: str) -> bool:
    return room.is_moderator(actor(user))


def check_positions(room: Room) -> None:
    """J9: each person in exactly one position, the ordered indexes agreeing with it."""
    indexes = {Position.ON_STAGE: room.stage, Position.REQUESTED: room.requests, Position.INVITED: room.invitations}
    for user, person in room.people.items():
        held = [position for position, index in indexes.items() if user in index]
        assert held == ([] if person.position is Position.AUDIENCE else [person.position]), (user, held)
        assert (user in room.hands) == (person.hand is not None)
        if person.position is Position.ON_STAGE:
            assert person.hand is None, "J10: joining lowers the hand"
        if not person.present:
            assert person.position is Position.AUDIENCE and person.hand is None, "L2"
        if person.mic_live:
            assert person.position is Position.ON_STAGE, "C5: a mic only counts, and is only live, on stage"
    for position, index in indexes.items():
        seqs = [room.people[user].seq for user in index]
        if position is Position.REQUESTED and room.fair_order:  # Q5: least whole seconds on stage, then asking
            stage_time = [whole_seconds(room.stage_seconds(room.people[user], room.now)) for user in index]
            seqs = list(zip(stage_time, seqs, strict=True))  # type: ignore[arg-type]
        assert seqs == sorted(seqs), "indexes keep rule order"
    hands = [room.people[user].hand or 0 for user in room.hands]
    assert hands == sorted(hands), "hands in raising order"
    if not room.session.live:
        assert not (room.stage or room.requests or room.invitations or room.hands), "L3"


def levels(room: Room) -> tuple[Settings, Settings]:
    return room.channel, room.workspace


def check_rebuild(room: Room) -> None:
    """What persistence reloads gives the same room, and the same next evictee."""
    channel, workspace = (replace(s, moderators=list(s.moderators), admins=list(s.admins)) for s in levels(room))
    people = [copy.copy(person) for person in room.people.values()]
    reloaded = Room(room.key, channel, workspace, copy.copy(room.session), people, room.next_seq)
    assert snapshot(reloaded) == snapshot(room)
    assert reloaded.choose_evictee() == room.choose_evictee()
    # T4: the stored deadlines rebuild the same timers (ties may differ: their order of setting is not stored).
    assert sorted(reloaded.pending_timers()) == sorted(room.pending_timers())


def expected_evictee(room: Room) -> str | None:
    """C3 and C5 from their definitions, by a plain scan.

    The least recently active non-moderator on stage, earliest joiner on a tie; a live mic is
    active at every moment, so every muted speaker goes first and live mics go in joining order.
    """
    seated: list[Person] = [room.people[user] for user in room.stage]
    movable = [p for p in seated if not (p.seat_moderator or moderator_now(room, p.user))]
    muted = [p for p in movable if not p.mic_live]
    if muted:
        return min(muted, key=lambda p: (p.last_active, p.seq)).user
    return min(movable, key=lambda p: p.seq).user if movable else None


def check_events(events: list[ev.Event], room: Room) -> None:
    """Every event is in the public vocabulary, JSON-ready and told to someone."""
    for event in events:
        data = event.as_dict()
        assert data["event"] in ev.EVENT_TYPES
        json.dumps(data)
        assert event.recipients()
        if isinstance(event, ev.ErrorReply):
            assert event.code in CODES and event.message


def check_turns(room: Room, now: float) -> None:
    """T1, T4: timers ran, so no turn on stage is past its end, and only non-moderators' turns are timed."""
    for user in room.stage:
        person = room.people[user]
        if person.turn_ends_at is not None:
            assert person.turn_ends_at > now, f"T1: {user}'s turn outlived its limit"
            assert person.turn_length > 0
            assert person.warn_at is None or person.warn_at < person.turn_ends_at
        else:
            assert person.warn_at is None


def check_next(before: dict[str, Any], room: Room, events: list[ev.Event]) -> None:
    """Q1: `next` serves the first request, or with none the earliest hand in the audience."""
    served = [e for e in events if isinstance(e, ev.RequestApproved | ev.InvitationSent)]
    assert len(served) == 1
    if before["requests"]:
        assert isinstance(served[0], ev.RequestApproved) and served[0].user == before["requests"][0]
        return
    waiting = [
        u for u in before["hands"] if before["people"][u]["position"] == "audience" and before["people"][u]["present"]
    ]
    assert isinstance(served[0], ev.InvitationSent) and served[0].user == waiting[0]


def check_stats(log: list[ev.Event], reply: ev.StatsReply) -> None:
    """R1: the figures add up to the session's logged events."""
    since = max((i for i, e in enumerate(log) if isinstance(e, ev.SessionStarted)), default=None)
    session = log[since:] if since is not None else []
    counted = (ev.StageJoined, ev.RequestCreated, ev.RequestApproved, ev.InvitationSent, ev.HandRaised)
    people = {e.user for e in session if isinstance(e, counted)}  # type: ignore[union-attr]
    assert {p["user"] for p in reply.people} == people
    for figures in reply.people:
        user = figures["user"]
        assert figures["joins"] == sum(isinstance(e, ev.StageJoined) and e.user == user for e in session)
        assert figures["requests"] == sum(isinstance(e, ev.RequestCreated) and e.user == user for e in session)
        assert figures["declined"] == sum(isinstance(e, ev.RequestDeclined) and e.user == user for e in session)
    seconds = [p["stage_seconds"] for p in reply.people]
    assert seconds == sorted(seconds, reverse=True)


def step(
    room: Room, now: float, drawn: tuple[str, type[c.Command], tuple[Any, ...], dict[str, Any]], log: list[ev.Event]
) -> None:
    """Run one command and check every invariant around it."""
    log += rules.handle(room, c.Tick(c.Actor("")), now)  # let timers run first, so the step alone is compared
    check_turns(room, now)
    user, kind_, args, kwargs = drawn
    command = kind_(actor(user), *args, **kwargs)
    before = snapshot(room)
    was_full = len(room.stage) >= room.capacity
    evictee = expected_evictee(room)
    is_moderator, is_admin = room.is_moderator(command.actor), room.is_admin(command.actor)

    events = rules.handle(room, command, now)
    log += [event for event in events if not event.is_reply]
    after = snapshot(room)
    check_turns(room, now)
    if isinstance(command, c.NextSpeaker) and not isinstance(events[0], ev.ErrorReply):
        check_next(before, room, events)
    for reply in events:
        if isinstance(reply, ev.StatsReply):
            check_stats(log, reply)
    check_events(events, room)
    check_positions(room)
    check_rebuild(room)

    # J8: timers ran first, so no pending invitation is past its time.
    assert all((room.people[user].expires_at or 0) > now for user in room.invitations)
    # C1: never over capacity.
    assert len(room.stage) <= room.capacity
    # A5 / bad input: a refused action changes nothing.
    if any(isinstance(event, ev.ErrorReply) for event in events):
        assert len(events) == 1 and after == before
    # C3: only a join on a full stage evicts, never a moderator, and the one C3 names.
    evicted = [e for e in events if isinstance(e, ev.StageLeft) and e.reason == "evicted"]
    for left in evicted:
        assert not moderator_now(room, left.user), f"C3: moderator {left.user} evicted"
        assert was_full and left.user == evictee
        joined = events[events.index(left) + 1]
        assert isinstance(joined, ev.StageJoined) and joined.evicted == left.user and left.by == joined.user
    for user_on_stage in room.stage:
        if moderator_now(room, user_on_stage):
            assert room.people[user_on_stage].seat_moderator, f"C3: moderator {user_on_stage} unprotected"
    # C5: a mic report tells nobody and touches only its sender; a live mic going off is their latest activity.
    if isinstance(command, c.MicChanged):
        assert events == []
        assert all(after["people"].get(o) == p for o, p in before["people"].items() if o != user)
        person = room.people.get(user)
        was_live = before["people"].get(user, {}).get("mic_live", False)
        if person is not None and was_live and not command.on:
            assert person.last_active == now and not person.mic_live
    # M3/M5: a mode change keeps the stage and the invitations.
    if any(isinstance(event, ev.ModeChanged) for event in events):
        assert after["stage"] == before["stage"] and after["invitations"] == before["invitations"]
    # A1/A2: what a non-moderator (non-admin) sends leaves moderator (admin) state alone.
    if not is_moderator:
        assert after["session"] == before["session"] and after["channel"] == before["channel"]
        target = (getattr(command, "target", None) or user).strip()
        if isinstance(command, MODERATOR_ONLY + ADMIN_ONLY) or target != user:
            assert after == before
        moved = {left.user for left in evicted} | {e.user for e in events if isinstance(e, ev.RequestNext)}  # Q4
        others = set(before["people"]) - {user} - moved
        assert all(after["people"].get(other) == before["people"][other] for other in others), "A1: others untouched"
    if not is_admin:
        assert after["channel"] == before["channel"] and after["workspace"] == before["workspace"]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    start_mode=st.sampled_from(["open", "request", "invite"]),
    capacity=st.sampled_from(["2", "1", "3"]),
    turn=st.sampled_from(["45", "0", "90"]),
    steps=STEPS,
)
def test_J9_C1_C3_C5_M3_M5_A1_A2_Q1_T1_T4_R1_hold_after_every_step(
    start_mode: str, capacity: str, turn: str, steps: list[Any]
) -> None:
    room = Room(KEY)
    now = 0.0
    for user in USERS:
        rules.handle(room, c.Arrive(c.Actor(user)), now)
    rules.handle(room, c.SetCapacity(actor(ADMIN), capacity), now)
    rules.handle(room, c.SetTurn(actor(ADMIN), turn), now)
    log = rules.handle(room, c.StartSession(actor(MODERATOR), start_mode), now)
    for advance, drawn in steps:
        now += advance
        step(room, now, drawn, log)
