"""Button clicks and selects: roster buttons, moderator buttons, the moderator panel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.slack.forms import ask_note, decline_reason, settings_form, workspace_form
from adapters.slack.kit import (
    APPROVE,
    ASK,
    ASK_LEAVE,
    CANCEL,
    DECLINE,
    DECLINE_INVITATION,
    EXTEND_FIVE,
    EXTEND_MINUTE,
    HAND,
    HAND_DOWN,
    HANDS_DOWN_ALL,
    HOME_EDIT,
    HOME_PICK,
    HOME_WORKSPACE,
    INVITE,
    INVITE_PICK,
    JOIN,
    JOIN_INVITED,
    LOWER,
    NEXT,
    PANEL,
    PANEL_VIEW,
    REMOVE,
    WITHDRAW,
    mention,
    parse_value,
    words,
)
from adapters.slack.listeners.common import Body, action_of, room_of, team_of, user_of, uses_of
from adapters.slack.notices import leave_request, refusal
from adapters.slack.panels import panel
from adapters.slack.state import workspace_room
from adapters.slack.uses import SlackUses, TargetCommand
from core import commands as c
from core.commands import Actor
from core.errors import NotAdmin, NotModerator, StageError
from core.room import RoomKey

Listener = Callable[[AsyncAck, Body, AsyncBoltContext], Awaitable[None]]

SELF_ACTIONS: dict[str, Callable[[Actor], c.Command]] = {
    CANCEL: c.CancelRequest,
    HAND: c.RaiseHand,
    HAND_DOWN: lambda a: c.LowerHand(a),
    DECLINE_INVITATION: c.DeclineInvitation,
}
TARGET_ACTIONS: dict[str, TargetCommand] = {
    APPROVE: lambda a, t, bot: c.BringToStage(a, t, bot),
    INVITE: lambda a, t, bot: c.Invite(a, t, bot),
    REMOVE: lambda a, t, bot: c.RemoveFromStage(a, t, bot),
    LOWER: lambda a, t, bot: c.LowerHand(a, t),
    WITHDRAW: lambda a, t, bot: c.Uninvite(a, t, bot),
    EXTEND_MINUTE: lambda a, t, bot: c.ExtendTurn(a, t, bot, "60"),
    EXTEND_FIVE: lambda a, t, bot: c.ExtendTurn(a, t, bot, "300"),
    # Room-wide: the button names nobody, and the core checks the clicker's roles at the click (A3).
    NEXT: lambda a, t, bot: c.NextSpeaker(a),
    HANDS_DOWN_ALL: lambda a, t, bot: c.LowerAllHands(a),
}


def register(app: AsyncApp) -> None:
    """Listen for every button and select stagedoor posts."""
    app.action(JOIN)(join)
    app.action(JOIN_INVITED)(join)
    app.action(ASK)(ask)
    for action_id, build in SELF_ACTIONS.items():
        app.action(action_id)(self_action(build))
    app.action(DECLINE)(decline)
    for action_id, build_t in TARGET_ACTIONS.items():
        app.action(action_id)(target_action(build_t))
    app.action(INVITE_PICK)(invite_pick)
    app.action(PANEL)(open_panel)
    app.action(ASK_LEAVE)(ask_to_leave)
    app.action(HOME_EDIT)(edit_channel)
    app.action(HOME_PICK)(edit_channel)
    app.action(HOME_WORKSPACE)(edit_workspace)


async def join(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Open the get-ready step (J1)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        key = room_of(body, action_of(body).get("value"))
        await uses.open_get_ready(key, body.get("trigger_id"), user_of(body))


async def ask(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Open the request form with its optional note (J2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        key = room_of(body, action_of(body).get("value"))
        await uses.stage.client.views_open(trigger_id=body["trigger_id"], view=ask_note(key))


def self_action(build: Callable[[Actor], c.Command]) -> Listener:
    """Return the listener for a button that acts on the clicker themself."""

    async def on_click(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        uses = uses_of(context)
        async with uses.stage.busy():
            key, user = room_of(body, action_of(body).get("value")), user_of(body)
            events = await uses.stage.act(key, user, build)
            await ack()  # only once the change is committed: an acked click survives a crash
            await uses.stage.answer(key, user, events)

    return on_click


def target_action(build: TargetCommand) -> Listener:
    """Return the listener for a moderator's button that acts on someone."""

    async def on_click(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        uses = uses_of(context)
        async with uses.stage.busy():
            value = action_of(body).get("value") or ""
            key, target = room_of(body, value), parse_value(value)[1]
            await uses.act_on_target(user_of(body), key, target, build, _panel_id(body), acked=ack)

    return on_click


async def decline(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Open the decline form for its optional reason (J5), for moderators only (A3)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        value = action_of(body).get("value") or ""
        key, user = room_of(body, value), user_of(body)
        if not await uses.may_moderate(key, user):
            await _refuse(uses, key, user, NotModerator("decline requests"))
            return
        panel_id = _panel_id(body)
        form = decline_reason(key, parse_value(value)[1], panel_id)
        if panel_id:  # a modal is open: the form goes on top of it, and closing it returns to the panel
            await uses.stage.client.views_push(trigger_id=body["trigger_id"], view=form)
        else:
            await uses.stage.client.views_open(trigger_id=body["trigger_id"], view=form)


async def invite_pick(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Invite the person picked in the moderator panel (J7)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        target = action_of(body).get("selected_user") or ""
        key, build = room_of(body), TARGET_ACTIONS[INVITE]
        await uses.act_on_target(user_of(body), key, target, build, _panel_id(body), acked=ack)


async def open_panel(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Open the moderator panel, for moderators only."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        key, user = room_of(body, action_of(body).get("value")), user_of(body)
        if not await uses.may_moderate(key, user):
            await _refuse(uses, key, user, NotModerator("open the moderator panel"))
            return
        status = await uses.stage.status(key, await uses.stage.roles.actor(key, user))
        await uses.stage.client.views_open(trigger_id=body["trigger_id"], view=panel(status, key))


async def ask_to_leave(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Send someone in the huddle a moderator's request to leave."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        key, user = room_of(body, action_of(body).get("value")), user_of(body)
        target = parse_value(action_of(body).get("value") or "")[1]
        if not await uses.may_moderate(key, user):
            await _refuse(uses, key, user, NotModerator("ask people to leave the huddle"))
            return
        await uses.stage.tell(key, target, leave_request(user))
        await uses.stage.tell(key, user, words(f":wave: Asked {mention(target)} to leave the huddle."))


async def edit_channel(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Open a channel's settings form, for admins only (A2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        action = action_of(body)
        channel = action.get("selected_conversation") or parse_value(action.get("value") or "")[0]
        user = user_of(body)
        key = room_of({**body, "channel": {"id": channel}})
        actor = await uses.stage.roles.actor(key, user)
        if not actor.admin:
            await _refuse_in_dm(uses, user, NotAdmin("channel defaults"))
            return
        status = await uses.stage.status(key, actor)
        form = settings_form(key, status, uses.stage.state.channel(key).stage_channel)
        await uses.stage.client.views_open(trigger_id=body["trigger_id"], view=form)


async def edit_workspace(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Open the workspace defaults form, for admins only (M2, A2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        user = user_of(body)
        if not await uses.stage.roles.is_admin(user):
            await _refuse_in_dm(uses, user, NotAdmin("workspace defaults"))
            return
        form = workspace_form(workspace_room(team_of(body)))
        await uses.stage.client.views_open(trigger_id=body["trigger_id"], view=form)


def _panel_id(body: Body) -> str | None:
    view = body.get("view") or {}
    found = view.get("id") if view.get("callback_id") == PANEL_VIEW else None
    return str(found) if found else None


async def _refuse(uses: SlackUses, key: RoomKey, user: str, error: StageError) -> None:
    await uses.stage.tell(key, user, refusal(error, user))


async def _refuse_in_dm(uses: SlackUses, user: str, error: StageError) -> None:
    message = refusal(error, user)
    await uses.stage.client.chat_postMessage(channel=user, text=message.text, blocks=message.blocks)
