"""What `stagedoor run` asks of every platform it serves: start, report readiness, stop without losing work."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, Protocol


class PlatformFailure(RuntimeError):
    """A platform cannot be served; `permanent` says whether trying again could ever help."""

    def __init__(self, platform: str, reason: str, *, permanent: bool = True) -> None:
        super().__init__(f"{platform}: {reason}")
        self.platform = platform
        self.reason = reason
        self.permanent = permanent


class Platform(Protocol):
    """One platform's side of the service, driven by bot.lifecycle."""

    name: str

    async def start(self) -> None:
        """Check the credentials once and begin taking input; raise PlatformFailure when it cannot."""

    def listening(self) -> list[str]:
        """Describe where this platform takes input, for the start-up log."""

    async def connected(self) -> bool:
        """Say whether the platform's connection is up now."""

    async def run(self) -> None:
        """Keep serving until cancelled; return or raise when the connection is lost."""

    async def reconnect(self) -> None:
        """Connect again after run() ended; raise PlatformFailure when it cannot."""

    async def stop_input(self) -> None:
        """Take no new input from the platform (what was accepted keeps running)."""

    async def finish(self, seconds: float) -> list[str]:
        """Within `seconds`, let accepted work end and deliver what is committed; return what was left undone."""

    async def close(self) -> None:
        """Release the platform's connections."""


async def wait_for_tasks(tasks: Iterable[asyncio.Future[Any]], seconds: float) -> int:
    """Wait up to `seconds` for tasks to end; return how many had not."""
    pending = [task for task in tasks if not task.done()]
    if not pending:
        return 0
    _, still = await asyncio.wait(pending, timeout=max(seconds, 0.0))
    return len(still)
