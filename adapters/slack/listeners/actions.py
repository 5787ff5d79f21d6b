"""Button clicks and selects: roster buttons, moderator buttons, the moderator panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack import blocks as b
from adapters.slack.listeners.common import action_of, room_of, team_of, user_of
from adapters.slack.state import workspace_room
from core import commands as c
from core.commands import Actor, Arrive
from core.errors import NotAdmin, NotModerator
from core.room import RoomKey

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

SELF_ACTIONS: dict[str, Callable[[Actor], c.Command]] = {
    b.CANCEL: c.CancelRequest,
    b.HAND: c.RaiseHand,
    b.HAND_DOWN: lambda a: c.LowerHand(a),
    b.DECLINE_INVITATION: c.DeclineInvitation,
}
TARGET_ACTIONS: dict[str, Callable[[Actor, str, bool], c.Command]] = {
    b.APPROVE: lambda a, t, bot: c.BringToStage(a, t, bot),
    b.INVITE: lambda a, t, bot: c.Invite(a, t, bot),
    b.REMOVE: lambda a, t, bot: c.RemoveFromStage(a, t, bot),
    b.LOWER: lambda a, t, bot: c.LowerHand(a, t),
}


def register(app: AsyncApp, bot: SlackBot) -> None:
    """Listen for every button and select stagedoor posts."""

    @app.action(b.JOIN)
    @app.action(b.JOIN_INVITED)
    async def join(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Open the get-ready step (J1)."""
        async with bot.stage.busy():
            await ack()
            key = room_of(body, action_of(body).get("value"))
            await bot.open_get_ready(key, body.get("trigger_id"), user_of(body))

    @app.action(b.ASK)
    async def ask(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Open the request form with its optional note (J2)."""
        async with bot.stage.busy():
            await ack()
            key = room_of(body, action_of(body).get("value"))
            await bot.stage.client.views_open(trigger_id=body["trigger_id"], view=b.ask_note(key))

    for action_id, build in SELF_ACTIONS.items():
        app.action(action_id)(_self_action(bot, build))

    @app.action(b.DECLINE)
    async def decline(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Open the decline form for its optional reason (J5), for moderators only (A3)."""
        async with bot.stage.busy():
            await ack()
            value = action_of(body).get("value") or ""
            key, user = room_of(body, value), user_of(body)
            if not await _may_moderate(bot, key, user):
                await _refuse(bot, key, user, NotModerator("decline requests").message)
                return
            panel_id = _panel_id(body)
            form = b.decline_reason(key, b.parse_value(value)[1], panel_id)
            if panel_id:  # a modal is open: the form goes on top of it, and closing it returns to the panel
                await bot.stage.client.views_push(trigger_id=body["trigger_id"], view=form)
            else:
                await bot.stage.client.views_open(trigger_id=body["trigger_id"], view=form)

    for action_id, build_t in TARGET_ACTIONS.items():
        app.action(action_id)(_target_action(bot, build_t))

    @app.action(b.INVITE_PICK)
    async def invite_pick(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Invite the person picked in the moderator panel (J7)."""
        async with bot.stage.busy():
            await ack()
            target = action_of(body).get("selected_user") or ""
            await act_on_target(bot, user_of(body), room_of(body), target, TARGET_ACTIONS[b.INVITE], _panel_id(body))

    @app.action(b.PANEL)
    async def open_panel(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Open the moderator panel, for moderators only."""
        async with bot.stage.busy():
            await ack()
            key, user = room_of(body, action_of(body).get("value")), user_of(body)
            if not await _may_moderate(bot, key, user):
                await _refuse(bot, key, user, NotModerator("open the moderator panel").message)
                return
            status = await bot.stage.status(key, await bot.stage.roles.actor(key, user))
            await bot.stage.client.views_open(trigger_id=body["trigger_id"], view=b.panel(status, key))

    @app.action(b.ASK_LEAVE)
    async def ask_to_leave(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Send someone in the huddle a moderator's request to leave."""
        async with bot.stage.busy():
            await ack()
            key, user = room_of(body, action_of(body).get("value")), user_of(body)
            target = b.parse_value(action_of(body).get("value") or "")[1]
            if not await _may_moderate(bot, key, user):
                await _refuse(bot, key, user, NotModerator("ask people to leave the huddle").message)
                return
            await bot.stage.tell(key, target, b.leave_request(user))
            text = f":wave: Asked {b.mention(target)} to leave the huddle."
            await bot.stage.tell(key, user, b.Message(text, [b.section(text)]))

    @app.action(b.HOME_EDIT)
    @app.action(b.HOME_PICK)
    async def edit_channel(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Open a channel's settings form, for admins only (A2)."""
        async with bot.stage.busy():
            await ack()
            action = action_of(body)
            channel = action.get("selected_conversation") or b.parse_value(action.get("value") or "")[0]
            user = user_of(body)
            key = room_of({**body, "channel": {"id": channel}})
            actor = await bot.stage.roles.actor(key, user)
            if not actor.admin:
                text = b.error_words("not_admin", NotAdmin("channel defaults").message)
                await bot.stage.client.chat_postMessage(channel=user, text=text, blocks=[b.section(text)])
                return
            status = await bot.stage.status(key, actor)
            form = b.settings_form(key, status, bot.stage.state.channel(key).stage_channel)
            await bot.stage.client.views_open(trigger_id=body["trigger_id"], view=form)

    @app.action(b.HOME_WORKSPACE)
    async def edit_workspace(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Open the workspace defaults form, for admins only (M2, A2)."""
        async with bot.stage.busy():
            await ack()
            user = user_of(body)
            if not await bot.stage.roles.is_admin(user):
                text = b.error_words("not_admin", NotAdmin("workspace defaults").message)
                await bot.stage.client.chat_postMessage(channel=user, text=text, blocks=[b.section(text)])
                return
            form = b.workspace_form(workspace_room(team_of(body)))
            await bot.stage.client.views_open(trigger_id=body["trigger_id"], view=form)


def _self_action(bot: SlackBot, build: Callable[[Actor], c.Command]) -> Callable[..., Any]:
    async def on_click(ack: AsyncAck, body: dict[str, Any]) -> None:
        async with bot.stage.busy():
            await ack()
            key, user = room_of(body, action_of(body).get("value")), user_of(body)
            events = await bot.stage.act(key, user, build)
            await bot.stage.answer(key, user, events)

    return on_click


def _target_action(bot: SlackBot, build: Callable[[Actor, str, bool], c.Command]) -> Callable[..., Any]:
    async def on_click(ack: AsyncAck, body: dict[str, Any]) -> None:
        async with bot.stage.busy():
            await ack()
            value = action_of(body).get("value") or ""
            key, target = room_of(body, value), b.parse_value(value)[1]
            await act_on_target(bot, user_of(body), key, target, build, _panel_id(body))

    return on_click


def _panel_id(body: dict[str, Any]) -> str | None:
    view = body.get("view") or {}
    return view.get("id") if view.get("callback_id") == b.PANEL_VIEW else None


async def _may_moderate(bot: SlackBot, key: RoomKey, user: str) -> bool:
    """A3: say whether Slack or the room makes this person a moderator right now."""
    actor = await bot.stage.roles.actor(key, user)
    return actor.moderator or user in await bot.stage.moderators(key)


async def act_on_target(
    bot: SlackBot,
    user: str,
    key: RoomKey,
    target: str,
    build: Callable[[Actor, str, bool], c.Command],
    panel_id: str | None = None,
) -> None:
    """Run a moderator's action on someone; refresh the moderator panel it came from, if any."""
    stage = bot.stage
    is_bot = await stage.roles.is_bot(target) if target else False
    if target and not is_bot:
        await stage.service.handle(key, Arrive(Actor(target), if_new=True))
    events = await stage.act(key, user, lambda actor: build(actor, target, is_bot))
    await stage.answer(key, user, events)
    if panel_id:
        status = await stage.status(key, await stage.roles.actor(key, user))
        await stage.client.views_update(view_id=panel_id, view=b.panel(status, key))


async def _refuse(bot: SlackBot, key: RoomKey, user: str, message: str) -> None:
    text = b.error_words("not_moderator", message)
    await bot.stage.tell(key, user, b.Message(text, [b.section(text)]))
