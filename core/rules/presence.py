"""Hands, removals and what the platform reports: arrivals, departures, speech, mics (J10, L1, L2, C4, C5)."""

from __future__ import annotations

from core import commands as c
from core import errors as e
from core import events as ev
from core.room import Person, Position, Room
from core.rules import line
from core.rules.checks import Events, require_live, require_moderator, require_self, require_target


def raise_hand(room: Room, cmd: c.RaiseHand, now: float) -> Events:
    """J10: anyone not on stage, in every mode."""
    require_live(room)
    person = require_self(room, cmd)
    if person.position is Position.ON_STAGE:
        raise e.AlreadyOnStage(person.user, you=True)
    if person.hand is not None:
        raise e.NoChange("your hand is already raised")
    room.tally(person)  # R1: raising a hand makes someone one of the session's people
    room.raise_hand(person)
    return [ev.HandRaised(person.user, person.user)]


def lower_hand(room: Room, cmd: c.LowerHand, now: float) -> Events:
    """J10: your own hand, or anyone's if you moderate."""
    target = (cmd.target or "").strip()
    if target and target != cmd.actor.user:
        require_moderator(room, cmd, "lower someone else's hand")
        require_live(room)
        person = require_target(room, c.Targeted(cmd.actor, target))
        if person.hand is None:
            raise e.NoChange(f"{target}'s hand is not raised")
    else:
        require_live(room)
        person = require_self(room, cmd)
        if person.hand is None:
            raise e.NoChange("your hand is not raised")
    room.lower_hand(person)
    return [ev.HandLowered(person.user, cmd.actor.user)]


def remove(room: Room, cmd: c.RemoveFromStage, now: float) -> Events:
    """L1: only moderators take people off the stage."""
    require_moderator(room, cmd, "remove people from the stage")
    require_live(room)
    person = require_target(room, cmd)
    if person.position is not Position.ON_STAGE:
        raise e.NotOnStage(person.user)
    room.set_position(person, Position.AUDIENCE)
    return [ev.StageLeft(person.user, "removed", cmd.actor.user), *line.advance(room, now)]  # T3


def _close_everything(room: Room, person: Person, stage_reason: str, by: str | None) -> Events:
    events: Events = []
    user = person.user
    if person.position is Position.ON_STAGE:
        events.append(ev.StageLeft(user, stage_reason, by))
    elif person.position is Position.REQUESTED:
        events.append(ev.RequestCancelled(user, "left_room"))
    elif person.position is Position.INVITED:
        events.append(ev.InvitationCancelled(user, "left_room"))
    if person.position is not Position.AUDIENCE:
        room.set_position(person, Position.AUDIENCE)
    return events


def leave(room: Room, cmd: c.Leave, now: float) -> Events:
    """L2: someone left the room; their place, request, invitation and hand go."""
    person = room.people.get(cmd.actor.user)
    if person is None or not person.present:
        return []
    events = _close_everything(room, person, "left_room", None)
    if person.hand is not None:
        room.lower_hand(person)
        events.append(ev.HandLowered(person.user, None))
    person.present = False
    room.touch(person)
    return events


def moved_to_audience(room: Room, cmd: c.MovedToAudience, now: float) -> Events:
    """L2: the platform's own controls took someone off stage; the roster follows."""
    person = room.people.get(cmd.actor.user)
    if person is None or person.position is not Position.ON_STAGE:
        return []
    room.set_position(person, Position.AUDIENCE)
    if cmd.by:  # a moderator's move on the platform is a removal (L1), so it may advance the line (T3)
        return [ev.StageLeft(person.user, "removed", cmd.by), *line.advance(room, now)]
    return [ev.StageLeft(person.user, "left_room", None)]


def arrive(room: Room, cmd: c.Arrive, now: float) -> Events:
    person = room.people.get(cmd.actor.user)
    if person is not None and (person.present or cmd.if_new):
        return []
    person = room.person(cmd.actor.user)
    person.present = True
    room.touch(person)
    return []


def speak(room: Room, cmd: c.Speak, now: float) -> Events:
    """C3, C4: only activity while on stage counts."""
    person = room.people.get(cmd.actor.user)
    if person is not None and person.position is Position.ON_STAGE:
        room.mark_active(person, now)
    return []


def mic_changed(room: Room, cmd: c.MicChanged, now: float) -> Events:
    """C5: a live mic on stage is activity until it goes off; a mic in the audience counts for nothing.

    Nobody is told (there is no event for it): it only changes who a full stage moves. A report
    that repeats the mic's state changes nothing, so an "off" that was already off is no activity.
    """
    person = room.people.get(cmd.actor.user)
    if person is not None and person.position is Position.ON_STAGE and person.mic_live != cmd.on:
        room.set_mic(person, cmd.on, now)
    return []


def tick(room: Room, cmd: c.Tick, now: float) -> Events:
    return []  # the timers already ran in handle() (T4)
