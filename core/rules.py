"""The stage rules: each command is checked (A5 order), then applied, giving events.

A handler raises a StageError before it changes anything, so a refused
action leaves the room exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from core import commands as c
from core import errors as e
from core import events as ev
from core.modes import Mode, parse_default, parse_mode
from core.room import Person, Position, Room

NOTE_LIMIT = 200
LIMITS = {  # setting: (lowest, highest)
    "capacity": (1, 10_000),
    "cameras": (0, 1_000),
    "cooldown": (0, 86_400),
    "expiry": (1, 86_400),
}

ASK_HINT = "Ask to join with /stage ask, or raise your hand with /stage hand."
HAND_HINT = "Raise your hand with /stage hand so moderators see you."

Events = list[ev.Event]
C = TypeVar("C", bound=c.Command)
_HANDLERS: dict[type[c.Command], Callable[[Room, Any, float], Events]] = {}


def handles(kind: type[C]) -> Callable[[Callable[[Room, C, float], Events]], Callable[[Room, C, float], Events]]:
    def register(fn: Callable[[Room, C, float], Events]) -> Callable[[Room, C, float], Events]:
        _HANDLERS[kind] = fn
        return fn

    return register


def handle(room: Room, command: c.Command, now: float) -> Events:
    """Apply one command at time `now`; return what happened, errors included."""
    events = expire_invitations(room, now)
    try:
        events += _HANDLERS[type(command)](room, command, now)
    except e.StageError as refusal:
        events.append(ev.ErrorReply(command.actor.user, refusal.code, refusal.message))
    return events


# -- checks ------------------------------------------------------------------


def require_moderator(room: Room, command: c.Command, action: str) -> None:
    if not room.is_moderator(command.actor):
        raise e.NotModerator(action)


def require_admin(room: Room, command: c.Command, setting: str) -> None:
    if not room.is_admin(command.actor):
        raise e.NotAdmin(setting)


def require_live(room: Room) -> None:
    if not room.session.live:
        raise e.NoSession()


def require_target(room: Room, command: c.Targeted) -> Person:
    """A4: the target is a person in the room, not a bot."""
    name = require_name(command)
    if not room.is_present(name):
        raise e.UnknownUser(name)
    return room.people[name]


def require_name(command: c.Targeted) -> str:
    name = command.target.strip()
    if command.target_is_bot:
        raise e.NotAllowedTarget(name)
    if not name:
        raise e.BadArgument("Name a person for this action, for example: /stage invite @alex.")
    return name


def require_self(room: Room, command: c.Command) -> Person:
    """The actor acts on themselves: they must be in the room."""
    user = command.actor.user
    if not room.is_present(user):
        raise e.UnknownUser(user, you=True)
    return room.people[user]


def clean_text(text: str | None, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > NOTE_LIMIT:
        raise e.BadArgument(
            f"The {what} is {len(text)} characters long; the limit is {NOTE_LIMIT}. Shorten it and try again."
        )
    return text or None


def mode_from(word: str | None, default: Callable[[str], Mode | None] = parse_mode) -> Mode:
    mode = default(word or "")
    if mode is None:
        extra = " (or a preset: event, webinar)" if default is parse_default else ""
        raise e.BadArgument(
            f"'{word or ''}' is not a mode. Use one of: open (Everyone on stage), "
            f"request (Join by request), invite (Invite only){extra}."
        )
    return mode


# -- timers --------------------------------------------------------------------


def expire_invitations(room: Room, now: float) -> Events:
    """J8: invitations past their time lapse; both sides are told."""
    events: Events = []
    for person in room.due_invitations(now):
        room.set_position(person, Position.AUDIENCE, now)
        events.append(ev.InvitationExpired(person.user))
    return events


# -- session -----------------------------------------------------------------------


@handles(c.StartSession)
def start(room: Room, cmd: c.StartSession, now: float) -> Events:
    require_moderator(room, cmd, "start a session")
    if room.session.live:
        raise e.SessionActive()
    mode = mode_from(cmd.mode) if cmd.mode else room.default_mode
    room.session.live, room.session.mode = True, mode
    room.session.started_by, room.session.started_at = cmd.actor.user, now
    room.dirty_room = True
    return [ev.SessionStarted(mode.value, cmd.actor.user)]


@handles(c.EndSession)
def end(room: Room, cmd: c.EndSession, now: float) -> Events:
    """L3: everyone back to the audience, everything pending closed, history kept."""
    require_moderator(room, cmd, "end the session")
    require_live(room)
    by = cmd.actor.user
    events: Events = []
    for user in list(room.stage):
        room.set_position(room.people[user], Position.AUDIENCE, now)
        events.append(ev.StageLeft(user, "session_ended", by))
    for user in list(room.requests):
        room.set_position(room.people[user], Position.AUDIENCE, now)
        events.append(ev.RequestCancelled(user, "session_ended"))
    for user in list(room.invitations):
        room.set_position(room.people[user], Position.AUDIENCE, now)
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


@handles(c.ChangeMode)
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
            room.set_position(room.people[user], Position.AUDIENCE, now)
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


# -- channel defaults ---------------------------------------------------------------


def _scope(room: Room, cmd: c.Command, setting: str) -> Any:
    require_admin(room, cmd, setting)
    return room.channel


@handles(c.SetDefaultMode)
def set_default(room: Room, cmd: c.SetDefaultMode, now: float) -> Events:
    settings = _scope(room, cmd, "the channel's default mode")
    mode = mode_from(cmd.mode, parse_default)
    if settings.default_mode is mode:
        raise e.NoChange(f"the default mode is already {mode.value}")
    settings.default_mode = mode
    room.dirty_room = True
    return [ev.SettingsChanged("default", mode.value, cmd.actor.user)]


def _number(setting: str, raw: str) -> int:
    low, high = LIMITS[setting]
    text = str(raw).strip()
    try:
        value = int(text)
    except ValueError:
        raise e.BadArgument(f"{setting} needs a whole number from {low} to {high}; '{text}' is not one.") from None
    if not low <= value <= high:
        raise e.BadArgument(f"{setting} must be from {low} to {high}; {value} is out of range.")
    return value


def _set_number(room: Room, cmd: c.Command, setting: str, raw: str) -> Events:
    settings = _scope(room, cmd, f"the {setting}")
    value = _number(setting, raw)
    if setting == "capacity" and room.session.live and value < len(room.stage):
        raise e.BadArgument(
            f"{len(room.stage)} people are on stage now, more than a capacity of {value}. "
            "Remove people first or choose a larger number."
        )
    if getattr(room, setting) == value and getattr(settings, setting) is not None:
        raise e.NoChange(f"{setting} is already {value}")
    setattr(settings, setting, value)
    room.dirty_room = True
    return [ev.SettingsChanged(setting, value, cmd.actor.user)]


@handles(c.SetCapacity)
def set_capacity(room: Room, cmd: c.SetCapacity, now: float) -> Events:
    return _set_number(room, cmd, "capacity", cmd.value)


@handles(c.SetCameras)
def set_cameras(room: Room, cmd: c.SetCameras, now: float) -> Events:
    return _set_number(room, cmd, "cameras", cmd.value)


@handles(c.SetCooldown)
def set_cooldown(room: Room, cmd: c.SetCooldown, now: float) -> Events:
    return _set_number(room, cmd, "cooldown", cmd.value)


@handles(c.SetExpiry)
def set_expiry(room: Room, cmd: c.SetExpiry, now: float) -> Events:
    return _set_number(room, cmd, "expiry", cmd.value)


def _moderator_target(room: Room, cmd: c.Targeted) -> str:
    require_admin(room, cmd, "the moderator list")
    return require_name(cmd)


@handles(c.AddModerator)
def add_moderator(room: Room, cmd: c.AddModerator, now: float) -> Events:
    name = _moderator_target(room, cmd)
    if name in room.channel.moderators:
        raise e.NoChange(f"{name} is already a moderator here")
    room.channel.moderators.append(name)
    room.dirty_room = True
    _protect_seat(room, name)
    return [ev.SettingsChanged("moderators", list(room.channel.moderators), cmd.actor.user)]


@handles(c.RemoveModerator)
def remove_moderator(room: Room, cmd: c.RemoveModerator, now: float) -> Events:
    name = _moderator_target(room, cmd)
    if name not in room.channel.moderators:
        raise e.NoChange(f"{name} is not on this channel's moderator list")
    room.channel.moderators.remove(name)
    room.dirty_room = True
    return [ev.SettingsChanged("moderators", list(room.channel.moderators), cmd.actor.user)]


def _protect_seat(room: Room, user: str) -> None:
    """C3: a new moderator already on stage is never moved off from now on.

    Taking someone off the list does not lift the protection they joined with:
    the platform may still grant them a moderator role, which only their own
    next action would tell us.
    """
    person = room.people.get(user)
    if person is not None and person.position is Position.ON_STAGE and not person.seat_moderator:
        person.seat_moderator = True
        room.touch(person)


# -- getting on stage ------------------------------------------------------------------


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
        room.set_position(room.people[evicted], Position.AUDIENCE, now)
        events.append(ev.StageLeft(evicted, "evicted", person.user))
    if person.hand is not None:  # J10: joining lowers the hand
        room.lower_hand(person)
    room.seat_on_stage(person, now, moderator)
    return events + [ev.StageJoined(person.user, evicted)]


@handles(c.JoinStage)
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


@handles(c.AskToJoin)
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
    room.set_position(person, Position.REQUESTED, now)
    person.note = note
    person.answered_by = person.answer = None
    return [ev.RequestCreated(person.user, len(room.requests), note)]


@handles(c.CancelRequest)
def cancel(room: Room, cmd: c.CancelRequest, now: float) -> Events:
    """J3: a requester withdraws before an answer."""
    require_live(room)
    person = require_self(room, cmd)
    if person.position is not Position.REQUESTED:
        raise _no_request(person, you=True)
    room.set_position(person, Position.AUDIENCE, now)
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


def _invite(room: Room, person: Person, by: str, now: float, answer: str) -> None:
    room.set_position(person, Position.INVITED, now)
    room.set_expiry(person, now + room.expiry)
    person.answered_by, person.answer = by, answer


@handles(c.BringToStage)
def approve(room: Room, cmd: c.BringToStage, now: float) -> Events:
    """J4, X1: the answer is an invitation; a second answer is told who won."""
    person = _answer(room, cmd, "bring people to the stage")
    _invite(room, person, cmd.actor.user, now, "approved")
    return [ev.RequestApproved(person.user, cmd.actor.user)]


@handles(c.DeclineRequest)
def decline_request(room: Room, cmd: c.DeclineRequest, now: float) -> Events:
    """J5: the requester is told, with the reason; they may ask again."""
    require_moderator(room, cmd, "decline requests")
    require_live(room)
    person = require_target(room, cmd)
    reason = clean_text(cmd.reason, "reason")  # A5: arguments before the request's state
    if person.position is not Position.REQUESTED:
        raise _no_request(person)
    room.set_position(person, Position.AUDIENCE, now)
    person.declined_at = now
    person.answered_by, person.answer = cmd.actor.user, "declined"
    return [ev.RequestDeclined(person.user, cmd.actor.user, reason)]


@handles(c.Invite)
def invite(room: Room, cmd: c.Invite, now: float) -> Events:
    """J7: any mode; a pending request is answered by the invitation itself."""
    require_moderator(room, cmd, "invite people on stage")
    require_live(room)
    person = require_target(room, cmd)
    if person.position is Position.ON_STAGE:
        raise e.AlreadyOnStage(person.user)
    if person.position is Position.INVITED:
        raise e.AlreadyInvited(person.user)
    _invite(room, person, cmd.actor.user, now, "invited")
    return [ev.InvitationSent(person.user, cmd.actor.user)]


@handles(c.DeclineInvitation)
def decline_invitation(room: Room, cmd: c.DeclineInvitation, now: float) -> Events:
    require_live(room)
    person = require_self(room, cmd)
    if person.position is not Position.INVITED:
        raise e.NoInvitation(person.user)
    room.set_position(person, Position.AUDIENCE, now)
    return [ev.InvitationDeclined(person.user)]


# -- hands -------------------------------------------------------------------------------


@handles(c.RaiseHand)
def raise_hand(room: Room, cmd: c.RaiseHand, now: float) -> Events:
    """J10: anyone not on stage, in every mode."""
    require_live(room)
    person = require_self(room, cmd)
    if person.position is Position.ON_STAGE:
        raise e.AlreadyOnStage(person.user, you=True)
    if person.hand is not None:
        raise e.NoChange("your hand is already raised")
    room.raise_hand(person)
    return [ev.HandRaised(person.user, person.user)]


@handles(c.LowerHand)
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


# -- leaving ---------------------------------------------------------------------------------


@handles(c.RemoveFromStage)
def remove(room: Room, cmd: c.RemoveFromStage, now: float) -> Events:
    """L1: only moderators take people off the stage."""
    require_moderator(room, cmd, "remove people from the stage")
    require_live(room)
    person = require_target(room, cmd)
    if person.position is not Position.ON_STAGE:
        raise e.NotOnStage(person.user)
    room.set_position(person, Position.AUDIENCE, now)
    return [ev.StageLeft(person.user, "removed", cmd.actor.user)]


def _close_everything(room: Room, person: Person, now: float, stage_reason: str, by: str | None) -> Events:
    events: Events = []
    user = person.user
    if person.position is Position.ON_STAGE:
        events.append(ev.StageLeft(user, stage_reason, by))
    elif person.position is Position.REQUESTED:
        events.append(ev.RequestCancelled(user, "left_room"))
    elif person.position is Position.INVITED:
        events.append(ev.InvitationCancelled(user, "left_room"))
    if person.position is not Position.AUDIENCE:
        room.set_position(person, Position.AUDIENCE, now)
    return events


@handles(c.Leave)
def leave(room: Room, cmd: c.Leave, now: float) -> Events:
    """L2: someone left the room; their place, request, invitation and hand go."""
    person = room.people.get(cmd.actor.user)
    if person is None or not person.present:
        return []
    events = _close_everything(room, person, now, "left_room", None)
    if person.hand is not None:
        room.lower_hand(person)
        events.append(ev.HandLowered(person.user, None))
    person.present = False
    room.touch(person)
    return events


@handles(c.MovedToAudience)
def moved_to_audience(room: Room, cmd: c.MovedToAudience, now: float) -> Events:
    """L2: the platform's own controls took someone off stage; the roster follows."""
    person = room.people.get(cmd.actor.user)
    if person is None or person.position is not Position.ON_STAGE:
        return []
    room.set_position(person, Position.AUDIENCE, now)
    return [ev.StageLeft(person.user, "removed" if cmd.by else "left_room", cmd.by)]


