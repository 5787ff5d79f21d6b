"""The store's log as a pump or a drain sees it, watched: reads counted, acknowledgements noted."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.persistence.sql import SqlStore
from core.room import RoomKey
from core.service import LoggedEvent, Owns


class Watched:
    """Pass everything to the store; count the reads and note each acknowledgement it commits (in `steps`)."""

    def __init__(self, store: SqlStore, steps: list[tuple[str, int]] | None = None) -> None:
        self.store = store
        self.steps = [] if steps is None else steps
        self.reads = 0

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Owns | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        self.reads += 1
        return await self.store.read(consumer, limit, platform=platform, owns=owns, done=done)

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        await self.store.ack(consumer, event_id, *more)
        self.steps.append(("ack", max((event_id, *more))))

    def take_local(
        self, consumer: str, through: dict[RoomKey, int], platform: str | None = None, owns: Owns | None = None
    ) -> list[LoggedEvent] | None:
        return self.store.take_local(consumer, through, platform, owns)

    async def owe(self, consumer: str, event_id: int, *more: int) -> None:
        await self.store.owe(consumer, event_id, *more)

    async def settle(self, consumer: str, *more: int) -> None:
        await self.store.settle(consumer, *more)
