"""The Slack adapter: a channel's huddle as the stage, run with slack-bolt."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from adapters.outbox import pump
from adapters.slack.app import SlackBot, build_app
from adapters.slack.notify import CONSUMER
from adapters.slack.state import LEGACY_FILE, SlackState

if TYPE_CHECKING:
    from bot.bootstrap import Stagedoor

__all__ = ["SlackBot", "build_app", "serve"]


async def serve(app: Stagedoor) -> None:
    """Run the Slack app (Socket Mode, or HTTP on the configured host and port) until cancelled."""
    settings = app.settings
    if not settings.slack_bot_token:
        raise RuntimeError("SLACK_BOT_TOKEN is not set: create the app from slack/manifest.yml and install it.")
    state = await SlackState.load(app.store)  # in the same database as the stage
    await state.import_file(settings.data_dir / LEGACY_FILE)
    bot = build_app(settings, app.service, app.clock, state=state)
    background = [
        asyncio.create_task(pump(app.store, CONSUMER, bot.deliverer.deliver, app.commits.subscribe())),
        asyncio.create_task(bot.stage.roster.run()),
        asyncio.create_task(bot.tick_forever()),
    ]
    try:
        if settings.slack_mode == "http":
            await _serve_http(bot, settings.slack_http_host, settings.slack_http_port, settings.slack_signing_secret)
        else:
            await _serve_socket(bot, settings.slack_app_token)
    finally:
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await bot.stage.settle()


async def _serve_http(bot: SlackBot, host: str, port: int, secret: object) -> None:
    from adapters.slack.http_mode import run_http

    if not secret:
        raise RuntimeError("HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests.")
    runner = await run_http(bot.app, host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _serve_socket(bot: SlackBot, app_token: object) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    if not app_token:
        raise RuntimeError("Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write).")
    handler = AsyncSocketModeHandler(bot.app, app_token.get_secret_value())  # type: ignore[attr-defined]
    await handler.connect_async()
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()
