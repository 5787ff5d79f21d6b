"""HTTP mode: Slack posts to one URL; Bolt verifies the signature and dispatches."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


def web_app(app: AsyncApp, path: str = EVENTS_PATH) -> web.Application:
    """Return an aiohttp application that hands Slack's requests to Bolt."""

    async def handle(request: web.Request) -> web.Response:
        """Verify and dispatch one request from Slack."""
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def health(request: web.Request) -> web.Response:
        """Answer a load balancer's health check."""
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post(path, handle)
    server.router.add_get("/healthz", health)
    return server


async def run_http(app: AsyncApp, host: str, port: int) -> web.AppRunner:
    """Start serving Slack's requests on host:port; the caller cleans up the runner."""
    runner = web.AppRunner(web_app(app))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
