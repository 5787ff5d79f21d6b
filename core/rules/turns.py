"""Timed turns and every timer: warnings, ends, extensions, invitation expiry (T1, T2, T4, J8)."""

from __future__ import annotations

from core import commands as c
from core import errors as e
from core import events as ev
from core.limits import EXTEND_HIGH, EXTEND_LOW
from core.room import Position, Room, whole_seconds
from core.rules import line
from core.rules.checks import Events, require_live, require_moderator, require_target, whole_number
from core.timers import EXPIRY, WARNING


def run_timers(room: Room, now: float) -> Events:
    """T4: fire every timer due by `now`, once each, in due order, each at its own due time."""
    events: Events = []
    while (timer := room.due_timer(now)) is not None:
        room.now = timer.due
        before = line.head(room)
        person = room.people[timer.user]
        if timer.kind == EXPIRY:  # J8: both sides are told
            room.set_position(person, Position.AUDIENCE)
            events.append(ev.InvitationExpired(person.user))
        elif timer.kind == WARNING:  # T1
            assert person.turn_ends_at is not None
            person.warn_at = None
            room.touch(person)
            events.append(ev.TurnWarning(person.user, whole_seconds(person.turn_ends_at - timer.due)))
        else:  # T1: the turn ran out; T3 may give the place to the head of the line
            room.set_position(person, Position.AUDIENCE)
            events.append(ev.StageLeft(person.user, "turn_ended", None))
            events += line.advance(room, timer.due)
        events += line.announce(room, before)  # Q4
    room.now = now
    return events


def extend(room: Room, cmd: c.ExtendTurn, now: float) -> Events:
    """T2: a moderator adds time to someone's running turn."""
    require_moderator(room, cmd, "extend turns")
    require_live(room)
    person = require_target(room, cmd)
    seconds = whole_number("extend", cmd.seconds, EXTEND_LOW, EXTEND_HIGH)
    if person.position is not Position.ON_STAGE:
        raise e.NotOnStage(person.user)
    if person.turn_ends_at is None:
        raise e.BadArgument(
            f"{person.user}'s turn has no time limit, so there is nothing to extend. "
            "An admin can set a turn length with /stage turn SECONDS."
        )
    room.extend_turn(person, seconds, now)
    return [ev.TurnExtended(person.user, seconds, cmd.actor.user)]
