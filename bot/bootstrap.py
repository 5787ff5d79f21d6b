"""The composition root: build storage, the service and the clock once, and hand them down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.persistence.sql import SqlStore
from bot.settings import Settings
from core.service import StageService


@dataclass
class Stagedoor:
    """Everything an adapter needs, built once."""

    settings: Settings
    store: SqlStore
    service: StageService
    clock: Callable[[], float]
    # Set after every commit that logged events, so local pumps deliver at once.
    new_events: asyncio.Event = field(default_factory=asyncio.Event)

    async def close(self) -> None:
        """Release the database."""
        await self.store.close()


async def open_stagedoor(settings: Settings, clock: Callable[[], float] = time.time) -> Stagedoor:
    """Open (and migrate) the database and wire the service to it."""
    store = await SqlStore.open(settings.resolved_database_url, migrate=True)
    new_events = asyncio.Event()
    service = StageService(store.unit_of_work, clock, on_commit=new_events.set)
    return Stagedoor(settings, store, service, clock, new_events)
