"""Checks every handler makes before it changes anything (A5: who, then session, then arguments)."""

from __future__ import annotations

import re
from collections.abc import Callable

from core import commands as c
from core import errors as e
from core import events as ev
from core.limits import NAME_LIMIT, NOTE_LIMIT
from core.modes import Mode, parse_default, parse_mode
from core.room import Person, Room

# ASCII digits only: int() would also take "١٢", "1_0", "+5" and fullwidth digits.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")

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
    if len(name) > NAME_LIMIT:
        raise e.BadArgument(
            f"That name is {len(name)} characters long; names have at most {NAME_LIMIT}. Check the name and try again."
        )
    return name


def require_actor_name(command: c.Command) -> None:
    """The actor's own name fits the store (a platform id always does; a typed console name may not)."""
    if len(command.actor.user) > NAME_LIMIT:
        raise e.BadArgument(
            f"Your name is {len(command.actor.user)} characters long; names have at most {NAME_LIMIT}. "
            "Use a shorter name."
        )


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


def shown(text: str, limit: int = 40) -> str:
    """Return text fit to quote back in a refusal: long input is cut, not echoed whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole_number(setting: str, raw: str, low: int, high: int) -> int:
    """Read a whole number written in ASCII digits, from low to high."""
    text = str(raw).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        raise e.BadArgument(
            f"{setting} needs a whole number from {low} to {high}, written with the digits 0-9; "
            f"'{shown(text)}' is not one."
        )
    # A longer string of digits is out of range whatever it says (and int() refuses thousands of digits).
    if len(text) > 12 or not low <= int(text) <= high:
        raise e.BadArgument(f"{setting} must be from {low} to {high}; {shown(text)} is out of range.")
    return int(text)


def mode_from(word: str | None, default: Callable[[str], Mode | None] = parse_mode) -> Mode:
    mode = default(word or "")
    if mode is None:
        extra = " (or a preset: event, webinar)" if default is parse_default else ""
        raise e.BadArgument(
            f"'{shown(word or '')}' is not a mode. Use one of: open (Everyone on stage), "
            f"request (Join by request), invite (Invite only){extra}."
        )
    return mode
