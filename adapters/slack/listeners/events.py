"""Events API: channel activity (C4), people arriving and leaving (L2), huddles, App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.slack.listeners.common import Body, uses_of
from core.commands import Actor, Arrive, Leave, Speak
from core.room import RoomKey

# Message subtypes that are a person talking; edits, joins and bot posts are not activity.
SPOKEN = {None, "thread_broadcast", "file_share", "me_message"}


def register(app: AsyncApp) -> None:
    """Listen for the events the manifest subscribes to; a retried delivery does nothing (X2)."""
    app.event("message")(message)
    app.event("member_joined_channel")(joined)
    app.event("member_left_channel")(left)
    app.event("user_huddle_changed")(huddle_changed)
    app.event("user_change")(user_changed)
    app.event("app_home_opened")(home_opened)


async def message(ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Count a message as activity (C4), or follow the huddle through its message and that message's edits."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        if not uses.stage.first_delivery(body.get("event_id")):
            return
        team, channel = body.get("team_id") or "", event.get("channel") or ""
        huddle = huddle_of(event)
        if huddle is not None:
            await uses.huddles.huddle_message(team, channel, huddle, event.get("ts") or event.get("event_ts") or "")
            return
        user = event.get("user")
        if not user or event.get("bot_id") or event.get("subtype") not in SPOKEN:
            return
        # C4: talking in the gated stage channel counts for the room it is the stage of.
        key = await uses.stage.state.stage_channel_room(team, channel) or RoomKey("slack", team, channel)
        await uses.stage.service.handle(key, Arrive(Actor(user)))
        await uses.stage.service.handle(key, Speak(Actor(user)))


def huddle_of(event: dict[str, Any]) -> dict[str, Any] | None:
    """Return the huddle room a huddle message carries: its first post, or Slack's (hidden) edit of it."""
    message = event.get("message") if event.get("subtype") == "message_changed" else event
    if not isinstance(message, dict) or message.get("subtype") != "huddle_thread":
        return None
    room = message.get("room")
    return room if isinstance(room, dict) else None


async def joined(ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Someone joined the channel: they are in the room."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        team = body.get("team_id") or event.get("team") or ""
        if uses.stage.first_delivery(body.get("event_id")) and not await uses.stage.state.stage_channel_room(
            team, event["channel"]
        ):
            key = RoomKey("slack", team, event["channel"])
            await uses.stage.service.handle(key, Arrive(Actor(event["user"])))


async def left(ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Someone left the channel: they leave the room (L2)."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        if not uses.stage.first_delivery(body.get("event_id")):
            return
        team = body.get("team_id") or event.get("team") or ""
        if await uses.stage.state.stage_channel_room(team, event["channel"]):
            return  # leaving the gated stage channel is stagedoor's own kick, already recorded
        key = RoomKey("slack", team, event["channel"])
        await uses.stage.service.handle(key, Leave(Actor(event["user"])))


async def huddle_changed(ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Follow a person into or out of a stage huddle."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        if uses.stage.first_delivery(body.get("event_id")):
            uses.stage.roles.learn(event.get("user") or {})  # the payload carries the whole profile, roles too
            await uses.huddles.user_changed(event.get("user") or {})


async def user_changed(ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext) -> None:
    """A3: a profile changed (an admin made or unmade, say): the roles cache takes the new one at once."""
    uses = uses_of(context)
    await ack()
    uses.stage.roles.learn(event.get("user") or {})


async def home_opened(ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Show the admin page on the Home tab."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await ack()
        if event.get("tab", "home") == "home" and uses.stage.first_delivery(body.get("event_id")):
            await uses.publish_home(body.get("team_id") or "", event["user"])
