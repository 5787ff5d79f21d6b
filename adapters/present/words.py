"""Small pieces the presenter's wording shares."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.present.notice import Action, Notice
from core import events as ev
from core.modes import Mode

USER = "user"  # the audience part of a key for the person an event is about
MODERATORS = "moderators"
ROOM = "room"
ACTOR = "actor"


def mode_label(mode: str) -> str:
    """Return the name people see for a mode (an unknown word is shown as it is)."""
    try:
        return Mode(mode).label
    except ValueError:
        return mode


def key(event: ev.Event, variant: str, audience: str) -> str:
    """Return a notice's stable key: the event's name, its variant, and who reads it."""
    return ".".join(part for part in (event.name, variant, audience) if part)


def notice(
    recipient: str,
    key: str,
    text: str,
    people: Mapping[str, str | None] | None = None,
    values: Mapping[str, str | int] | None = None,
    actions: tuple[Action, ...] = (),
    hint: str | None = None,
    groups: Mapping[str, tuple[str, ...]] | None = None,
) -> Notice:
    """Build a notice, leaving out people who are not there (None)."""
    named = {k: v for k, v in (people or {}).items() if v is not None}
    return Notice(recipient, key, text, named, dict(values or {}), actions, hint, dict(groups or {}))
