"""One lane per room: a room's work runs in order, and one room waiting on Discord holds back no other.

discord.py waits out a 429's retry_after inside the request that got it (its one retry layer), so a
rate-limited room's chat post or voice change takes that long. Work for each room therefore runs in
a task of that room's own, one at a time per room (order kept within it), with at most `limit`
rooms' tasks at once, so thousands of rooms never mean thousands of tasks: a room asked for while
all lanes are busy waits for the first free one, in the order rooms were asked for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
LANES = 32  # rooms served at once; the rest wait for a free lane


class Lanes(Generic[K]):
    """Run `work(key)` for each key asked for: never twice at once for one key, at most `limit` keys at once.

    Asking for a key whose work is under way runs it once more when it ends, so work asked for
    meanwhile is never missed, and a burst of asks is one more run.
    """

    def __init__(self, work: Callable[[K], Awaitable[None]], name: str, limit: int = LANES) -> None:
        self._work = work
        self._name = name
        self._limit = limit
        self._waiting: dict[K, None] = {}  # keys asked for and not started, oldest first
        self._running: dict[K, asyncio.Task[None]] = {}
        self._again: set[K] = set()  # asked for while running: run once more
        self._idle = asyncio.Event()
        self._idle.set()

    def push(self, key: K) -> None:
        """Ask for a key's work to run (again) soon."""
        if key in self._running:
            self._again.add(key)
        else:
            self._waiting[key] = None
        self._idle.clear()
        self._start()

    def busy(self, key: K) -> bool:
        """Say whether a key's work is running or waiting for a lane."""
        return key in self._running or key in self._waiting

    async def idle(self) -> None:
        """Return once no key has work running or waiting."""
        await self._idle.wait()

    def stop(self) -> None:
        """Cancel the work under way and forget what waits (the bot is closing)."""
        self._waiting.clear()
        self._again.clear()
        for task in list(self._running.values()):
            task.cancel()

    def _start(self) -> None:
        while self._waiting and len(self._running) < self._limit:
            key = next(iter(self._waiting))
            del self._waiting[key]
            self._running[key] = asyncio.create_task(self._run(key), name=f"{self._name}-{key}")
        if not self._waiting and not self._running:
            self._idle.set()

    async def _run(self, key: K) -> None:
        try:
            while True:
                try:
                    await self._work(key)
                except Exception:
                    log.exception("%s: the work for %s failed", self._name, key)
                if key not in self._again:
                    return
                self._again.discard(key)
        finally:
            self._running.pop(key, None)
            self._start()
