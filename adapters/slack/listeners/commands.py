"""`/stage …`: parse, check the target is a person, run it, acknowledge, answer the typer.

The command's state change is committed before Slack gets its acknowledgement, so an acked command
survives the process being killed right after (the outbox tells everyone else after a restart).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.slack.export import NOT_ADMIN, export_for, parse_days
from adapters.slack.kit import words
from adapters.slack.listeners.common import Body, room_of, user_of, uses_of
from adapters.slack.notices import help_message, usage_error
from adapters.slack.parse import parse
from adapters.slack.uses import SlackUses
from core.commands import Actor, Arrive, Stats, Status
from core.room import RoomKey


def register(app: AsyncApp) -> None:
    """Listen for the /stage slash command."""
    app.command("/stage")(stage_command)


async def stage_command(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
    """Run /stage, acknowledging once its change is committed."""
    uses = uses_of(context)
    async with uses.stage.busy():
        await run_stage_command(uses, body, ack)


async def export_command(uses: SlackUses, key: RoomKey, user: str, argument: str) -> None:
    """R2: check the admin first (A2, as the core checks roles before arguments), then the days, then export."""
    stage = uses.stage
    if not (await stage.roles.actor(key, user)).admin:
        await stage.tell(key, user, words(NOT_ADMIN))
        return
    days = parse_days(argument)
    if isinstance(days, str):
        await stage.tell(key, user, usage_error(days, "Type `/stage help` for the list."))
        return
    await stage.tell(key, user, await export_for(stage.client, stage.records, key, user, days, stage.clock()))


async def run_stage_command(uses: SlackUses, body: Body, ack: AsyncAck) -> None:
    """Do what the /stage text asks; acknowledge after the commit and before the answer."""
    stage = uses.stage
    key, user = room_of(body), user_of(body)
    parsed = parse(body.get("text") or "")
    if key.channel.startswith("D") and parsed.special != "help":
        await ack()
        message = usage_error("A stage lives in a channel.", "Use /stage in the channel whose huddle is the stage.")
        await stage.tell(key, user, message)
        return
    if parsed.problem:
        await ack()
        await stage.tell(key, user, usage_error(parsed.problem, "Type `/stage help` for the list."))
        return
    if parsed.special == "help":
        await ack()
        await stage.tell(key, user, help_message())
        return
    if parsed.special == "export":
        await ack()  # an export changes nothing, and reading the log takes longer than Slack's 3 s
        await export_command(uses, key, user, parsed.argument)
        return
    if parsed.special == "join":
        await ack()  # the get-ready modal changes nothing; joining happens when it is submitted
        await uses.open_get_ready(key, body.get("trigger_id"), user)
        return
    assert parsed.build is not None
    build = parsed.build
    read_only = isinstance(build(Actor(user), False), Status | Stats)
    if read_only:
        await ack()  # nothing to commit: Slack hears back at once, however slow its role lookups are
    target_is_bot = False
    if parsed.target:
        target_is_bot = parsed.target.startswith("S") is False and await stage.roles.is_bot(parsed.target)
        if not target_is_bot and not parsed.target.startswith("S"):
            # Someone named by mention is a channel member we may not have seen yet.
            await stage.service.handle(key, Arrive(Actor(parsed.target), if_new=True))
    events = await stage.act(key, user, lambda actor: build(actor, target_is_bot))
    if not read_only:
        await ack()
    await stage.answer(key, user, events)
