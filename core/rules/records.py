"""Records: each person's figures for the live or last session (R1)."""

from __future__ import annotations

from typing import Any

from core import commands as c
from core import events as ev
from core.room import Room, whole_seconds
from core.rules.checks import Events, require_moderator


def stats(room: Room, cmd: c.Stats, now: float) -> Events:
    """R1: the session's people, most seconds on stage first, ties by name."""
    require_moderator(room, cmd, "see the stage's stats")
    number = room.session.number
    people: list[dict[str, Any]] = []
    if number > 0:  # no session ever: nobody
        for person in room.people.values():
            if person.tally != number:
                continue
            people.append(
                {
                    "user": person.user,
                    "stage_seconds": whole_seconds(room.stage_seconds(person, now)),
                    "joins": person.joins,
                    "requests": person.requests_made,
                    "declined": person.times_declined,
                    "waited_seconds": whole_seconds(person.waited_seconds),
                }
            )
    people.sort(key=lambda p: (-p["stage_seconds"], p["user"]))
    return [ev.StatsReply(cmd.actor.user, room.session.live, people)]
