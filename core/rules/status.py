"""The status answer: the room in rule order, as the asker may see it."""

from __future__ import annotations

from typing import Any

from core import commands as c
from core import events as ev
from core.room import Room
from core.rules.checks import Events


def status(room: Room, cmd: c.Status, now: float) -> Events:
    """Answer anyone, any time: the room in rule order."""
    live = room.session.live
    moderator = room.is_moderator(cmd.actor)
    requests: list[dict[str, Any]] = []
    for index, user in enumerate(room.requests, start=1):
        item: dict[str, Any] = {"user": user, "position": index}
        if moderator:
            item["note"] = room.people[user].note
        requests.append(item)
    return [
        ev.StatusReply(
            actor=cmd.actor.user,
            live=live,
            mode=room.mode.value,
            count=len(room.stage),
            capacity=room.capacity,
            on_stage=list(room.stage),
            on_camera=room.on_camera(),
            requests=requests,
            invitations=list(room.invitations),
            hands=list(room.hands),
            turns={u: ends for u in room.stage if (ends := room.people[u].turn_ends_at) is not None},
        )
    ]
