"""Space out calls of one Slack method across the whole app, so its rate tier is never reached."""

from __future__ import annotations

import asyncio


class Pacer:
    """Hand out turns at most one per `interval` seconds (shared by everyone calling the method)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0

    async def turn(self) -> None:
        """Wait for this caller's turn; turns are taken in the order they are asked for."""
        if not self.interval:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
