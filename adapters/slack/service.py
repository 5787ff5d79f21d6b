"""Slack as `stagedoor run` serves it: check the token, take input, and stop without losing acked work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.outbox import pump
from adapters.platform import PlatformFailure, wait_for_tasks
from adapters.slack.app import SlackBot, build_app
from adapters.slack.client import make_client
from adapters.slack.http_mode import Intake, run_http
from adapters.slack.notify import CONSUMER
from adapters.slack.state import LEGACY_FILE, SlackState

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.bootstrap import Stagedoor

log = logging.getLogger("stagedoor.slack")

NAME = "slack"
# Slack's answers to auth.test that mean the token itself is wrong: no retry can help.
BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
BOT_TOKEN_HELP = "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
APP_TOKEN_HELP = "create an app-level token (xapp-…) with connections:write under Basic Information"


class SlackPlatform:
    """The Bolt app with its outbox, roster and tick loops, over HTTP or Socket Mode."""

    name = NAME

    def __init__(self, app: Stagedoor, health: Callable[[web.Application], None] | None = None) -> None:
        self._app = app
        self._health = health  # health routes to serve on the Slack port, when the two ports are one
        self.bot: SlackBot | None = None
        self._intake = Intake()
        self._runner: web.AppRunner | None = None
        self._handler: AsyncSocketModeHandler | None = None
        self._wake = app.commits.subscribe()
        self._stop_delivery = asyncio.Event()
        self._delivery: asyncio.Task[None] | None = None
        self._roster: asyncio.Task[None] | None = None
        self._tick: asyncio.Task[None] | None = None

    @property
    def http(self) -> bool:
        return self._app.settings.slack_mode == "http"

    async def start(self) -> None:
        """Check the bot token with auth.test, then listen (HTTP) or connect (Socket Mode)."""
        settings = self._app.settings
        if not settings.slack_bot_token:
            raise PlatformFailure(
                NAME, "SLACK_BOT_TOKEN is not set: create the app from slack/manifest.yml and install it"
            )
        if self.http and not settings.slack_signing_secret:
            raise PlatformFailure(NAME, "HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests")
        if not self.http and not settings.slack_app_token:
            raise PlatformFailure(NAME, "Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write)")
        client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        await _check_bot_token(client, settings.slack_api_url)
        state = await SlackState.load(self._app.store)  # in the same database as the stage
        await state.import_file(settings.data_dir / LEGACY_FILE)
        bot = self.bot = build_app(settings, self._app.service, self._app.clock, client=client, state=state)
        self._delivery = asyncio.create_task(
            pump(self._app.store, CONSUMER, bot.deliverer.deliver, self._wake, stop=self._stop_delivery)
        )
        self._roster = asyncio.create_task(bot.stage.roster.run())
        self._tick = asyncio.create_task(bot.tick_forever())
        if self.http:
            await self._listen(bot)
        else:
            await self._connect(bot)

    async def _listen(self, bot: SlackBot) -> None:
        host, port = self._app.settings.slack_http_host, self._app.settings.slack_http_port
        try:
            self._runner = await run_http(bot.app, host, port, self._intake, self._health)
        except OSError as error:
            raise PlatformFailure(NAME, f"cannot listen on {host}:{port} ({error.strerror or error})") from None

    async def _connect(self, bot: SlackBot) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        token = self._app.settings.slack_app_token
        assert token is not None
        try:
            # Asked once here: slack_sdk's own connect retries a refused app token for ever.
            await bot.app.client.apps_connections_open(app_token=token.get_secret_value())
        except SlackApiError as error:
            code = error.response.get("error")
            raise PlatformFailure(NAME, f"Slack refused SLACK_APP_TOKEN ({code}): {APP_TOKEN_HELP}") from None
        handler = self._handler = AsyncSocketModeHandler(bot.app, token.get_secret_value())
        await handler.connect_async()  # type: ignore[no-untyped-call]

    def listening(self) -> list[str]:
        """Say where Slack's input arrives."""
        settings = self._app.settings
        if self.http:
            return [f"Slack HTTP mode on http://{settings.slack_http_host}:{settings.slack_http_port}/slack/events"]
        return ["Slack Socket Mode (outbound WebSocket)"]

    async def connected(self) -> bool:
        """HTTP: listening and taking requests; Socket Mode: the WebSocket is up."""
        if self.http:
            return self._runner is not None and self._intake.open
        if self._handler is None:
            return False
        socket = self._handler.client  # slack_sdk's Socket Mode client, not the Web API one
        return bool(await socket.is_connected())

    async def run(self) -> None:
        """Serve until cancelled (slack_sdk reconnects Socket Mode by itself)."""
        await asyncio.Event().wait()

    async def reconnect(self) -> None:
        """Nothing to do: HTTP mode has no connection, and Socket Mode reconnects on its own."""

    async def stop_input(self) -> None:
        """Refuse new requests (HTTP) or close the WebSocket (Socket Mode); stop the expiry ticks."""
        self._intake.close()
        if self._handler is not None:
            with contextlib.suppress(Exception):
                await self._handler.close_async()  # type: ignore[no-untyped-call]
        if self._tick is not None:
            self._tick.cancel()

    async def finish(self, seconds: float) -> list[str]:
        """Let acked listeners end, deliver the committed events, redraw pending rosters, within `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        left: list[str] = []
        bot = self.bot
        if bot is None:
            return left
        # Commands in flight may use most of the time, not all: the final delivery and redraw keep a share.
        reserve = min(2.0, seconds / 4)
        try:
            await asyncio.wait_for(self._in_flight(bot, deadline - reserve), max(seconds - reserve, 0.0))
            log.info("slack: the commands in flight finished")
        except TimeoutError:
            left.append("commands still running")
            log.warning("slack: commands still running after %.1f s; stopping without them", seconds - reserve)
        self._stop_delivery.set()
        self._wake.set()
        if self._delivery is not None and await wait_for_tasks([self._delivery], deadline - loop.time()):
            self._delivery.cancel()
            left.append("events not yet delivered (delivered after the next start)")
            log.warning("slack: events not yet delivered; the next start delivers them")
        else:
            log.info("slack: every committed event is delivered")
        if self._roster is not None:
            self._roster.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._roster
        try:
            await asyncio.wait_for(bot.stage.roster.flush(), max(deadline - loop.time(), 0.1))
            log.info("slack: the rosters are up to date")
        except Exception as error:
            left.append("roster edits")
            log.warning("slack: roster edits left undone (%s)", type(error).__name__)
        return left

    async def _in_flight(self, bot: SlackBot, deadline: float) -> None:
        await self._intake.idle()  # every request being dispatched is acked (or refused) by now
        await bot.stage.settle(timeout=max(deadline - asyncio.get_running_loop().time(), 0.0))

    async def close(self) -> None:
        """Stop the loops and the HTTP listener."""
        for task in (self._delivery, self._roster, self._tick):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._handler is not None:
            with contextlib.suppress(Exception):
                await self._handler.close_async()  # type: ignore[no-untyped-call]


async def _check_bot_token(client: AsyncWebClient, url: str) -> None:
    """Call auth.test once: a wrong token is a one-line refusal now, not a failure at the first command."""
    try:
        await client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error")
        if code in BAD_TOKEN:
            raise PlatformFailure(NAME, f"Slack refused SLACK_BOT_TOKEN ({code}): {BOT_TOKEN_HELP}") from None
        raise PlatformFailure(NAME, f"Slack's auth.test failed ({code}); check SLACK_BOT_TOKEN") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise PlatformFailure(NAME, f"cannot reach Slack at {url} ({_reason(error)}); check SLACK_API_URL") from None


def _reason(error: Any) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