@handles(c.Arrive)
def arrive(room: Room, cmd: c.Arrive, now: float) -> Events:
    person = room.people.get(cmd.actor.user)
    if person is not None and (person.present or cmd.if_new):
        return []
    person = room.person(cmd.actor.user)
    person.present = True
    room.touch(person)
    return []


@handles(c.Speak)
def speak(room: Room, cmd: c.Speak, now: float) -> Events:
    """C3, C4: only activity while on stage counts."""
    person = room.people.get(cmd.actor.user)
    if person is not None and person.position is Position.ON_STAGE:
        room.mark_active(person, now)
    return []


@handles(c.Tick)
def tick(room: Room, cmd: c.Tick, now: float) -> Events:
    return []  # expiry already ran in handle()


# -- status --------------------------------------------------------------------------------


@handles(c.Status)
def status(room: Room, cmd: c.Status, now: float) -> Events:
    """Answer anyone, any time: the room in rule order."""
    live = room.session.live
    moderator = room.is_moderator(cmd.actor)
    requests: list[dict[str, Any]] = []
    for index, user in enumerate(room.requests, start=1):
        item: dict[str, Any] = {"user": user, "position": index}
        if moderator:
            item["note"] = room.people[user].note
        requests.append(item)
    return [
        ev.StatusReply(
            actor=cmd.actor.user,
            live=live,
            mode=room.mode.value,
            count=len(room.stage),
            capacity=room.capacity,
            on_stage=list(room.stage),
            on_camera=room.on_camera(),
            requests=requests,
            invitations=list(room.invitations),
            hands=list(room.hands),
        )
    ]
