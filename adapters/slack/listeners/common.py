"""What every listener shares: the use cases from Bolt's context, and where a click happened and by whom."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from adapters.slack.kit import parse_value
from adapters.slack.uses import SlackUses
from core.room import RoomKey

Body = dict[str, Any]
Next = Callable[[], Awaitable[None]]
USES = "stagedoor_uses"  # the context key the use cases travel under


def provide(uses: SlackUses) -> Callable[[AsyncBoltContext, Next], Awaitable[None]]:
    """Return middleware that hands the use cases to every listener through Bolt's context."""

    async def middleware(context: AsyncBoltContext, next: Next) -> None:
        context[USES] = uses
        await next()

    return middleware


def uses_of(context: AsyncBoltContext) -> SlackUses:
    """Return the use cases the middleware put in the context."""
    uses = context.get(USES)
    if not isinstance(uses, SlackUses):
        raise LookupError("the stagedoor middleware did not run for this request")
    return uses


def team_of(body: Body) -> str:
    """Return the workspace id of a slash command, interaction or event payload."""
    team = body.get("team_id") or body.get("team") or {}
    if isinstance(team, dict):
        team = team.get("id") or (body.get("user") or {}).get("team_id") or ""
    return str(team)


def user_of(body: Body) -> str:
    """Return the id of the person who typed or clicked."""
    user = body.get("user_id") or body.get("user") or {}
    return str(user.get("id") if isinstance(user, dict) else user)


def room_of(body: Body, value: str | None = None) -> RoomKey:
    """Return the room a payload acts on: the button's channel, else the message's, else the modal's."""
    channel = parse_value(value)[0] if value else ""
    if not channel:
        channel = (body.get("channel") or {}).get("id") or body.get("channel_id") or ""
    if not channel:
        channel = (body.get("view") or {}).get("private_metadata") or ""
    return RoomKey("slack", team_of(body), str(channel))


def action_of(body: Body) -> dict[str, Any]:
    """Return the clicked element of a block_actions payload."""
    return dict((body.get("actions") or [{}])[0])
