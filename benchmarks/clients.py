"""Persisted stage commands per second with their outbox delivery, from 1 or many concurrent clients.

A client is a guest going round the usual cycle (ask, brought up, join, speak, removed), one
command after another; the host's commands are part of each guest's cycle. A pump delivers the
log to a deliverer that does nothing, woken by each commit as in the bot, and a round ends only
once everything committed is delivered: the figure is what a deployment keeps, outbox included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import cycle

from adapters.outbox import drain, pump
from adapters.persistence.sql import SqlStore
from core import commands as c
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent, StageService

HOST = c.Actor("host", moderator=True)


def room(n: int, tag: str = "") -> RoomKey:
    """Return the benchmark's n-th room (`tag` keeps benches that share a database apart)."""
    return RoomKey("bench" + tag, "workspace", f"stage{n}")


def guest_cycle(guest: str) -> Iterator[c.Command]:
    """Yield one guest's endless cycle: ask, brought to the stage, join, speak, removed."""
    actor = c.Actor(guest)
    while True:
        yield c.AskToJoin(actor, "a question about the roadmap")
        yield c.BringToStage(HOST, guest)
        yield c.JoinStage(actor)
        yield c.Speak(actor)
        yield c.RemoveFromStage(HOST, guest)


def shared_cycle(guests: int) -> Iterator[c.Command]:
    """Yield the cycles of `guests` guests, one guest's five commands at a time (one client's mix)."""
    cycles = [guest_cycle(f"guest{n}") for n in range(guests)]
    for each in cycle(cycles):
        for _ in range(5):
            yield next(each)


@dataclass
class Bench:
    """A store, its service and a delivery pump, set up with live rooms and their guests."""

    store: SqlStore
    service: StageService
    rooms: int
    clients: int
    wake: asyncio.Event
    consumer: str
    delivered: int = 0
    _mixes: list[tuple[RoomKey, Iterator[c.Command]]] = field(default_factory=list)

    @classmethod
    async def open(cls, url: str, *, clients: int, rooms: int, tag: str = "") -> Bench:
        """Open the store at `url`, start a session in each room and bring every client's guest in."""
        store = await SqlStore.open(url, migrate=True)
        clock = iter(range(10**12))
        wake = asyncio.Event()
        service = StageService(store.unit_of_work, lambda: float(next(clock)), on_commit=wake.set)
        bench = cls(store, service, rooms, clients, wake, "bench" + tag)
        for n in range(rooms):
            await service.handle(room(n, tag), c.StartSession(HOST, "request"))
        if clients == 1:
            for n in range(40):
                await service.handle(room(0, tag), c.Arrive(c.Actor(f"guest{n}")))
            bench._mixes = [(room(0, tag), shared_cycle(40))]
        else:
            for k in range(clients):
                key = room(k % rooms, tag)
                await service.handle(key, c.Arrive(c.Actor(f"guest{k}")))
                bench._mixes.append((key, guest_cycle(f"guest{k}")))
        await drain(
            store, bench.consumer, bench._deliver, platform=bench.consumer
        )  # the setup's own events are not part of a round
        return bench

    async def _deliver(self, item: LoggedEvent, caused: Sequence[Event]) -> None:
        self.delivered += 1

    async def round(self, commands: int) -> float:
        """Run `commands` commands split over the clients, delivered; return the seconds it took."""
        wake = self.wake
        stop = asyncio.Event()
        each = max(1, commands // len(self._mixes))
        started = time.perf_counter()
        delivering = asyncio.ensure_future(
            pump(self.store, self.consumer, self._deliver, wake, 0.05, stop, platform=self.consumer)
        )

        async def client(key: RoomKey, mix: Iterator[c.Command]) -> None:
            for _ in range(each):
                await self.service.handle(key, next(mix))

        await asyncio.gather(*(client(key, mix) for key, mix in self._mixes))
        stop.set()
        wake.set()
        await delivering
        return time.perf_counter() - started

    async def undelivered_round(self, commands: int) -> None:
        """Run `commands` commands split over the clients and leave their events in the log."""
        each = max(1, commands // len(self._mixes))

        async def client(key: RoomKey, mix: Iterator[c.Command]) -> None:
            for _ in range(each):
                await self.service.handle(key, next(mix))

        await asyncio.gather(*(client(key, mix) for key, mix in self._mixes))

    async def deliver(self) -> None:
        """Deliver everything in the log, as the pump would once woken."""
        await drain(self.store, self.consumer, self._deliver, platform=self.consumer)

    def commands_per_round(self, commands: int) -> int:
        """Return how many commands a round of `commands` really runs (an equal share per client)."""
        return max(1, commands // len(self._mixes)) * len(self._mixes)

    async def close(self) -> None:
        """Close the store."""
        await self.store.close()
