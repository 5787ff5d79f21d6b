"""Words and actions for the line, timed turns and records: up next, turns, extensions, stats (Q1-Q4, T1, T2, R1)."""

from __future__ import annotations

from dataclasses import replace

from adapters.present.controls import EXTEND_STEPS, line_controls
from adapters.present.notice import Action, ActionKind, Notice
from adapters.present.words import ACTOR, MODERATORS, USER, key, notice
from core import events as ev


def request_next(event: ev.RequestNext) -> list[Notice]:
    """Q4: tell the requester they are first in line."""
    text = "You're next: your request is first in line. Get ready to join the stage."
    return [notice(event.user, key(event, "", USER), text, actions=(Action(ActionKind.CANCEL_REQUEST),))]


def turn_warning(event: ev.TurnWarning) -> list[Notice]:
    """T1: the speaker and the moderators learn how long the turn has left."""
    values = {"seconds": event.seconds_left}
    return [
        notice(event.user, key(event, "", USER), "Your turn on stage ends in {seconds} s.", values=values),
        notice(
            MODERATORS,
            key(event, "", MODERATORS),
            "{user}'s turn on stage ends in {seconds} s.",
            {"user": event.user},
            values,
        ),
    ]


def turn_extended(event: ev.TurnExtended) -> list[Notice]:
    """T2: the speaker and the moderators learn the turn runs longer."""
    people = {"user": event.user, "by": event.by}
    values = {"seconds": event.seconds}
    if event.by:
        you, them, variant = (
            "{by} gave you {seconds} s more on stage.",
            "{by} gave {user} {seconds} s more on stage.",
            "",
        )
    else:
        you, them, variant = (
            "Your turn on stage runs {seconds} s longer.",
            "{user}'s turn runs {seconds} s longer.",
            "unattributed",
        )
    return [
        notice(event.user, key(event, variant, USER), you, people, values),
        notice(MODERATORS, key(event, variant, MODERATORS), them, people, values),
    ]


def stats(event: ev.StatsReply) -> Notice:
    """R1: the heading of the stats answer; each renderer lays out the figures from the event."""
    if not event.people:
        variant = "live.empty" if event.live else "empty"
        text = (
            "Nobody has taken part in this session yet." if event.live else "No session has had anyone take part yet."
        )
    elif event.live:
        variant, text = "live", "Stats for the live session, most time on stage first:"
    else:
        variant, text = "last", "Stats for the last session, most time on stage first:"
    return notice(event.actor, key(event, variant, ACTOR), text)


NEXT = Action(ActionKind.NEXT)
HANDS_DOWN = Action(ActionKind.HANDS_DOWN)


def line_actions(event: ev.Event) -> tuple[Action, ...]:
    """Return the actions that run the line, offered to moderators with their notice of an event (Q1–Q3, T2)."""
    match event:
        case ev.RequestCreated() | ev.StageLeft(reason="turn_ended"):
            return (NEXT,)  # someone waits, or a turn's end freed a place
        case ev.HandRaised():
            return (NEXT, HANDS_DOWN)
        case ev.InvitationSent() | ev.RequestApproved():
            return (Action(ActionKind.UNINVITE, event.user),)
        case ev.TurnWarning():
            return tuple(Action(ActionKind.EXTEND, event.user, seconds) for seconds in EXTEND_STEPS)
    return ()


def offer_line(event: ev.Event, told: Notice) -> Notice:
    """Add the line's actions to what moderators are told of an event (and to its shared form)."""
    found = line_actions(event) if told.recipient == MODERATORS else ()
    if not found:
        return told
    shared = replace(told.shared, line_actions=found) if told.shared else None
    return replace(told, line_actions=found, shared=shared)


def panel_actions(status: ev.StatusReply) -> tuple[Action, ...]:
    """Return the room-wide actions a moderator's panel offers now: next speaker, lower all hands (Q1, Q3).

    The same choice as every platform's line controls, less the per-person ones a panel lists by name.
    """
    return tuple(action for action in line_controls(status) if action.kind in (ActionKind.NEXT, ActionKind.HANDS_DOWN))


def invited_actions(user: str) -> tuple[Action, ...]:
    """Return what a moderator's panel offers beside a pending invitation: withdraw it (Q2)."""
    return (Action(ActionKind.UNINVITE, user),)
