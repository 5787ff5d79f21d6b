"""Everything the console prints: JSON lines, readable lines, and the words for its own errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any

from adapters.console.parser import SUBCOMMANDS, Problem
from core import events as ev
from core.modes import Mode
from core.rules.checks import shown

# A line's output: who is told, and what.
Delivery = tuple[str, ev.Event]

WELCOME_HEAD = (
    "stagedoor console. Type one action a line: `NAME: /stage SUBCOMMAND`, `NAME: (arrives)`, `NAME: (leaves)`, "
    "`NAME: (speaks)` or `(wait SECONDS)`."
)
ROLES = (
    "Roles come from how the console was started, as a platform would grant them: `--moderator NAME` runs sessions "
    "and answers requests, `--admin NAME` also changes the channel's settings; everyone else takes part."
)
WELCOME_TAIL = (
    "Subcommands: start, end, mode, default, capacity, cameras, cooldown, expiry, join, ask, cancel, approve, "
    "decline, invite, remove, hand, hand down, status, moderators add|remove. Ctrl-D quits."
)


def welcome(moderators: Collection[str], admins: Collection[str]) -> str:
    """Return what an interactive terminal is shown first: how roles work, then commands that work as typed."""
    hosts = sorted({*admins, *moderators})
    guest = next(name for name in ("alex", "sam", "kim", "lee") if name not in hosts)
    if not hosts:
        example = (
            "No role was given, so nobody can start a session yet: quit with Ctrl-D and run "
            "`stagedoor console --admin host`, then type `host: /stage start`. "
            f"Meanwhile anyone can look: `{guest}: /stage status`."
        )
    else:
        host = hosts[0]
        named = ", ".join(f"{name} (admin)" if name in admins else name for name in hosts)
        example = (
            f"Moderators here: {named}. Try `{host}: /stage start`, `{guest}: /stage ask a question`, "
            f"`{host}: /stage approve {guest}`, `{guest}: (speaks)`, `(wait 30)`, `{guest}: /stage status`."
        )
    return "\n".join([WELCOME_HEAD, ROLES, example, WELCOME_TAIL])


USAGE = "Type `NAME: /stage SUBCOMMAND`, `NAME: (arrives)`, `NAME: (leaves)`, `NAME: (speaks)` or `(wait SECONDS)`."


def deliveries(event: ev.Event) -> list[Delivery]:
    """Return one delivery per recipient of an event, in the order they are told."""
    return [(recipient, event) for recipient in event.recipients()]


def problem_reply(problem: Problem) -> Delivery:
    """Turn a line the console could not use into an error for whoever typed it (the room if nobody)."""
    message = _PROBLEMS[problem.kind](shown(problem.detail, 60))  # long input is cut, not echoed whole
    who = problem.actor or ev.ROOM
    return who, ev.ErrorReply(who, "bad_argument", message)


_PROBLEMS: dict[str, Callable[[str], str]] = {
    "unparsed": lambda line: f"Could not read '{line}'. {USAGE}",
    "not_a_command": lambda text: (
        (f"'{text}' is not a stage command. " if text else "Nothing follows the name. ")
        + "Start the action with /stage (e.g. /stage status) or write a happening: (arrives), (leaves), (speaks)."
    ),
    "no_subcommand": lambda _: "Say what to do after /stage: " + ", ".join(SUBCOMMANDS) + ".",
    "unknown_subcommand": lambda word: f"'{word}' is not a stage command. Use one of: " + ", ".join(SUBCOMMANDS) + ".",
    "unknown_happening": lambda what: (
        f"'({what})' is not something that happens here. Use (arrives), (leaves) or (speaks)."
    ),
    "bad_wait": lambda text: f"'{text}' is not a number of seconds to wait. Write it like (wait 30).",
    "hand_usage": lambda text: (
        f"'hand {text}' is not a hand action. Use /stage hand to raise your hand, "
        "/stage hand down to lower it, or /stage hand down NAME to lower someone's."
    ),
    "moderators_usage": lambda text: (
        f"'moderators {text}' is not a moderator-list action. "
        "Use /stage moderators add NAME or /stage moderators remove NAME."
    ),
}


# -- JSON ------------------------------------------------------------------------


def as_json(delivery: Delivery) -> str:
    """Return one delivery as a JSON line: `{"to": ..., "event": ..., ...fields}`."""
    recipient, event = delivery
    return json.dumps({"to": recipient, **event.as_dict()}, ensure_ascii=False)


# -- readable lines ----------------------------------------------------------------


def as_text(delivery: Delivery, batch: Sequence[ev.Event] = ()) -> str:
    """Return one delivery as what its recipient would read in a chat; `batch` is the line's other events."""
    recipient, event = delivery
    label = "everyone" if recipient == ev.ROOM else recipient
    you = recipient not in (ev.ROOM, ev.MODERATORS)
    words = _TEXT.get(event.name, _fallback)(event, you, batch)
    return f"[{label}] {words}"


