"""`/stage …`: parse, check the target is a person, run it, answer the typer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from adapters.slack import blocks
from adapters.slack.listeners.common import room_of, user_of
from adapters.slack.parse import parse
from core.commands import Actor, Arrive

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot


def register(app: AsyncApp, bot: SlackBot) -> None:
    """Listen for the /stage slash command."""

    @app.command("/stage")
    async def stage_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Acknowledge, then run /stage."""
        async with bot.stage.busy():
            await ack()
            await run_stage_command(bot, body)


async def run_stage_command(bot: SlackBot, body: dict[str, Any]) -> None:
    """Do what the /stage text asks."""
    stage = bot.stage
    key, user = room_of(body), user_of(body)
    parsed = parse(body.get("text") or "")
    if key.channel.startswith("D") and parsed.special != "help":
        text = blocks.usage_error("A stage lives in a channel.", "Use /stage in the channel whose huddle is the stage.")
        await stage.tell(key, user, _words(text))
        return
    if parsed.problem:
        await stage.tell(key, user, _words(blocks.usage_error(parsed.problem, "Type `/stage help` for the list.")))
        return
    if parsed.special == "help":
        await stage.tell(key, user, blocks.help_message())
        return
    if parsed.special == "join":
        await bot.open_get_ready(key, body.get("trigger_id"), user)
        return
    assert parsed.build is not None
    target_is_bot = False
    if parsed.target:
        target_is_bot = parsed.target.startswith("S") is False and await stage.roles.is_bot(parsed.target)
        if not target_is_bot and not parsed.target.startswith("S"):
            # Someone named by mention is a channel member we may not have seen yet.
            await stage.service.handle(key, Arrive(Actor(parsed.target), if_new=True))
    build = parsed.build
    events = await stage.act(key, user, lambda actor: build(actor, target_is_bot))
    await stage.answer(key, user, events)


def _words(text: str) -> blocks.Message:
    return blocks.Message(text, [blocks.section(text)])
