"""Starting and ending sessions and switching modes (J12, L3, M3-M5)."""

from __future__ import annotations

from core import commands as c
from core import errors as e
from core import events as ev
from core.modes import Mode
from core.room import Position, Room
from core.rules.checks import Events, mode_from, require_live, require_moderator


def start(room: Room, cmd: c.StartSession, now: float) -> Events:
    require_moderator(room, cmd, "start a session")
    if room.session.live:
        raise e.SessionActive()
    mode = mode_from(cmd.mode) if cmd.mode else room.default_mode
    room.session.live, room.session.mode = True, mode
    room.session.started_by, room.session.started_at = cmd.actor.user, now
    room.session.number += 1  # R1: everyone's figures start afresh, as each person is next counted
    room.dirty_room = True
    return [ev.SessionStarted(mode.value, cmd.actor.user)]


def end(room: Room, cmd: c.EndSession, now: float) -> Events:
    """L3: everyone back to the audience, everything pending closed, history kept."""
    require_moderator(room, cmd, "end the session")
    require_live(room)
    by = cmd.actor.user
    events: Events = []
    for user in list(room.stage):
        room.set_position(room.people[user], Position.AUDIENCE)
        events.append(ev.StageLeft(user, "session_ended", by))
    for user in list(room.requests):
        room.set_position(room.people[user], Position.AUDIENCE)
        events.append(ev.RequestCancelled(user, "session_ended"))
    for user in list(room.invitations):
        room.set_position(room.people[user], Position.AUDIENCE)
        events.append(ev.InvitationCancelled(user, "session_ended"))
    for user in list(room.hands):
        room.lower_hand(room.people[user])
        events.append(ev.HandLowered(user, by))
    for person in room.people.values():
        if person.declined_at is not None or person.answered_by is not None:
            person.declined_at = person.answered_by = person.answer = None
            room.touch(person)
    room.session.live = False
    room.dirty_room = True
    return events + [ev.SessionEnded(by)]


def change_mode(room: Room, cmd: c.ChangeMode, now: float) -> Events:
    """M3-M5: the stage and invitations stay; pending requests close without loss."""
    require_moderator(room, cmd, "change the mode")
    require_live(room)
    mode = mode_from(cmd.mode)
    if mode is room.session.mode:
        raise e.NoChange(f"the stage is already in {mode.label} mode")
    by = cmd.actor.user
    events: Events = []
    if room.session.mode is Mode.REQUEST:
        pending = list(room.requests)
        for user in pending:
            room.set_position(room.people[user], Position.AUDIENCE)
            events.append(ev.RequestCancelled(user, "mode_changed"))
        if mode is Mode.INVITE:
            for user in pending:
                person = room.people[user]
                if person.hand is None:  # J10: a hand already up keeps its place
                    room.raise_hand(person)
                    events.append(ev.HandRaised(user, by))
    room.session.mode = mode
    room.dirty_room = True
    return events + [ev.ModeChanged(mode.value, by)]
