"""Modal submissions: the get-ready step, a request's note, a channel's settings; acked once committed."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.slack.forms import parse_decline
from adapters.slack.kit import ASK_NOTE, DECLINE_REASON, GET_READY, SETTINGS, WORKSPACE_SETTINGS
from adapters.slack.listeners.common import Body, room_of, team_of, user_of, uses_of
from core import commands as c
from core.errors import NotAdmin


def register(app: AsyncApp) -> None:
    """Listen for stagedoor's modal submissions."""
    app.view(GET_READY)(get_ready)
    app.view(ASK_NOTE)(ask_note)
    app.view(SETTINGS)(settings)
    app.view(WORKSPACE_SETTINGS)(workspace_settings)
    app.view(DECLINE_REASON)(decline_reason)


async def get_ready(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Join the stage after the get-ready step (J1)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        key, user = room_of(body), user_of(body)
        events = await uses.stage.act(key, user, c.JoinStage)
        await ack()  # only once the change is committed: an acked submission survives a crash
        await uses.stage.answer(key, user, events)


async def ask_note(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Ask to join with the note from the form (J2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        key, user = room_of(body), user_of(body)
        note = _values(body).get("note", {}).get("note", {}).get("value")
        events = await uses.stage.act(key, user, lambda actor: c.AskToJoin(actor, note))
        await ack()
        await uses.stage.answer(key, user, events)


async def settings(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Save a channel's settings form, for admins only (A2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        key, user = room_of(body), user_of(body)
        actor = await uses.stage.roles.actor(key, user)
        if not actor.admin:
            await ack(response_action="errors", errors={"default_mode": NotAdmin("channel defaults").message})
            return
        await uses.apply_settings(key, user, _values(body), acked=ack)


async def workspace_settings(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Save the workspace defaults form, for admins only (M2, A2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        user = user_of(body)
        if not await uses.stage.roles.is_admin(user):
            await ack(response_action="errors", errors={"default_mode": NotAdmin("workspace defaults").message})
            return
        await uses.apply_workspace_defaults(team_of(body), user, _values(body), acked=ack)


async def decline_reason(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Decline the request with the reason from the form (J5); the core checks the moderator now (A3)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        channel, target, panel_id = parse_decline((body.get("view") or {}).get("private_metadata") or "")
        key = room_of(body, f"{channel}|{target}")
        reason = (_values(body).get("reason", {}).get("reason", {}).get("value") or "").strip() or None
        await uses.act_on_target(
            user_of(body), key, target, lambda a, t, is_bot: c.DeclineRequest(a, t, is_bot, reason), panel_id, ack
        )


def _values(body: Body) -> dict[str, Any]:
    return dict(((body.get("view") or {}).get("state") or {}).get("values") or {})
