"""Running the line: next, withdrawing an invitation, lowering every hand, up-next notices (Q1-Q4, T3)."""

from __future__ import annotations

from core import commands as c
from core import errors as e
from core import events as ev
from core.room import Position, Room
from core.rules.checks import Events, require_live, require_moderator, require_target
from core.rules.joining import invite_person


def take_next(room: Room, by: str | None, now: float) -> Events:
    """Q1: serve the head of the line — the first request, else the earliest hand in the audience; [] if nobody."""
    if room.requests:
        person = room.people[next(iter(room.requests))]
        invite_person(room, person, by, now, "approved")
        return [ev.RequestApproved(person.user, by)]
    for user in room.hands:
        person = room.people[user]
        if person.position is Position.AUDIENCE and person.present:
            room.lower_hand(person)
            invite_person(room, person, by, now, "invited")
            return [ev.HandLowered(user, by), ev.InvitationSent(user, by)]
    return []


def advance(room: Room, now: float) -> Events:
    """T3: with auto-advance on, a place freed by a turn's end or a removal goes to the head of the line."""
    if not room.advance or not room.session.live:
        return []
    return take_next(room, None, now)


def next_speaker(room: Room, cmd: c.NextSpeaker, now: float) -> Events:
    """Q1: a moderator serves the head of the line."""
    require_moderator(room, cmd, "call the next speaker")
    require_live(room)
    events = take_next(room, cmd.actor.user, now)
    if not events:
        raise e.NobodyWaiting()
    return events


def uninvite(room: Room, cmd: c.Uninvite, now: float) -> Events:
    """Q2: a moderator withdraws someone's pending invitation."""
    require_moderator(room, cmd, "withdraw invitations")
    require_live(room)
    person = require_target(room, cmd)
    if person.position is not Position.INVITED:
        raise e.NoInvitation(person.user, you=False)
    room.set_position(person, Position.AUDIENCE)
    return [ev.InvitationCancelled(person.user, "withdrawn", cmd.actor.user)]


def hands_down(room: Room, cmd: c.LowerAllHands, now: float) -> Events:
    """Q3: a moderator lowers every raised hand, in raising order."""
    require_moderator(room, cmd, "lower every hand")
    require_live(room)
    if not room.hands:
        raise e.NoChange("no hand is raised")
    events: Events = []
    for user in list(room.hands):
        room.lower_hand(room.people[user])
        events.append(ev.HandLowered(user, cmd.actor.user))
    return events


def head(room: Room) -> str | None:
    """Return who is first in the request line."""
    return next(iter(room.requests), None)


def announce(room: Room, before: str | None) -> Events:
    """Q4: tell a requester who has just moved up to first place, once per request."""
    after = head(room)
    if after is None or after == before:
        return []
    person = room.people[after]
    if person.next_told:
        return []
    person.next_told = True
    room.touch(person)
    return [ev.RequestNext(after)]
