"""Getting on stage: joining, requests and their answers, invitations and their expiry (J1-J9, C1-C3)."""

from __future__ import annotations

from core import commands as c
from core import errors as e
from core import events as ev
from core.modes import Mode
from core.room import Person, Position, Room
from core.rules.checks import (
    ASK_HINT,
    HAND_HINT,
    Events,
    clean_text,
    require_live,
    require_moderator,
    require_self,
    require_target,
)


def _seat(room: Room, person: Person, now: float, moderator: bool) -> Events:
    """Put someone on stage, moving the least active speaker off if full (C1, C3)."""
    events: Events = []
    evicted = None
    if len(room.stage) >= room.capacity:
        evicted = room.choose_evictee()
        if evicted is None:
            raise e.StageFull(room.capacity)
    if person.position is Position.REQUESTED:  # a moderator's own pending request
        events.append(ev.RequestCancelled(person.user, "withdrawn"))
    if evicted is not None:
        room.set_position(room.people[evicted], Position.AUDIENCE)
        events.append(ev.StageLeft(evicted, "evicted", person.user))
    if person.hand is not None:  # J10: joining lowers the hand
        room.lower_hand(person)
    room.seat_on_stage(person, now, moderator)
    if not moderator:  # T1: moderators have no limit
        room.start_turn(person, room.turn, now)
    return events + [ev.StageJoined(person.user, evicted)]


def join(room: Room, cmd: c.JoinStage, now: float) -> Events:
    """J1, J4, J7, J11: open mode, an invitation, or a moderator joins at once."""
    require_live(room)
    person = require_self(room, cmd)
    if person.position is Position.ON_STAGE:
        raise e.AlreadyOnStage(person.user, you=True)
    moderator = room.is_moderator(cmd.actor)
    mode = room.session.mode
    if not moderator and person.position is not Position.INVITED and mode is not Mode.OPEN:
        if person.position is Position.REQUESTED:
            raise e.AlreadyRequested(person.user, room.request_position(person.user))
        if mode is Mode.REQUEST:
            raise e.ModeForbids(mode.label, "join directly", ASK_HINT)
        raise e.ModeForbids(mode.label, "join without an invitation", HAND_HINT)
    return _seat(room, person, now, moderator)


def ask(room: Room, cmd: c.AskToJoin, now: float) -> Events:
    """J2, J5, J6: a request joins the queue; the requester learns their place."""
    require_live(room)
    person = require_self(room, cmd)
    note = clean_text(cmd.note, "note")
    mode = room.session.mode
    if person.position is Position.ON_STAGE:
        raise e.AlreadyOnStage(person.user, you=True)
    if person.position is Position.REQUESTED:
        raise e.AlreadyRequested(person.user, room.request_position(person.user))
    if person.position is Position.INVITED:
        raise e.AlreadyInvited(person.user, you=True)
    if mode is Mode.INVITE:
        raise e.ModeForbids(mode.label, "ask to join", HAND_HINT)
    if mode is Mode.OPEN:
        raise e.ModeForbids(mode.label, "queue a request", "Nobody needs to ask: join with /stage join.")
    if person.declined_at is not None and room.cooldown > 0:
        left = person.declined_at + room.cooldown - now
        if left > 0:
            raise e.Cooldown(int(left) if left == int(left) else int(left) + 1)
    room.set_position(person, Position.REQUESTED)
    person.note = note
    person.answered_by = person.answer = None
    room.tally(person).requests_made += 1  # R1
    person.asked_at = now
    position = room.request_position(person.user) if room.fair_order else len(room.requests)  # Q5
    person.next_told = position == 1  # Q4: request.created already says they are first
    return [ev.RequestCreated(person.user, position, note)]


def cancel(room: Room, cmd: c.CancelRequest, now: float) -> Events:
    """J3: a requester withdraws before an answer."""
    require_live(room)
    person = require_self(room, cmd)
    if person.position is not Position.REQUESTED:
        raise _no_request(person, you=True)
    room.set_position(person, Position.AUDIENCE)
    return [ev.RequestCancelled(person.user, "withdrawn")]


def _no_request(person: Person, you: bool = False) -> e.StageError:
    """X1: a request already answered names who answered it."""
    if person.answered_by is None and person.position is Position.ON_STAGE and not you:
        return e.AlreadyOnStage(person.user)
    return e.NoRequest(person.user, you, person.answered_by, person.answer)


def _answer(room: Room, cmd: c.Targeted, action: str) -> Person:
    require_moderator(room, cmd, action)
    require_live(room)
    person = require_target(room, cmd)
    if person.position is not Position.REQUESTED:
        raise _no_request(person)
    return person


def count_wait(room: Room, person: Person, now: float) -> None:
    """R1: a pending request is answered now; its wait counts."""
    if person.position is Position.REQUESTED and person.asked_at is not None:
        room.tally(person).waited_seconds += now - person.asked_at


def invite_person(room: Room, person: Person, by: str | None, now: float, answer: str) -> None:
    """J4, J7: send an invitation that lapses after the channel's expiry (J8), answering any request."""
    count_wait(room, person, now)
    room.tally(person)
    room.set_position(person, Position.INVITED)
    room.set_expiry(person, now + room.expiry)
    person.answered_by, person.answer = by, answer


def approve(room: Room, cmd: c.BringToStage, now: float) -> Events:
    """J4, X1: the answer is an invitation; a second answer is told who won."""
    person = _answer(room, cmd, "bring people to the stage")
    invite_person(room, person, cmd.actor.user, now, "approved")
    return [ev.RequestApproved(person.user, cmd.actor.user)]


def decline_request(room: Room, cmd: c.DeclineRequest, now: float) -> Events:
    """J5: the requester is told, with the reason; they may ask again."""
    require_moderator(room, cmd, "decline requests")
    require_live(room)
    person = require_target(room, cmd)
    reason = clean_text(cmd.reason, "reason")  # A5: arguments before the request's state
    if person.position is not Position.REQUESTED:
        raise _no_request(person)
    count_wait(room, person, now)
    room.tally(person).times_declined += 1  # R1
    room.set_position(person, Position.AUDIENCE)
    person.declined_at = now
    person.answered_by, person.answer = cmd.actor.user, "declined"
    return [ev.RequestDeclined(person.user, cmd.actor.user, reason)]


def invite(room: Room, cmd: c.Invite, now: float) -> Events:
    """J7: any mode; a pending request is answered by the invitation itself."""
    require_moderator(room, cmd, "invite people on stage")
    require_live(room)
    person = require_target(room, cmd)
    if person.position is Position.ON_STAGE:
        raise e.AlreadyOnStage(person.user)
    if person.position is Position.INVITED:
        raise e.AlreadyInvited(person.user)
    invite_person(room, person, cmd.actor.user, now, "invited")
    return [ev.InvitationSent(person.user, cmd.actor.user)]


def decline_invitation(room: Room, cmd: c.DeclineInvitation, now: float) -> Events:
    require_live(room)
    person = require_self(room, cmd)
    if person.position is not Position.INVITED:
        raise e.NoInvitation(person.user)
    room.set_position(person, Position.AUDIENCE)
    return [ev.InvitationDeclined(person.user)]
