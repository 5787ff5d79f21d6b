"""Checks every handler makes before it changes anything (A5: who, then session, then arguments)."""

from __future__ import annotations

from collections.abc import Callable

from core import commands as c
from core import errors as e
from core import events as ev
from core.modes import Mode, parse_default, parse_mode
from core.room import Person, Room

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
