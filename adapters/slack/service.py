"""Slack as `stagedoor run` serves it: check the token, take input, and stop without losing acked work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.outbox import pump
from adapters.persistence.sql import SqlStore
from adapters.platform import PlatformFailure, wait_for_tasks
from adapters.slack.app import SlackBot, build_app
from adapters.slack.client import StageClient, make_client
from adapters.slack.directory import Directory
from adapters.slack.http_mode import Intake, run_http
from adapters.slack.notify import LaneStart, start_personal_lane
from adapters.slack.options import SlackOptions
from adapters.slack.replicas import Replicas
from adapters.slack.state import LEGACY_FILE, AdapterStateStore, SlackState
from adapters.slack.uses import TICK_SECONDS
from adapters.timers import DueRooms, fire_due
from core.service import EventLog, StageService

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger("stagedoor.slack")

NAME = "slack"
# Slack's answers to auth.test that mean the token itself is wrong: no retry can help.
BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
BOT_TOKEN_HELP = "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
APP_TOKEN_HELP = "create an app-level token (xapp-…) with connections:write under Basic Information"


class Store(EventLog, AdapterStateStore, DueRooms, LaneStart, Protocol):
    """The database as the Slack side uses it: the outbox's log, the timers' index and the adapter's own state."""


class Commits(Protocol):
    """Wakes the outbox after a local commit."""

    def subscribe(self) -> asyncio.Event:
        """Return an event set after every commit that logged events."""
        ...


class Core(Protocol):
    """What the Slack side runs on: the stage service, its store, its clock and its commit signal."""

    @property
    def store(self) -> Store: ...
    @property
    def service(self) -> StageService: ...
    @property
    def clock(self) -> Callable[[], float]: ...
    @property
    def commits(self) -> Commits: ...


