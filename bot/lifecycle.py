"""`stagedoor run` as a service: start every platform, keep each connected, stop on a signal without losing work.

Start: each platform checks its token once; one that cannot start is named and the
run exits 2. Running: a platform whose connection drops is retried with a bounded,
jittered back-off and reported unready, while the others carry on. Stop (SIGTERM,
SIGINT): readiness turns off, no new input is taken, accepted work finishes, the
outbox delivers what is committed, rosters and panels are redrawn, the database
closes, exit 0 — all within STAGEDOOR_SHUTDOWN_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from adapters.platform import Platform, PlatformFailure
from bot.health import Health, serve_health

if TYPE_CHECKING:
    from aiohttp import web
    from pydantic import SecretStr

    from adapters.discord import DiscordOptions
    from adapters.slack.options import SlackOptions
    from bot.bootstrap import Stagedoor
    from bot.settings import Settings

log = logging.getLogger("stagedoor")

EXIT_OK = 0
EXIT_UNUSABLE = 2
FIRST_RETRY = 1.0  # seconds before the first reconnection attempt; doubled each time up to LAST_RETRY
LAST_RETRY = 60.0
STABLE_SECONDS = 60.0  # a connection that held this long starts the back-off afresh when it drops


def discord_options(settings: Settings) -> DiscordOptions:
    """Return what the Discord side reads from the settings."""
    from adapters.discord import DiscordOptions

    token = settings.discord_token
    shard_count, shard_ids = settings.discord_shards
    return DiscordOptions(
        token=token.get_secret_value() if token is not None else None,
        moderator_roles=settings.discord_moderator_roles,
        notify_moderators=settings.discord_notify_moderators,
        dev_guild_id=settings.discord_dev_guild_id,
        shard_count=shard_count,
        shard_ids=shard_ids,
    )


def build_platforms(app: Stagedoor, names: Sequence[str], health: Health) -> list[Platform]:
    """Make each named platform; Slack's HTTP server carries health when the two ports are one."""
    settings = app.settings
    platforms: list[Platform] = []
    for name in names:
        if name == "discord":
            from adapters.discord import DiscordParts, DiscordPlatform

            platforms.append(
                DiscordPlatform(DiscordParts(app.service, app.store, discord_options(settings), app.clock))
            )
        elif name == "slack":
            from adapters.slack import SlackPlatform

            shared = settings.slack_mode == "http" and settings.health_port == settings.slack_http_port
            platforms.append(SlackPlatform(slack_options(settings), app, health.add_routes if shared else None))
    return platforms


def slack_options(settings: Settings) -> SlackOptions:
    """Hand the Slack side its own settings, secrets unwrapped."""
    from adapters.slack.options import SlackOptions

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    return SlackOptions(
        bot_token=secret(settings.slack_bot_token),
        signing_secret=secret(settings.slack_signing_secret),
        app_token=secret(settings.slack_app_token),
        api_url=settings.slack_api_url,
        mode=settings.slack_mode,
        http_host=settings.slack_http_host,
        http_port=settings.slack_http_port,
        data_dir=settings.data_dir,
    )


