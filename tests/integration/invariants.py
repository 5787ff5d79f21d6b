"""What must hold in the stored state however many processes wrote it: C1, J9, C3 and the log's replay.

`check_rooms` reads each room afresh (a new store, as a process that never saw it would) and its
event log, replays the log and compares. The replay is a fold of the logged events over who is
where: every event must find its person where the rule that emits it leaves them (a join from the
audience or an invitation, an approval of a pending request …), so a person in two places at once
(J9), a lost or doubled request, or a logged change the stored rows do not show all fail it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.persistence.sql import SqlStore
from core import events as ev
from core.limits import CAPACITY
from core.room import Room, RoomKey
from core.service import LoggedEvent

AUDIENCE, REQUESTED, INVITED, ON_STAGE = "audience", "requested", "invited", "on_stage"


class Broken(AssertionError):
    """An invariant does not hold; the message says which rule, where and how."""


@dataclass
class Replayed:
    """A room as its event log tells it."""

    live: bool = False
    mode: str | None = None
    capacity: int = CAPACITY.default
    where: dict[str, str] = field(default_factory=dict)
    stage: dict[str, None] = field(default_factory=dict)  # in joining order
    requests: dict[str, None] = field(default_factory=dict)  # in asking order (the "asked" order, Q5)
    invitations: dict[str, None] = field(default_factory=dict)
    hands: dict[str, None] = field(default_factory=dict)  # in raising order
    evicted_moderators: list[str] = field(default_factory=list)


_INDEX = {ON_STAGE: "stage", REQUESTED: "requests", INVITED: "invitations"}


def _move(state: Replayed, logged: LoggedEvent, user: str, sources: tuple[str, ...], to: str) -> None:
    now = state.where.get(user, AUDIENCE)
    if now not in sources:
        raise Broken(
            f"J9 {logged.room}: event {logged.id} {logged.event.name} finds {user} {now}, not {' or '.join(sources)}"
        )
    if now in _INDEX:
        getattr(state, _INDEX[now]).pop(user)
    state.where[user] = to
    if to in _INDEX:
        getattr(state, _INDEX[to])[user] = None


def _hand(state: Replayed, logged: LoggedEvent, user: str, up: bool) -> None:
    if (user in state.hands) == up:
        raise Broken(f"J10 {logged.room}: event {logged.id} {logged.event.name}: {user}'s hand is already so")
    if up:
        state.hands[user] = None
    else:
        state.hands.pop(user)


def replay(history: list[LoggedEvent], moderators: set[str]) -> Replayed:
    """Fold a room's logged events, oldest first, checking each against where its person stands."""
    state = Replayed()
    for logged in history:
        event = logged.event
        if isinstance(event, ev.SessionStarted):
            state.live, state.mode = True, event.mode
        elif isinstance(event, ev.SessionEnded):
            if state.stage or state.requests or state.invitations or state.hands:
                raise Broken(f"L3 {logged.room}: event {logged.id} ends a session that left people in place")
            state.live = False
        elif isinstance(event, ev.ModeChanged):
            state.mode = event.mode
        elif isinstance(event, ev.SettingsChanged):
            if event.setting == "capacity":
                state.capacity = int(event.value)
        elif isinstance(event, ev.StageJoined):
            if event.evicted is not None and state.where.get(event.evicted) == ON_STAGE:
                raise Broken(f"C3 {logged.room}: event {logged.id}: {event.evicted} evicted but still on stage")
            _move(state, logged, event.user, (AUDIENCE, INVITED), ON_STAGE)
            state.hands.pop(event.user, None)  # J10: joining lowers the hand, with no event
            if len(state.stage) > state.capacity:
                raise Broken(f"C1 {logged.room}: event {logged.id}: {len(state.stage)} on a stage of {state.capacity}")
        elif isinstance(event, ev.StageLeft):
            if event.reason == "evicted" and event.user in moderators:
                state.evicted_moderators.append(event.user)
            _move(state, logged, event.user, (ON_STAGE,), AUDIENCE)
        elif isinstance(event, ev.RequestCreated):
            _move(state, logged, event.user, (AUDIENCE,), REQUESTED)
            if event.position != len(state.requests):
                raise Broken(f"J6 {logged.room}: event {logged.id}: {event.user} told place {event.position}")
        elif isinstance(event, ev.RequestCancelled | ev.RequestDeclined):
            _move(state, logged, event.user, (REQUESTED,), AUDIENCE)
        elif isinstance(event, ev.RequestApproved):
            _move(state, logged, event.user, (REQUESTED,), INVITED)
        elif isinstance(event, ev.InvitationSent):
            _move(state, logged, event.user, (AUDIENCE, REQUESTED), INVITED)
        elif isinstance(event, ev.InvitationDeclined | ev.InvitationExpired | ev.InvitationCancelled):
            _move(state, logged, event.user, (INVITED,), AUDIENCE)
        elif isinstance(event, ev.HandRaised | ev.HandLowered):
            if isinstance(event, ev.HandRaised) and state.where.get(event.user) == ON_STAGE:
                raise Broken(f"J10 {logged.room}: event {logged.id}: a hand raised on stage")
            _hand(state, logged, event.user, isinstance(event, ev.HandRaised))
        elif isinstance(event, ev.RequestNext):
            if next(iter(state.requests), None) != event.user:
                raise Broken(f"Q4 {logged.room}: event {logged.id}: {event.user} told first but is not")
        elif isinstance(event, ev.TurnWarning | ev.TurnExtended) and state.where.get(event.user) != ON_STAGE:
            raise Broken(f"T1 {logged.room}: event {logged.id} {event.name} for {event.user}, not on stage")
    return state


def compare(key: RoomKey, room: Room, state: Replayed) -> None:
    """Say (raise) where the stored room and the replayed log differ."""
    stored = {
        "live": room.session.live,
        "mode": room.session.mode.value if room.session.live else None,
        "capacity": room.capacity,
        "stage": list(room.stage),
        "requests": list(room.requests),
        "invitations": list(room.invitations),
        "hands": list(room.hands),
    }
    replayed = {
        "live": state.live,
        "mode": state.mode if state.live else None,
        "capacity": state.capacity,
        "stage": list(state.stage),
        "requests": list(state.requests),
        "invitations": list(state.invitations),
        "hands": list(state.hands),
    }
    for name, value in stored.items():
        if value != replayed[name]:
            raise Broken(f"replay {key}: {name} stored {value!r}, the log says {replayed[name]!r}")


async def check_rooms(url: str, keys: list[RoomKey], moderators: set[str]) -> dict[RoomKey, Replayed]:
    """Check C1, J9, moderators never evicted (C3) and replay == stored for each room; return the replays."""
    store = await SqlStore.open(url, migrate=False)
    found: dict[RoomKey, Replayed] = {}
    try:
        for key in keys:
            async with store.unit_of_work() as uow:
                room = await uow.load(key)
            if len(room.stage) > room.capacity:
                raise Broken(f"C1 {key}: {len(room.stage)} on a stage of {room.capacity}")
            for user, person in room.people.items():
                indexed = [name for name in ("stage", "requests", "invitations") if user in getattr(room, name)]
                expected = [_INDEX[person.position.value]] if person.position.value in _INDEX else []
                if indexed != expected:
                    raise Broken(f"J9 {key}: {user} is {person.position.value} and in {indexed}")
            state = replay(await store.history(key), moderators)
            if state.evicted_moderators:
                raise Broken(f"C3 {key}: moderators evicted: {state.evicted_moderators}")
            compare(key, room, state)
            found[key] = state
    finally:
        await store.close()
    return found
