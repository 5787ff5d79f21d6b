"""Reading where a click happened and who did it, the same way for every listener."""

from __future__ import annotations

from typing import Any

from adapters.slack import blocks
from core.room import RoomKey


def team_of(body: dict[str, Any]) -> str:
    """Return the workspace id of a slash command, interaction or event payload."""
    team = body.get("team_id") or body.get("team") or {}
    if isinstance(team, dict):
        team = team.get("id") or (body.get("user") or {}).get("team_id") or ""
    return str(team)


def user_of(body: dict[str, Any]) -> str:
    """Return the id of the person who typed or clicked."""
    user = body.get("user_id") or body.get("user") or {}
    return str(user.get("id") if isinstance(user, dict) else user)


def room_of(body: dict[str, Any], value: str | None = None) -> RoomKey:
    """Return the room a payload acts on: the button's channel, else the message's, else the modal's."""
    channel = blocks.parse_value(value)[0] if value else ""
    if not channel:
        channel = (body.get("channel") or {}).get("id") or body.get("channel_id") or ""
    if not channel:
        channel = (body.get("view") or {}).get("private_metadata") or ""
    return RoomKey("slack", team_of(body), str(channel))


def action_of(body: dict[str, Any]) -> dict[str, Any]:
    """Return the clicked element of a block_actions payload."""
    return dict((body.get("actions") or [{}])[0])
