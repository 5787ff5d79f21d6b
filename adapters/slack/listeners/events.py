"""Events API: channel activity (C4), people arriving and leaving (L2), huddles, App Home."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from core.commands import Actor, Arrive, Leave, Speak
from core.room import RoomKey

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

# Message subtypes that are a person talking; edits, joins and bot posts are not activity.
SPOKEN = {None, "thread_broadcast", "file_share", "me_message"}


def register(app: AsyncApp, bot: SlackBot) -> None:
    """Listen for the events the manifest subscribes to."""

    async def once(body: dict[str, Any]) -> bool:
        return bot.stage.first_delivery(body.get("event_id"))  # X2: a retried delivery does nothing

    @app.event("message")
    async def message(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Count a message as activity (C4), or learn a huddle from its start message."""
        async with bot.stage.busy():
            await ack()
            if not await once(body):
                return
            team, channel = body.get("team_id") or "", event.get("channel") or ""
            if event.get("subtype") == "huddle_thread" and isinstance(event.get("room"), dict):
                await bot.huddles.huddle_message(team, channel, event["room"])
                return
            user = event.get("user")
            if not user or event.get("bot_id") or event.get("subtype") not in SPOKEN:
                return
            # C4: talking in the gated stage channel counts for the room it is the stage of.
            key = bot.stage.state.room_of_stage_channel(team, channel) or RoomKey("slack", team, channel)
            await bot.stage.service.handle(key, Arrive(Actor(user)))
            await bot.stage.service.handle(key, Speak(Actor(user)))

    @app.event("member_joined_channel")
    async def joined(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Someone joined the channel: they are in the room."""
        async with bot.stage.busy():
            await ack()
            team = body.get("team_id") or event.get("team") or ""
            if await once(body) and not bot.stage.state.room_of_stage_channel(team, event["channel"]):
                key = RoomKey("slack", team, event["channel"])
                await bot.stage.service.handle(key, Arrive(Actor(event["user"])))

    @app.event("member_left_channel")
    async def left(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Someone left the channel: they leave the room (L2)."""
        async with bot.stage.busy():
            await ack()
            if not await once(body):
                return
            team = body.get("team_id") or event.get("team") or ""
            if bot.stage.state.room_of_stage_channel(team, event["channel"]):
                return  # leaving the gated stage channel is stagedoor's own kick, already recorded
            key = RoomKey("slack", team, event["channel"])
            await bot.stage.service.handle(key, Leave(Actor(event["user"])))

    @app.event("user_huddle_changed")
    async def huddle_changed(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Follow a person into or out of a stage huddle."""
        async with bot.stage.busy():
            await ack()
            if await once(body):
                await bot.huddles.user_changed(event.get("user") or {})

    @app.event("app_home_opened")
    async def home_opened(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Show the admin page on the Home tab."""
        async with bot.stage.busy():
            await ack()
            if event.get("tab", "home") == "home" and await once(body):
                await bot.publish_home(body.get("team_id") or "", event["user"])
