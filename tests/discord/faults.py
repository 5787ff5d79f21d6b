"""Faults for the Discord tests beyond simcord's injected HTTP errors: a slow store, a failing service.

Both wrap the real service over the real SQLite store and only add the fault: commands that
take seconds, as a busy store's retries do, or one command that raises.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import simcord

from core.commands import Command
from core.events import Event
from core.room import RoomKey

CALLBACK = re.compile(r"^/interactions/(\d+)/[^/]+/callback$")
DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: Discord shows "thinking…" until the answer follows


class Slow:
    """The real service, except that its next `slow` commands take `seconds` before they reach the store.

    That is how a busy store looks from the adapter (the service retries a locked database for up
    to seconds). The wait is declared to simcord, so it ends only when the test moves simcord's
    clock on, and Discord's 3 s window passes for the interaction as it would in Discord. It
    comes before the room's lock, so the bot's other work on the room goes on meanwhile.
    """

    def __init__(self, env: simcord.Env, inner: Any, seconds: float) -> None:
        self.env, self.inner, self.seconds, self.slow = env, inner, seconds, 0

    async def handle(self, key: RoomKey, command: Command) -> list[Event]:
        if self.slow > 0:
            self.slow -= 1
            await self.env.external_wait(asyncio.sleep(self.seconds), reason="a busy store")
        events: list[Event] = await self.inner.handle(key, command)
        return events

    async def refusal(self, key: RoomKey, command: Command) -> Any:
        if self.slow > 0:
            self.slow -= 1
            await self.env.external_wait(asyncio.sleep(self.seconds), reason="a busy store")
        return await self.inner.refusal(key, command)


def slow_service(env: simcord.Env, seconds: float) -> Slow:
    """Give the running bot a service whose commands can be made slow."""
    runtime = env.bot.runtime
    slow = runtime.service = Slow(env, runtime.service, seconds)
    return slow


class Failing:
    """The real service, except that the next `fail` commands of a kind raise an unexpected error."""

    def __init__(self, inner: Any, kind: type[Command]) -> None:
        self.inner, self.kind, self.fail = inner, kind, 1

    async def handle(self, key: RoomKey, command: Command) -> list[Event]:
        if isinstance(command, self.kind) and self.fail > 0:
            self.fail -= 1
            raise RuntimeError("injected: the service broke")
        events: list[Event] = await self.inner.handle(key, command)
        return events

    async def refusal(self, key: RoomKey, command: Command) -> Any:
        if isinstance(command, self.kind) and self.fail > 0:
            self.fail -= 1
            raise RuntimeError("injected: the service broke")
        return await self.inner.refusal(key, command)


def failing(env: simcord.Env, kind: type[Command]) -> Failing:
    """Make the running bot's next command of a kind fail with an unexpected error."""
    runtime = env.bot.runtime
    broken = runtime.service = Failing(runtime.service, kind)
    return broken


def acknowledgements(env: simcord.Env) -> Counter[str]:
    """How many times the bot answered each interaction's callback (more than one would be a 40060)."""
    return Counter(m[1] for r in env.http_requests if r.method == "POST" and (m := CALLBACK.match(r.path)))


def first_answers(env: simcord.Env) -> list[int]:
    """The callback type of each interaction's first answer, in order (5: deferred, "thinking")."""
    return [r.json["type"] for r in env.http_requests if r.method == "POST" and CALLBACK.match(r.path)]
