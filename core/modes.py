"""The three stage modes and the words people use for them (M1, M2)."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """How people get on stage."""

    OPEN = "open"
    REQUEST = "request"
    INVITE = "invite"

    @property
    def label(self) -> str:
        """Return the name people see in the product."""
        return _LABELS[self]


_LABELS = {
    Mode.OPEN: "Everyone on stage",
    Mode.REQUEST: "Join by request",
    Mode.INVITE: "Invite only",
}

_ALIASES = {
    "open": Mode.OPEN,
    "everyone": Mode.OPEN,
    "open-stage": Mode.OPEN,
    "request": Mode.REQUEST,
    "ask": Mode.REQUEST,
    "request-to-join": Mode.REQUEST,
    "join-by-request": Mode.REQUEST,
    "invite": Mode.INVITE,
    "invite-only": Mode.INVITE,
}

# M2: presets name a default mode for a kind of session.
PRESETS = {"event": Mode.OPEN, "webinar": Mode.REQUEST}

FALLBACK_MODE = Mode.REQUEST


def parse_mode(word: str) -> Mode | None:
    """Return the mode a word names, or None when it names none."""
    return _ALIASES.get(word.strip().lower())


def parse_default(word: str) -> Mode | None:
    """Return the mode a mode word or a preset (event, webinar) names."""
    return parse_mode(word) or PRESETS.get(word.strip().lower())
