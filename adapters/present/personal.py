"""Events about one person: told to them (as "you") and to the moderators, with the actions each may take."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import assert_never

from adapters.present.notice import Action, ActionKind, Notice
from adapters.present.words import MODERATORS, USER, key, mode_label, notice
from core import events as ev
from core.modes import Mode

INVITED = "You have been invited to join the stage."
INVITATION_ACTIONS = (Action(ActionKind.JOIN_STAGE), Action(ActionKind.DECLINE_INVITATION))
# Discord's stage channels ask the speaker to accept Discord's own invitation to speak.
SPEAK_HINT = "discord.accept_invitation_to_speak"

# The events told to the person they are about, and to the moderators.
About = (
    ev.StageJoined
    | ev.StageLeft
    | ev.RequestCreated
    | ev.RequestCancelled
    | ev.RequestApproved
    | ev.RequestDeclined
    | ev.InvitationSent
    | ev.InvitationDeclined
    | ev.InvitationExpired
    | ev.InvitationCancelled
    | ev.HandRaised
    | ev.HandLowered
)


def about(event: About, batch: Sequence[ev.Event] = ()) -> list[Notice]:
    """Tell the person an event is about (as "you"), then the moderators."""
    match event:
        case ev.StageJoined():
            return _stage_joined(event)
        case ev.StageLeft():
            return _stage_left(event)
        case ev.RequestCreated():
            return _request_created(event)
        case ev.RequestCancelled():
            return _request_cancelled(event, batch)
        case ev.RequestApproved():
            them = "{by} brought {user} to the stage. Invitation sent to {user}."
            if event.by is None:
                them = "{user} was brought to the stage. Invitation sent to {user}."
            variant = "" if event.by else "unattributed"
            return _pair(
                event, variant, INVITED, them, {"by": event.by}, you_actions=INVITATION_ACTIONS, hint=SPEAK_HINT
            )
        case ev.RequestDeclined():
            return _request_declined(event)
        case ev.InvitationSent():
            them = "Invitation sent to {user} (by {by})." if event.by else "Invitation sent to {user}."
            variant = "" if event.by else "unattributed"
            return _pair(
                event, variant, INVITED, them, {"by": event.by}, you_actions=INVITATION_ACTIONS, hint=SPEAK_HINT
            )
        case ev.InvitationDeclined():
            return _pair(event, "", "You declined the invitation to join the stage.", "{user} declined the invitation.")
        case ev.InvitationExpired():
            you = "Your invitation to join the stage expired. Ask again or raise your hand if you still want to speak."
            return _pair(event, "", you, "{user}'s invitation expired unanswered.")
        case ev.InvitationCancelled():
            return _invitation_cancelled(event)
        case ev.HandRaised():
            return _hand_raised(event)
        case ev.HandLowered():
            return _hand_lowered(event, batch)
        case _:
            assert_never(event)


def _pair(
    event: About,
    variant: str,
    you: str,
    them: str,
    people: Mapping[str, str | None] | None = None,
    values: Mapping[str, str | int] | None = None,
    you_actions: tuple[Action, ...] = (),
    them_actions: tuple[Action, ...] = (),
    hint: str | None = None,
) -> list[Notice]:
    """Tell the person the event is about (as "you"), then the moderators."""
    user = event.user
    named = {"user": user, **(people or {})}
    return [
        notice(user, key(event, variant, USER), you, named, values, you_actions, hint),
        notice(MODERATORS, key(event, variant, MODERATORS), them, named, values, them_actions),
    ]


def _stage_joined(event: ev.StageJoined) -> list[Notice]:
    if event.evicted:
        them = "{user} joined the stage, moving {evicted} to the audience to make room."
        return _pair(event, "evicting", "You are on stage.", them, {"evicted": event.evicted}, hint=SPEAK_HINT)
    return _pair(event, "", "You are on stage.", "{user} joined the stage.", hint=SPEAK_HINT)


_LEFT: dict[str, tuple[str, str]] = {
    "removed": (
        "You are now a viewer: {by} removed you from the stage.",
        "{user} is now a viewer: {by} removed them from the stage.",
    ),
    "evicted": (
        "You are now a viewer: the stage was full and you had been quiet the longest, so you made room for {by}. "
        "You may come back under the current mode's rules.",
        "{user} was moved to the audience to make room for {by} (quiet the longest).",
    ),
    "left_room": ("You left the room, so you are off the stage.", "{user} left the room and is off the stage."),
    "session_ended": ("The session ended; you are back in the audience.", "{user} left the stage: the session ended."),
    "turn_ended": (
        "Your turn is over: you are back in the audience. Thank you!",
        "{user}'s turn is over; they are back in the audience.",
    ),
}
_LEFT_UNATTRIBUTED: dict[str, tuple[str, str]] = {
    "removed": (
        "You are now a viewer: a moderator removed you from the stage.",
        "{user} is now a viewer: a moderator removed them from the stage.",
    ),
    "evicted": (
        "You are now a viewer: the stage was full and you had been quiet the longest, so you made room. "
        "You may come back under the current mode's rules.",
        "{user} was moved to the audience to make room (quiet the longest).",
    ),
}


def _stage_left(event: ev.StageLeft) -> list[Notice]:
    table = _LEFT if event.by or event.reason not in _LEFT_UNATTRIBUTED else _LEFT_UNATTRIBUTED
    variant = event.reason if table is _LEFT else f"{event.reason}.unattributed"
    you, them = table.get(event.reason, ("You left the stage.", "{user} left the stage."))
    people = {"by": event.by} if "{by}" in you + them else {}
    return _pair(event, variant, you, them, people)


def _request_created(event: ev.RequestCreated) -> list[Notice]:
    you = "You asked to join the stage; you are number {position} in line."
    them = "{user} wants to join the stage (number {position} in line)"
    values: dict[str, str | int] = {"position": event.position}
    if event.note:
        them += ': "{note}"'
        values["note"] = event.note
    answers = (Action(ActionKind.BRING_TO_STAGE, event.user), Action(ActionKind.DECLINE_REQUEST, event.user))
    variant = "noted" if event.note else ""
    told = _pair(
        event,
        variant,
        you,
        them + ".",
        values=values,
        you_actions=(Action(ActionKind.CANCEL_REQUEST),),
        them_actions=answers,
    )
    if not event.note:
        return told
    # J2: the note is for moderators only; where others read along, they are told a note is waiting.
    shared = notice(
        MODERATORS,
        key(event, "noted", "moderators.shared"),
        "{user} wants to join the stage (number {position} in line) and left a note for the moderators.",
        {"user": event.user},
        {"position": event.position},
        (*answers, Action(ActionKind.SHOW_NOTE, event.user)),
    )
    return [told[0], replace(told[1], shared=shared)]


def request_note(viewer: str, user: str, position: int, note: str | None) -> Notice:
    """J2: show a moderator what a requester wrote for the moderators (only them)."""
    if not note:
        text = "{user} (number {position} in line) left no note."
        return notice(viewer, "request.note.none.actor", text, {"user": user}, {"position": position})
    text = '{user} (number {position} in line) wrote for the moderators: "{note}"'
    answers = (Action(ActionKind.BRING_TO_STAGE, user), Action(ActionKind.DECLINE_REQUEST, user))
    return notice(viewer, "request.note.actor", text, {"user": user}, {"position": position, "note": note}, answers)


_CANCELLED: dict[str, tuple[str, str]] = {
    "withdrawn": ("You cancelled your request to join the stage.", "{user} cancelled their request."),
    "left_room": (
        "Your request was cancelled because you left the room.",
        "{user}'s request was cancelled: they left the room.",
    ),
    "session_ended": ("The session ended, so your request is closed.", "{user}'s request closed: the session ended."),
}


def _request_cancelled(event: ev.RequestCancelled, batch: Sequence[ev.Event]) -> list[Notice]:
    if event.reason != "mode_changed":
        you, them = _CANCELLED.get(event.reason, ("Your request was cancelled.", "{user}'s request was cancelled."))
        return _pair(event, event.reason, you, them)
    # M4/M5: what a closed request becomes depends on the mode the same command switched to.
    mode = next((e.mode for e in batch if isinstance(e, ev.ModeChanged)), None)
    closed = "Requests are closed since the stage changed to *{mode}* mode; "
    theirs = "{user}'s request is closed since the stage changed to *{mode}* mode; "
    if mode is None:
        closed, theirs = (
            "Requests are closed since the stage changed mode; ",
            "{user}'s request is closed since the stage changed mode; ",
        )
    values = {"mode": mode_label(mode)} if mode else {}
    if mode == Mode.OPEN:
        return _pair(
            event,
            "mode_changed.open",
            closed + "you can now join directly.",
            theirs + "{user} can now join directly.",
            values=values,
            you_actions=(Action(ActionKind.JOIN_STAGE),),
        )
    if mode == Mode.INVITE:
        you = closed + "you keep your place as a raised hand."
        return _pair(
            event, "mode_changed.invite", you, theirs + "{user} keeps their place as a raised hand.", values=values
        )
    return _pair(event, "mode_changed", closed + "you lose nothing.", theirs + "{user} loses nothing.", values=values)


def _request_declined(event: ev.RequestDeclined) -> list[Notice]:
    you = ("{by} declined" if event.by else "A moderator declined") + " your request to join the stage."
    them = ("{by} declined" if event.by else "A moderator declined") + " {user}'s request."
    values: dict[str, str | int] = {}
    if event.reason:
        you += ' Reason: "{reason}".'
        them += ' Reason: "{reason}".'
        values["reason"] = event.reason
    variant = ".".join(
        part for part in ("" if event.by else "unattributed", "reasoned" if event.reason else "") if part
    )
    return _pair(event, variant, you + " You may ask again later.", them, {"by": event.by}, values)


def _invitation_cancelled(event: ev.InvitationCancelled) -> list[Notice]:
    if event.reason == "withdrawn":  # Q2: a moderator took it back
        you = "{by} withdrew your invitation to join the stage." if event.by else "Your invitation was withdrawn."
        them = "{by} withdrew {user}'s invitation." if event.by else "{user}'s invitation was withdrawn."
        variant = "withdrawn" if event.by else "withdrawn.unattributed"
        return _pair(event, variant, you, them, {"by": event.by})
    if event.reason == "left_room":
        you, them = "you left the room", "they left the room"
    else:
        you = them = "the session ended"
    return _pair(
        event,
        event.reason,
        f"Your invitation was withdrawn: {you}.",
        "{user}'s invitation was withdrawn: " + them + ".",
    )


def _hand_raised(event: ev.HandRaised) -> list[Notice]:
    invite = (Action(ActionKind.INVITE, event.user),)
    if event.by == event.user:
        return _pair(event, "", "Your hand is raised.", "{user} raised their hand.", them_actions=invite)
    # M5: a request closed by a switch to invite-only mode becomes a raised hand.
    you = "Your request is now a raised hand (the stage is invite only)."
    return _pair(event, "from_request", you, "{user}'s request is now a raised hand.", them_actions=invite)


def _hand_lowered(event: ev.HandLowered, batch: Sequence[ev.Event]) -> list[Notice]:
    if event.by == event.user:
        return _pair(event, "", "Your hand is lowered.", "{user} lowered their hand.")
    if any(isinstance(e, ev.SessionEnded) for e in batch):
        return _pair(
            event,
            "session_ended",
            "Your hand is lowered: the session ended.",
            "{user}'s hand is lowered: the session ended.",
        )
    if event.by is None:
        return _pair(
            event,
            "left_room",
            "Your hand is lowered: you left the room.",
            "{user}'s hand is lowered: they left the room.",
        )
    return _pair(event, "by_moderator", "{by} lowered your hand.", "{by} lowered {user}'s hand.", {"by": event.by})
