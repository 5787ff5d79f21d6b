"""Discord's 429 with a `retry_after`, answered the way discord.py answers it: wait, then send again.

simcord raises an injected 429 straight to the caller, bypassing discord.py's own handling
(`discord/http.py`, `HTTPClient.request`: on 429 it reads `retry_after` from the body,
logs "We are being rate limited … Retrying in N seconds", sleeps that long and tries again,
up to 5 tries). Here the bot's HTTP client does the same for the routes a test rate-limits,
so the test sees what a rate-limited room costs in Discord: its request simply takes
`retry_after` seconds longer. The wait is declared to simcord, so only moving simcord's
clock ends it.
"""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any

import discord
import simcord

TRIES = 5  # discord.py's `for tries in range(5)` in HTTPClient.request


def rate_limit(env: simcord.Env, method: str, pattern: str, retry_after: float, times: int = 1) -> None:
    """Answer the next `times` calls to METHOD PATTERN (an fnmatch of the API path) with 429 and retry_after."""
    env.inject_error(method, pattern, status=429, message="You are being rate limited.", times=times)
    http: Any = env.bot.http
    sent = http.request

    async def request(route: discord.http.Route, **kwargs: Any) -> Any:
        for _ in range(TRIES - 1):
            try:
                return await sent(route, **kwargs)
            except discord.HTTPException as error:
                if error.status != 429 or route.method != method or not fnmatch.fnmatch(_path(route), pattern):
                    raise
                await env.external_wait(asyncio.sleep(retry_after), reason=f"Discord's retry_after of {retry_after} s")
        return await sent(route, **kwargs)

    http.request = request


def _path(route: discord.http.Route) -> str:
    """The API path a route was sent to, as simcord's fault patterns match it."""
    return route.url.removeprefix(discord.http.Route.BASE).split("?", 1)[0]
