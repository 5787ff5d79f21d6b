"""Everything the console prints of an event: a JSON line, or the presenter's notice as a readable line."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from adapters.console.words import Delivery
from adapters.present import Action, ActionKind, Notice, present
from core import events as ev

__all__ = ["Delivery", "as_json", "as_text", "deliveries", "fill", "offer"]

EMPHASIS = re.compile(r"\*([^*\n]+)\*")  # the console shows emphasis as plain words

# What to type for each action (a target is named after the command).
COMMANDS: dict[ActionKind, str] = {
    ActionKind.JOIN_STAGE: "/stage join",
    ActionKind.DECLINE_INVITATION: "/stage decline",
    ActionKind.CANCEL_REQUEST: "/stage cancel",
    ActionKind.ASK_TO_JOIN: "/stage ask",
    ActionKind.RAISE_HAND: "/stage hand",
    ActionKind.LOWER_HAND: "/stage hand down",
    ActionKind.BRING_TO_STAGE: "/stage approve",
    ActionKind.DECLINE_REQUEST: "/stage decline",
    ActionKind.INVITE: "/stage invite",
    ActionKind.REMOVE: "/stage remove",
}
# Sentences for the sets of actions notices offer; any other set is listed plainly.
OFFERS: dict[tuple[ActionKind, ...], str] = {
    (ActionKind.JOIN_STAGE, ActionKind.DECLINE_INVITATION): "Join with {0}, or say no with {1}.",
    (ActionKind.JOIN_STAGE,): "Use {0}.",
    (ActionKind.CANCEL_REQUEST,): "Cancel with {0}.",
    (ActionKind.BRING_TO_STAGE, ActionKind.DECLINE_REQUEST): "Answer with {0} or {1}.",
    (ActionKind.INVITE,): "Invite them with {0}.",
}


def deliveries(event: ev.Event) -> list[Delivery]:
    """Return one delivery per recipient of an event, in the order they are told."""
    return [(recipient, event) for recipient in event.recipients()]


def as_json(delivery: Delivery) -> str:
    """Return one delivery as a JSON line: `{"to": ..., "event": ..., ...fields}`."""
    recipient, event = delivery
    return json.dumps({"to": recipient, **event.as_dict()}, ensure_ascii=False)


def as_text(delivery: Delivery, batch: Sequence[ev.Event] = ()) -> str:
    """Return one delivery as what its recipient would read in a chat; `batch` is the line's other events."""
    recipient, event = delivery
    notices = present(event, batch)
    notice = next((n for n in notices if n.recipient == recipient), notices[0])
    words = " ".join(part for part in (fill(notice), offer(notice.actions)) if part)
    if isinstance(event, ev.ErrorReply):
        words = f"Sorry: {words}"
    elif isinstance(event, ev.StatusReply):
        words = "\n".join([words, *_roster(event)])
    elif isinstance(event, ev.StatsReply):
        words = "\n".join([words, *_figures(event)])
    return f"[{'everyone' if recipient == ev.ROOM else recipient}] {words}"


def fill(notice: Notice) -> str:
    """Return a notice's words with every placeholder filled (people by their console names)."""
    names: dict[str, str | int] = {**notice.people, **notice.values}
    names.update({key: ", ".join(group) for key, group in notice.groups.items()})
    return EMPHASIS.sub(r"\1", notice.text).format_map(names)


def offer(actions: Sequence[Action]) -> str:
    """Say which commands answer a notice."""
    if not actions:
        return ""
    commands = [" ".join(filter(None, (COMMANDS[a.kind], a.target))) for a in actions]
    sentence = OFFERS.get(tuple(a.kind for a in actions))
    return sentence.format(*commands) if sentence else "You can use " + " or ".join(commands) + "."


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "nobody"


def _roster(status: ev.StatusReply) -> list[str]:
    """Lay out who is where, below the status notice's first line."""
    requests = [f"{r['position']}. {r['user']}" + (f' "{r["note"]}"' if r.get("note") else "") for r in status.requests]
    audio_only = [name for name in status.on_stage if name not in status.on_camera]
    camera = f" (on camera: {_names(status.on_camera)}" + (
        f"; audio only: {_names(audio_only)})" if audio_only else ")"
    )
    return [
        f"  on stage: {status.count} / {status.capacity}: {_names(status.on_stage)}{camera if status.on_stage else ''}",
        f"  requests: {_names(requests)}",
        f"  invitations: {_names(status.invitations)}",
        f"  hands: {_names(status.hands)}",
    ]


def _figures(stats: ev.StatsReply) -> list[str]:
    """Lay out each person's R1 figures, one line each, below the stats notice."""
    return [
        f"  {p['user']}: {p['stage_seconds']} s on stage, joined {p['joins']}, asked {p['requests']}, "
        f"declined {p['declined']}, waited {p['waited_seconds']} s"
        for p in stats.people
    ]
