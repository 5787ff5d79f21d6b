"""Liveness and readiness over HTTP: `/healthz` while the process lives, `/readyz` while it can serve."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

PING_SECONDS = 2.0  # a database slower than this to answer `SELECT 1` is not ready to serve commands


class Pingable(Protocol):
    async def ping(self) -> None: ...


PlatformCheck = Callable[[], Awaitable[dict[str, str]]]


class Health:
    """Answers the two checks; `stopping` turns readiness off for the whole shutdown."""

    def __init__(self, store: Pingable, platforms: PlatformCheck) -> None:
        self._store = store
        self._platforms = platforms
        self.stopping = False

    async def not_ready(self) -> dict[str, str]:
        """Return what is not ready, by name (empty when everything is)."""
        problems: dict[str, str] = {}
        if self.stopping:
            problems["stagedoor"] = "stopping"
        try:
            await asyncio.wait_for(self._store.ping(), PING_SECONDS)
        except Exception as error:
            problems["database"] = _one_line(error) or "the database did not answer"
        problems.update(await self._platforms())
        return problems

    def add_routes(self, server: web.Application) -> None:
        """Serve /healthz and /readyz from an aiohttp application."""
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/readyz", self._readyz)

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _readyz(self, request: web.Request) -> web.Response:
        problems = await self.not_ready()
        if problems:
            return web.json_response({"ready": False, "not_ready": problems}, status=503)
        return web.json_response({"ready": True, "not_ready": {}})


async def serve_health(health: Health, host: str, port: int) -> web.AppRunner:
    """Start the health listener on host:port; the caller cleans up the runner."""
    server = web.Application()
    health.add_routes(server)
    runner = web.AppRunner(server, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
