"""Modal submissions: the get-ready step, a request's note, a channel's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack import blocks as b
from adapters.slack.listeners.actions import act_on_target
from adapters.slack.listeners.common import room_of, team_of, user_of
from core import commands as c
from core.errors import NotAdmin

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot


def register(app: AsyncApp, bot: SlackBot) -> None:
    """Listen for stagedoor's modal submissions."""

    @app.view(b.GET_READY)
    async def get_ready(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Join the stage after the get-ready step (J1)."""
        async with bot.stage.busy():
            await ack()
            key, user = room_of(body), user_of(body)
            events = await bot.stage.act(key, user, c.JoinStage)
            await bot.stage.answer(key, user, events)

    @app.view(b.ASK_NOTE)
    async def ask_note(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Ask to join with the note from the form (J2)."""
        async with bot.stage.busy():
            await ack()
            key, user = room_of(body), user_of(body)
            note = _values(body).get("note", {}).get("note", {}).get("value")
            events = await bot.stage.act(key, user, lambda actor: c.AskToJoin(actor, note))
            await bot.stage.answer(key, user, events)

    @app.view(b.SETTINGS)
    async def settings(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Save a channel's settings form, for admins only (A2)."""
        async with bot.stage.busy():
            key, user = room_of(body), user_of(body)
            actor = await bot.stage.roles.actor(key, user)
            if not actor.admin:
                await ack(response_action="errors", errors={"default_mode": NotAdmin("channel defaults").message})
                return
            await ack()
            await bot.apply_settings(key, user, _values(body))

    @app.view(b.WORKSPACE_SETTINGS)
    async def workspace_settings(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Save the workspace defaults form, for admins only (M2, A2)."""
        async with bot.stage.busy():
            user = user_of(body)
            if not await bot.stage.roles.is_admin(user):
                await ack(response_action="errors", errors={"default_mode": NotAdmin("workspace defaults").message})
                return
            await ack()
            await bot.apply_workspace_defaults(team_of(body), user, _values(body))

    @app.view(b.DECLINE_REASON)
    async def decline_reason(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Decline the request with the reason from the form (J5); the core checks the moderator now (A3)."""
        async with bot.stage.busy():
            await ack()
            channel, target, panel_id = b.parse_decline((body.get("view") or {}).get("private_metadata") or "")
            key = room_of(body, f"{channel}|{target}")
            reason = (_values(body).get("reason", {}).get("reason", {}).get("value") or "").strip() or None
            await act_on_target(
                bot, user_of(body), key, target, lambda a, t, is_bot: c.DeclineRequest(a, t, is_bot, reason), panel_id
            )


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return dict(((body.get("view") or {}).get("state") or {}).get("values") or {})