class SlackPlatform:
    """The Bolt app with its outbox, roster and tick loops, over HTTP or Socket Mode."""

    name = NAME

    def __init__(
        self, options: SlackOptions, app: Core, health: Callable[[web.Application], None] | None = None
    ) -> None:
        self._options = options
        self._app = app
        self._health = health  # health routes to serve on the Slack port, when the two ports are one
        self.bot: SlackBot | None = None
        self._intake = Intake()
        self._runner: web.AppRunner | None = None
        self._handler: AsyncSocketModeHandler | None = None
        self._lane_wakes: list[asyncio.Event] = []
        self._stop_delivery = asyncio.Event()
        self._delivery: list[asyncio.Task[None]] = []  # one per delivery lane (adapters/slack/notify.py)
        self._roster: asyncio.Task[None] | None = None
        self._tick: asyncio.Task[None] | None = None
        self._people: asyncio.Task[None] | None = None
        self._beat: asyncio.Task[None] | None = None  # this replica's row in the registry (adapters/slack/replicas.py)
        self.directory: Directory | None = None

    @property
    def http(self) -> bool:
        return self._options.mode == "http"

    async def start(self) -> None:
        """Check the bot token with auth.test, then listen (HTTP) or connect (Socket Mode)."""
        options = self._options
        if not options.bot_token:
            raise PlatformFailure(
                NAME, "SLACK_BOT_TOKEN is not set: create the app from slack/manifest.yml and install it"
            )
        if self.http and not options.signing_secret:
            raise PlatformFailure(NAME, "HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests")
        if not self.http and not options.app_token:
            raise PlatformFailure(NAME, "Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write)")
        client = make_client(options.bot_token, options.api_url)
        await _check_bot_token(client, options.api_url)
        state = await SlackState.load(self._app.store)  # in the same database as the stage
        if options.data_dir is not None:
            await state.import_file(options.data_dir / LEGACY_FILE)
        records = self._app.store if isinstance(self._app.store, SqlStore) else None  # what exports read (R2)
        bot = self.bot = build_app(
            options, self._app.service, self._app.clock, client=client, state=state, records=records
        )
        await start_personal_lane(self._app.store)
        stage = bot.stage
        # X4 across replicas: registered before any request is served, so others know whose answers may be owed.
        replicas = stage.replicas = Replicas(self._app.store, state.owner, self._app.clock, stage.answers)
        await replicas.start()
        self._beat = asyncio.create_task(replicas.run())
        self._delivery = [
            asyncio.create_task(
                pump(self._app.store, cursor, deliver, self._lane_wake(), stop=self._stop_delivery, platform=NAME)
            )
            for cursor, deliver in bot.deliverer.lanes()
        ]
        self._roster = asyncio.create_task(bot.stage.roster.run())
        self.directory = Directory(client, bot.stage.roles)  # everyone's roles at hand before they click
        self._people = asyncio.create_task(self.directory.run())
        self._tick = asyncio.create_task(self._tick_forever())
        if self.http:
            await self._listen(bot)
        else:
            await self._connect(bot)

    async def _tick_forever(self) -> None:
        """Fire the timers that fall due (J8, T1), in the rooms the store's due-time index names (T4)."""
        app = self._app
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await fire_due(app.store, app.service, NAME, app.clock)
            except Exception:
                log.exception("slack: finding the rooms with timers due failed; trying again")

    def _lane_wake(self) -> asyncio.Event:
        """Return a wake-up for one delivery lane: every lane wakes after each local commit."""
        wake = self._app.commits.subscribe()
        self._lane_wakes.append(wake)
        return wake

    async def _listen(self, bot: SlackBot) -> None:
        host, port = self._options.http_host, self._options.http_port
        try:
            self._runner = await run_http(bot.app, host, port, self._intake, self._health)
        except OSError as error:
            raise PlatformFailure(NAME, f"cannot listen on {host}:{port} ({error.strerror or error})") from None

    async def _connect(self, bot: SlackBot) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        token = self._options.app_token
        assert token is not None
        try:
            # Asked once here: slack_sdk's own connect retries a refused app token for ever.
            await bot.app.client.apps_connections_open(app_token=token)
        except SlackApiError as error:
            code = error.response.get("error")
            raise PlatformFailure(NAME, f"Slack refused SLACK_APP_TOKEN ({code}): {APP_TOKEN_HELP}") from None
        handler = self._handler = AsyncSocketModeHandler(bot.app, token)
        await handler.connect_async()  # type: ignore[no-untyped-call]

    def listening(self) -> list[str]:
        """Say where Slack's input arrives."""
        if self.http:
            return [f"Slack HTTP mode on http://{self._options.http_host}:{self._options.http_port}/slack/events"]
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
        for task in (self._tick, self._people):
            if task is not None:
                task.cancel()

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
        for wake in self._lane_wakes:
            wake.set()
        if self._delivery and await wait_for_tasks(self._delivery, deadline - loop.time()):
            for task in self._delivery:
                task.cancel()
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
        await self._stopped(bot)
        return left

    async def _stopped(self, bot: SlackBot) -> None:
        """Tell the other replicas this one stopped, with what it answered (they answer what it did not)."""
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._beat
        replicas = bot.stage.replicas
        if replicas is not None and replicas.started is not None:
            try:
                await replicas.beat(stopped=True)
            except Exception as error:
                log.warning("slack: could not record this replica's stop (%s)", type(error).__name__)

    async def _in_flight(self, bot: SlackBot, deadline: float) -> None:
        await self._intake.idle()  # every request being dispatched is acked (or refused) by now
        await bot.stage.settle(timeout=max(deadline - asyncio.get_running_loop().time(), 0.0))

    async def close(self) -> None:
        """Stop the loops and the HTTP listener."""
        for task in (*self._delivery, self._roster, self._tick, self._people, self._beat):
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
        web = self.bot.stage.client if self.bot is not None else None
        if isinstance(web, StageClient):  # not a Slack method: the connections kept for answers
            await web.close_answers()


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


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
