"""The composition root: build storage, the service and the clock once, and hand them down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.persistence.sql import DatabaseOptions, SqlStore
from bot.settings import Settings
from core.service import StageService


class CommitSignal:
    """Wakes every subscriber after a commit that logged events (each gets its own event to clear)."""

    def __init__(self) -> None:
        self._subscribers: list[asyncio.Event] = []

    def subscribe(self) -> asyncio.Event:
        """Return an event that is set after every such commit."""
        event = asyncio.Event()
        self._subscribers.append(event)
        return event

    def __call__(self) -> None:
        for event in self._subscribers:
            event.set()


@dataclass
class Stagedoor:
    """Everything an adapter needs, built once."""

    settings: Settings
    store: SqlStore
    service: StageService
    clock: Callable[[], float]
    # So local outbox pumps deliver at once instead of at their next poll.
    commits: CommitSignal = field(default_factory=CommitSignal)

    async def close(self) -> None:
        """Release the database."""
        await self.store.close()


def database_options(settings: Settings) -> DatabaseOptions:
    """Return how long the store waits for locks and statements before answering "busy"."""
    return DatabaseOptions(lock_timeout=settings.db_lock_timeout, statement_timeout=settings.db_statement_timeout)


async def open_stagedoor(settings: Settings, clock: Callable[[], float] = time.time) -> Stagedoor:
    """Open (and migrate) the database and wire the service to it."""
    store = await SqlStore.open(
        settings.resolved_database_url,
        migrate=True,
        options=database_options(settings),
        lease_seconds=settings.delivery_lease,
    )
    commits = CommitSignal()
    service = StageService(store.unit_of_work, clock, on_commit=commits)
    return Stagedoor(settings, store, service, clock, commits)
