"""HTTP mode: Slack posts to one URL; Bolt verifies the signature and dispatches."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


class Intake:
    """The door Slack's requests come through: counted while they run, closed on shutdown."""

    def __init__(self) -> None:
        self.open = True
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def close(self) -> None:
        """Refuse every request from now on (Slack retries refused event deliveries)."""
        self.open = False

    async def idle(self) -> None:
        """Return once no request is being dispatched (each one running has been acknowledged or refused)."""
        await self._idle.wait()

    async def handle(self, app: AsyncApp, request: web.Request) -> web.Response:
        """Dispatch one request to Bolt while open; answer 503 once closed."""
        if not self.open:
            return web.json_response({"ok": False, "error": "stopping"}, status=503)
        self._running += 1
        self._idle.clear()
        try:
            return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()


def web_app(
    app: AsyncApp,
    path: str = EVENTS_PATH,
    intake: Intake | None = None,
    health: Callable[[web.Application], None] | None = None,
) -> web.Application:
    """Return an aiohttp application that hands Slack's requests to Bolt (and serves health when given)."""
    door = intake or Intake()

    async def handle(request: web.Request) -> web.Response:
        """Verify and dispatch one request from Slack."""
        return await door.handle(app, request)

    async def healthz(request: web.Request) -> web.Response:
        """Answer a load balancer's health check."""
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post(path, handle)
    if health is not None:
        health(server)
    else:
        server.router.add_get("/healthz", healthz)
    return server


async def run_http(
    app: AsyncApp,
    host: str,
    port: int,
    intake: Intake | None = None,
    health: Callable[[web.Application], None] | None = None,
) -> web.AppRunner:
    """Start serving Slack's requests on host:port; the caller cleans up the runner."""
    runner = web.AppRunner(web_app(app, intake=intake, health=health), shutdown_timeout=5.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