class Service:
    """One run of `stagedoor run`."""

    def __init__(self, app: Stagedoor, names: Sequence[str]) -> None:
        self.app = app
        self.stop = asyncio.Event()
        self.health = Health(app.store, self._platform_problems)
        self.platforms = build_platforms(app, names, self.health)
        self.trouble: dict[str, str] = {}  # platform → why it is not serving (reconnecting, given up)
        self._health_runner: web.AppRunner | None = None
        self._signals: list[signal.Signals] = []

    async def _platform_problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for platform in self.platforms:
            if platform.name in self.trouble:
                problems[platform.name] = self.trouble[platform.name]
            elif not await platform.connected():
                problems[platform.name] = "not connected"
        return problems

    def _on_signal(self, which: signal.Signals) -> None:
        if self.stop.is_set():
            log.info("%s again: already stopping", which.name)
            return
        log.info("%s: stopping", which.name)
        self.stop.set()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for which in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every platform's loop
                loop.add_signal_handler(which, self._on_signal, which)
                self._signals.append(which)

    async def run(self) -> int:
        """Serve until a signal (exit 0) or until every platform has given up (exit 2)."""
        self._install_signals()
        try:
            await self._start_health()
            started = await self._start()
            if started is None:
                return EXIT_OK  # stopped while starting
            supervisors = [asyncio.create_task(self._supervise(p), name=f"stagedoor-{p.name}") for p in started]
            stopping: asyncio.Task[Any] = asyncio.create_task(self.stop.wait())
            serving: set[asyncio.Task[Any]] = set(supervisors)
            while serving and not self.stop.is_set():
                _, still = await asyncio.wait([stopping, *serving], return_when=asyncio.FIRST_COMPLETED)
                serving = {task for task in still if task is not stopping}
            gave_up = not self.stop.is_set()
            if gave_up:
                log.error("no platform is being served any more; stopping")
            stopping.cancel()
            await self._shutdown(started, supervisors)
            return EXIT_UNUSABLE if gave_up else EXIT_OK
        finally:
            await self._close_health()
            loop = asyncio.get_running_loop()
            for which in self._signals:
                loop.remove_signal_handler(which)

    async def _start_health(self) -> None:
        settings = self.app.settings
        if settings.health_port is None:
            return
        if (
            settings.slack_mode == "http"
            and settings.slack_enabled
            and settings.health_port == settings.slack_http_port
        ):
            log.info("health on the Slack HTTP port: /healthz and /readyz on port %s", settings.health_port)
            return
        try:
            self._health_runner = await serve_health(self.health, settings.health_host, settings.health_port)
        except OSError as error:
            where = f"{settings.health_host}:{settings.health_port}"
            raise PlatformFailure(
                "health", f"cannot listen on {where} ({error.strerror or error}); change STAGEDOOR_HEALTH_PORT"
            ) from None
        log.info("health on http://%s:%s (/healthz, /readyz)", settings.health_host, settings.health_port)

    async def _close_health(self) -> None:
        if self._health_runner is not None:
            await self._health_runner.cleanup()
            self._health_runner = None

    async def _start(self) -> list[Platform] | None:
        """Start each platform in turn; a stop signal meanwhile ends the start. Raise when one cannot start."""
        started: list[Platform] = []
        for platform in self.platforms:
            starting = asyncio.create_task(platform.start())
            stopping = asyncio.create_task(self.stop.wait())
            await asyncio.wait([starting, stopping], return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not starting.done():
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await starting
                await self._close_all([*started, platform])
                return None
            if starting.exception() is not None:
                await self._close_all([*started, platform])
                starting.result()  # raises the platform's failure, named
            started.append(platform)
            for place in platform.listening():
                log.info("listening: %s", place)
        log.info("serving %s", ", ".join(p.name for p in started))
        return started

    async def _close_all(self, platforms: Sequence[Platform]) -> None:
        for platform in platforms:
            with contextlib.suppress(Exception):
                await platform.close()

    async def _supervise(self, platform: Platform) -> None:
        """Keep one platform connected; back off (jittered, bounded) while its connection keeps failing."""
        loop = asyncio.get_running_loop()
        delay = FIRST_RETRY
        while True:
            began = loop.time()
            try:
                await platform.run()
                reason = "the connection closed"
            except PlatformFailure as failure:
                if failure.permanent:
                    self._give_up(platform, failure.reason)
                    return
                reason = failure.reason
            except Exception as error:
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            if loop.time() - began > STABLE_SECONDS:
                delay = FIRST_RETRY
            wait = delay * random.uniform(0.5, 1.0)
            self.trouble[platform.name] = f"reconnecting ({reason})"
            log.warning("%s: connection lost (%s); reconnecting in %.1f s", platform.name, reason, wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, LAST_RETRY)
            try:
                await platform.reconnect()
            except PlatformFailure as failure:
                if failure.permanent:
                    self._give_up(platform, failure.reason)
                    return
            self.trouble.pop(platform.name, None)

    def _give_up(self, platform: Platform, reason: str) -> None:
        self.trouble[platform.name] = reason
        log.error("%s: %s; not retrying (the other platforms keep running)", platform.name, reason)

    async def _shutdown(self, started: Sequence[Platform], supervisors: Sequence[asyncio.Task[None]]) -> None:
        """Stop in phases, each logged in one line, within the shutdown timeout."""
        timeout = self.app.settings.shutdown_timeout
        self.health.stopping = True
        for task in supervisors:
            task.cancel()
        for task in supervisors:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for platform in started:
            await platform.stop_input()
        log.info("stopping: no new input taken (%s)", ", ".join(p.name for p in started) or "no platform")
        log.info("stopping: finishing work in flight, delivering committed events (up to %.0f s)", timeout)
        results = await asyncio.gather(*(p.finish(timeout) for p in started), return_exceptions=True)
        left = [
            f"{p.name}: {', '.join(r) if isinstance(r, list) else type(r).__name__}"
            for p, r in zip(started, results, strict=True)
            if not isinstance(r, list) or r
        ]
        log.info("stopping: work finished%s", f" except {'; '.join(left)}" if left else "")
        await self._close_all(started)
        log.info("stopping: platforms disconnected")


async def serve(app: Stagedoor, names: Sequence[str]) -> int:
    """Run the service over an opened app; close its database at the end; return the exit code."""
    try:
        code = await Service(app, names).run()
    finally:
        await app.close()
    log.info("stopped: database closed")
    return code
