"""Who is told what about each event, and which actions they are offered: decided once for every platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

from adapters.present import line
from adapters.present.notice import Notice
from adapters.present.personal import About, about
from adapters.present.refusals import present_error
from adapters.present.settings import settings_notice
from adapters.present.words import ROOM, key, mode_label, notice
from core import events as ev


def present(event: ev.Event, batch: Sequence[ev.Event] = ()) -> list[Notice]:
    """Return one notice per recipient of an event, in the order they are told; `batch` is the command's events."""
    return [line.offer_line(event, told) for told in _present(event, batch)]


def _present(event: ev.Event, batch: Sequence[ev.Event]) -> list[Notice]:
    if not isinstance(event, ev.AnyEvent):
        raise TypeError(f"not a stage event: {event!r}")
    if isinstance(event, About):
        return about(event, batch)
    match event:
        case ev.SessionStarted():
            by = "{by} started a session." if event.by else "A session started."
            return [_room(event, by + " The stage is in *{mode}* mode.", by=event.by, mode=event.mode)]
        case ev.SessionEnded():
            by = "{by} ended the session." if event.by else "The session ended."
            return [_room(event, by + " Everyone is back in the audience.", by=event.by)]
        case ev.ModeChanged():
            by = "{by} changed" if event.by else "The stage changed"
            text = by + (" the stage to *{mode}* mode." if event.by else " to *{mode}* mode.")
            return [_room(event, text, by=event.by, mode=event.mode)]
        case ev.SettingsChanged():
            return [settings_notice(event)]
        case ev.ErrorReply():
            return [present_error(event)]
        case ev.StatusReply():
            return [_status(event)]
        case ev.RequestNext():
            return line.request_next(event)
        case ev.TurnWarning():
            return line.turn_warning(event)
        case ev.TurnExtended():
            return line.turn_extended(event)
        case ev.StatsReply():
            return [line.stats(event)]
        case _:
            assert_never(event)


def _room(
    event: ev.SessionStarted | ev.SessionEnded | ev.ModeChanged, text: str, by: str | None, mode: str = ""
) -> Notice:
    variant = "" if by else "unattributed"
    values = {"mode": mode_label(mode)} if mode else {}
    return notice(ev.ROOM, key(event, variant, ROOM), text, {"by": by}, values)


def _status(event: ev.StatusReply) -> Notice:
    # The roster itself (who is where) is a table each renderer lays out from the event.
    if event.live:
        return notice(
            event.actor,
            "status.live.actor",
            "A session is live in *{mode}* mode.",
            values={"mode": mode_label(event.mode)},
        )
    text = "No session is live; the next one starts in *{mode}* mode."
    return notice(event.actor, "status.idle.actor", text, values={"mode": mode_label(event.mode)})