def _label(mode: str) -> str:
    try:
        return Mode(mode).label
    except ValueError:
        return mode


def _by(by: str | None, fallback: str = "Someone") -> str:
    return by or fallback


def _new_mode(batch: Sequence[ev.Event]) -> str | None:
    return next((e.mode for e in batch if isinstance(e, ev.ModeChanged)), None)


def _session_started(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return f"{_by(e.by)} started a session. The stage is in {_label(e.mode)} mode."


def _session_ended(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return f"{_by(e.by)} ended the session. Everyone is back in the audience."


def _mode_changed(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return f"{_by(e.by)} changed the stage to {_label(e.mode)} mode."


def _stage_joined(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if you:
        return "You are on stage."
    made_room = f", moving {e.evicted} to the audience to make room" if e.evicted else ""
    return f"{e.user} joined the stage{made_room}."


_LEFT_YOU = {
    "removed": "You are now a viewer: {by} removed you from the stage.",
    "evicted": "You are now a viewer: the stage was full and you had been quiet the longest, so you made room "
    "for {by}. You may come back under the current mode's rules.",
    "left_room": "You left the room, so you are off the stage.",
    "session_ended": "The session ended; you are back in the audience.",
}
_LEFT_THEM = {
    "removed": "{user} is now a viewer: {by} removed them from the stage.",
    "evicted": "{user} was moved to the audience to make room for {by} (quiet the longest).",
    "left_room": "{user} left the room and is off the stage.",
    "session_ended": "{user} left the stage: the session ended.",
}


def _stage_left(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    template = (_LEFT_YOU if you else _LEFT_THEM).get(e.reason, "{user} left the stage.")
    return template.format(user=e.user, by=_by(e.by, "a moderator"))


def _request_created(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if you:
        return f"You asked to join the stage; you are number {e.position} in line. Cancel with /stage cancel."
    note = f': "{e.note}"' if e.note else ""
    return (
        f"{e.user} wants to join the stage (number {e.position} in line){note}. "
        f"Answer with /stage approve {e.user} or /stage decline {e.user}."
    )


def _request_cancelled(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if e.reason == "mode_changed":
        mode = _new_mode(batch)
        if mode == Mode.OPEN:
            then = "now join directly with /stage join" if you else "can now join directly"
        elif mode == Mode.INVITE:
            then = "keep your place as a raised hand" if you else "keeps their place as a raised hand"
        else:
            then = "lose nothing" if you else "loses nothing"
        return (
            f"Requests are closed since the stage changed mode; you {then}."
            if you
            else f"{e.user}'s request is closed since the stage changed mode; {e.user} {then}."
        )
    reasons = {
        "withdrawn": ("You cancelled your request to join the stage.", "{user} cancelled their request."),
        "left_room": (
            "Your request was cancelled because you left the room.",
            "{user}'s request was cancelled: they left the room.",
        ),
        "session_ended": (
            "The session ended, so your request is closed.",
            "{user}'s request closed: the session ended.",
        ),
    }
    mine, theirs = reasons.get(e.reason, ("Your request was cancelled.", "{user}'s request was cancelled."))
    return (mine if you else theirs).format(user=e.user)


INVITED = "You have been invited to join the stage. Join with /stage join, or say no with /stage decline."


def _request_approved(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if you:
        return INVITED
    return f"{_by(e.by)} brought {e.user} to the stage. Invitation sent to {e.user}."


def _request_declined(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    reason = f' Reason: "{e.reason}".' if e.reason else ""
    if you:
        return f"{_by(e.by, 'A moderator')} declined your request to join the stage.{reason} You may ask again later."
    return f"{_by(e.by)} declined {e.user}'s request.{reason}"


def _invitation_sent(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return INVITED if you else f"Invitation sent to {e.user} (by {_by(e.by)})."


def _invitation_declined(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return "You declined the invitation to join the stage." if you else f"{e.user} declined the invitation."


def _invitation_expired(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if you:
        return "Your invitation to join the stage expired. Ask again or raise your hand if you still want to speak."
    return f"{e.user}'s invitation expired unanswered."


def _invitation_cancelled(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    why = (
        "you left the room"
        if you and e.reason == "left_room"
        else ("they left the room" if e.reason == "left_room" else "the session ended")
    )
    return f"Your invitation was withdrawn: {why}." if you else f"{e.user}'s invitation was withdrawn: {why}."


def _hand_raised(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if e.by == e.user:
        return "Your hand is raised." if you else f"{e.user} raised their hand."
    return (
        "Your request is now a raised hand (the stage is invite only)."
        if you
        else f"{e.user}'s request is now a raised hand."
    )


def _hand_lowered(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if e.by == e.user:
        return "Your hand is lowered." if you else f"{e.user} lowered their hand."
    if any(isinstance(x, ev.SessionEnded) for x in batch):
        return "Your hand is lowered: the session ended." if you else f"{e.user}'s hand is lowered: the session ended."
    if e.by is None:
        return "Your hand is lowered: you left the room." if you else f"{e.user}'s hand is lowered: they left the room."
    return f"{e.by} lowered your hand." if you else f"{e.by} lowered {e.user}'s hand."


_SETTINGS: dict[str, Callable[[Any], str]] = {
    "default": lambda v: f"Sessions here now start in {_label(str(v))} mode.",
    "capacity": lambda v: f"The stage now holds up to {v} people.",
    "cameras": lambda v: f"Up to {v} people on stage are now on camera.",
    "cooldown": lambda v: f"After a declined request, people now wait {v} s before asking again.",
    "expiry": lambda v: f"Invitations now expire after {v} s unanswered.",
    "moderators": lambda v: "Moderators of this channel: " + (", ".join(v) if v else "none listed") + ".",
}


def _settings_changed(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    words = _SETTINGS.get(e.setting, lambda v: f"{e.setting} is now {v}.")
    return str(words(e.value))


def _error(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return f"Sorry: {e.message}"


def _names(items: Sequence[Any]) -> str:
    return ", ".join(items) if items else "nobody"


def _status(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    if e.live:
        head = f"A session is live in {_label(e.mode)} mode."
    else:
        head = f"No session is live; the next one starts in {_label(e.mode)} mode."
    requests = [f"{r['position']}. {r['user']}" + (f' "{r["note"]}"' if r.get("note") else "") for r in e.requests]
    audio_only = [name for name in e.on_stage if name not in e.on_camera]
    camera = f" (on camera: {_names(e.on_camera)}" + (f"; audio only: {_names(audio_only)})" if audio_only else ")")
    lines = [
        head,
        f"  on stage: {e.count} / {e.capacity}: {_names(e.on_stage)}{camera if e.on_stage else ''}",
        f"  requests: {_names(requests)}",
        f"  invitations: {_names(e.invitations)}",
        f"  hands: {_names(e.hands)}",
    ]
    return "\n".join(lines)


def _fallback(e: Any, you: bool, batch: Sequence[ev.Event]) -> str:
    return f"{e.name}: {json.dumps(e.fields(), ensure_ascii=False)}"


_TEXT: dict[str, Callable[[Any, bool, Sequence[ev.Event]], str]] = {
    "session.started": _session_started,
    "session.ended": _session_ended,
    "mode.changed": _mode_changed,
    "stage.joined": _stage_joined,
    "stage.left": _stage_left,
    "request.created": _request_created,
    "request.cancelled": _request_cancelled,
    "request.approved": _request_approved,
    "request.declined": _request_declined,
    "invitation.sent": _invitation_sent,
    "invitation.declined": _invitation_declined,
    "invitation.expired": _invitation_expired,
    "invitation.cancelled": _invitation_cancelled,
    "hand.raised": _hand_raised,
    "hand.lowered": _hand_lowered,
    "settings.changed": _settings_changed,
    "error": _error,
    "status": _status,
}
