"""The moderators' summary: one message per moderator and room, kept up to date, instead of one per hand or request.

When a room has more hands and requests waiting than a moderator can read one notice at a time
(a stampede of clicks), each new one is no longer a notice of its own: the moderator's summary says
how many wait and who comes first, and is redrawn as the room changes. It is drawn from the room's
state (like the roster), so it is the same whichever events led there.
"""

from __future__ import annotations

from adapters.present.notice import Notice
from adapters.present.words import MODERATORS, notice
from core import events as ev

# Moderators are told of each request and raised hand on its own while at most this many wait in all;
# past it, the summary carries them (the roster and the moderator panel list everyone).
SEPARATE_UP_TO = 25
FIRST_NAMED = 5  # who is named first in the summary; the moderator panel lists the rest


def coalesce(status: ev.StatusReply) -> bool:
    """Say whether moderators get the summary rather than a notice per hand and request (too many wait)."""
    return len(status.requests) + len(status.hands) > SEPARATE_UP_TO


def counted(number: int, one: str, many: str) -> str:
    """Return `1 raised hand` / `3 raised hands`, with thousands separated."""
    return f"{number:,} {one if number == 1 else many}"


def moderator_summary(status: ev.StatusReply) -> Notice:
    """Return what a moderator's summary says now: how many hands and requests wait, and who is first."""
    if not status.live:
        return notice(MODERATORS, "summary.idle.moderators", "The session ended; nobody is waiting any more.")
    requests = [str(row["user"]) for row in status.requests]
    values = {
        "requests": counted(len(requests), "request to join the stage", "requests to join the stage"),
        "hands": counted(len(status.hands), "raised hand", "raised hands"),
    }
    if not requests and not status.hands:
        return notice(MODERATORS, "summary.clear.moderators", "Nobody is waiting: no requests and no raised hands.")
    text = "*Waiting for you:* {requests} and {hands}."
    groups: dict[str, tuple[str, ...]] = {}
    if requests:
        text += " First in line: {next}."
        groups["next"] = tuple(requests[:FIRST_NAMED])
    if status.hands:
        text += " Hands raised first: {raised}."
        groups["raised"] = tuple(status.hands[:FIRST_NAMED])
    text += " Open the moderator panel to answer them."
    return notice(MODERATORS, "summary.waiting.moderators", text, values=values, groups=groups)
