"""A bot process for the many-process tests: random commands, timers and delivery, steered over stdin.

`python -m tests.integration.workers URL --index N [--tasks T] [--journal FILE] [--delay S] [--lease S]`
opens the store (already migrated), says {"op": "ready", "pid", "owner"} on stdout, then answers each
JSON line on stdin with one line:

- {"op": "batch", "n", "now", "seed", "commands"}: each of the T tasks issues `commands` random
  commands over the rooms (now and then firing due timers, T4) at the stage time `now`; answers
  {"op": "done", "n", "handled", "busy", "failed"}.
- {"op": "fire", "now", "at"}: at wall time `at`, fire the due timers once (adapters.timers.fire_due);
  answers {"op": "fired", "ticked": [rooms ticked]}.
- {"op": "drain"}: stop delivering once everything it holds is delivered; answers {"op": "drained"}.
- {"op": "quit"}: close the store (its leases go back) and end.

With --journal it delivers the log as the platform adapters do (adapters.outbox.pump, consumer
"slack") and writes a line to the journal for each event as it delivers it ("D id channel
monotonic-ns") and once its acknowledgement is committed ("A id"), unbuffered, so that a kill -9
leaves on disk exactly what it had sent and what it had acknowledged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.outbox import pump
from adapters.persistence.sql import SqlStore
from adapters.timers import fire_due
from core import commands as c
from core.events import Event
from core.room import RoomKey
from core.service import LoggedEvent, StageService, StoreBusy

PLATFORM = CONSUMER = "slack"
ROOMS = [RoomKey(PLATFORM, "T1", f"C{n}") for n in range(4)]
USERS = [f"u{n}" for n in range(10)]
HOST = c.Actor("host", moderator=True)
MODERATORS = (HOST, c.Actor("mod0", moderator=True), c.Actor("mod1", moderator=True))
MODERATOR_NAMES = {actor.user for actor in MODERATORS}
ADMIN = c.Actor("boss", admin=True)
MODES = ("open", "request", "invite")
FIRE_SHARE = 0.08  # of a task's turns spent firing due timers, as the platforms' timer loop does


@dataclass
class Clock:
    """The stage time, set by the test for each batch (every process sees the same)."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


def _user_command(rng: random.Random) -> tuple[c.Command, tuple[c.Command, ...]]:
    actor = c.Actor(rng.choice(USERS))
    if rng.random() < 0.06:
        return c.Leave(actor), ()
    choices: list[c.Command] = [
        c.JoinStage(actor),
        c.AskToJoin(actor, rng.choice([None, "a question"])),
        c.CancelRequest(actor),
        c.DeclineInvitation(actor),
        c.RaiseHand(actor),
        c.LowerHand(actor),
        c.Speak(actor),
        c.MicChanged(actor, rng.random() < 0.5),
    ]
    weights = [5, 5, 1, 1, 2, 1, 2, 1]
    return rng.choices(choices, weights)[0], (c.Arrive(actor),)


def _moderator_command(rng: random.Random) -> tuple[c.Command, tuple[c.Command, ...]]:
    actor = rng.choice(MODERATORS)
    target = rng.choice(USERS)
    choices: list[c.Command] = [
        c.BringToStage(actor, target),
        c.DeclineRequest(actor, target),
        c.Invite(actor, target),
        c.Uninvite(actor, target),
        c.NextSpeaker(actor),
        c.RemoveFromStage(actor, target),
        c.ExtendTurn(actor, target, seconds="15"),
        c.ChangeMode(actor, rng.choice(MODES)),
        c.LowerAllHands(actor),
        c.StartSession(actor, rng.choice(MODES)),
        c.EndSession(actor),
        c.JoinStage(actor),
    ]
    weights = [4, 1, 3, 1, 3, 2, 1, 2, 1, 2, 0.15, 1]
    return rng.choices(choices, weights)[0], (c.Arrive(actor),)


def random_command(rng: random.Random) -> tuple[c.Command, tuple[c.Command, ...]]:
    """Return a random command and the happenings before it (the actor arriving)."""
    roll = rng.random()
    if roll < 0.6:
        return _user_command(rng)
    if roll < 0.95:
        return _moderator_command(rng)
    return c.SetCapacity(ADMIN, str(rng.randint(2, 6))), ()


class Journal:
    """Lines written straight to the file (no buffer a kill -9 would lose)."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    def write(self, line: str) -> None:
        os.write(self._fd, f"{line}\n".encode())


class JournalledLog:
    """The store's event log, writing each committed acknowledgement to the journal."""

    def __init__(self, store: SqlStore, journal: Journal) -> None:
        self._store = store
        self._journal = journal

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Callable[[RoomKey], bool] | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        found = await self._store.read(consumer, limit, platform=platform, owns=owns, done=done)
        for acked in done:
            self._journal.write(f"A {acked}")
        return found

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        await self._store.ack(consumer, event_id, *more)
        for acked in (event_id, *more):
            self._journal.write(f"A {acked}")


class CountedTicks:
    """The service, noting every room a Tick is sent to."""

    def __init__(self, service: StageService) -> None:
        self._service = service
        self.ticked: list[RoomKey] = []

    async def handle(self, key: RoomKey, command: c.Command) -> list[Event]:
        self.ticked.append(key)
        return await self._service.handle(key, command)


def say(message: dict[str, Any]) -> None:
    """Answer the test on stdout."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class Worker:
    """One process: a store, a service over it, and the optional deliverer."""

    def __init__(self, args: argparse.Namespace, store: SqlStore) -> None:
        self.args = args
        self.store = store
        self.clock = Clock()
        self.wake = asyncio.Event()
        self.service = StageService(store.unit_of_work, self.clock, on_commit=self.wake.set)
        self.stop = asyncio.Event()
        self.delivering: asyncio.Task[None] | None = None
        if args.journal:
            self.journal = Journal(args.journal)
            log = JournalledLog(store, self.journal)
            self.delivering = asyncio.create_task(
                pump(log, CONSUMER, self.deliver, self.wake, 0.05, self.stop, platform=PLATFORM)
            )

    async def deliver(self, item: LoggedEvent, caused: Sequence[Event]) -> None:
        self.journal.write(f"D {item.id} {item.room.channel} {time.monotonic_ns()}")
        if self.args.delay:
            await asyncio.sleep(self.args.delay)  # a platform call takes a while: a kill lands mid-delivery

    async def batch(self, message: dict[str, Any]) -> dict[str, Any]:
        self.clock.now = float(message["now"])
        results = await asyncio.gather(
            *(
                self._task(f"{message['seed']}-{self.args.index}-{n}", int(message["commands"]))
                for n in range(self.args.tasks)
            )
        )
        return {
            "op": "done",
            "n": message["n"],
            "handled": sum(r[0] for r in results),
            "busy": sum(r[1] for r in results),
            "failed": [f for r in results for f in r[2]],
        }

    async def _task(self, seed: str, commands: int) -> tuple[int, int, list[str]]:
        rng = random.Random(seed)
        handled = busy = 0
        failed: list[str] = []
        for _ in range(commands):
            try:
                if rng.random() < FIRE_SHARE:
                    await fire_due(self.store, self.service, PLATFORM, self.clock)
                    continue
                command, after = random_command(rng)
                await self.service.handle(rng.choice(ROOMS), command, after=after)
                handled += 1
            except StoreBusy:
                busy += 1  # the store's answer under contention: the command changed nothing
            except Exception as error:
                failed.append(f"{type(error).__name__}: {error}")
        return handled, busy, failed

    async def fire(self, message: dict[str, Any]) -> dict[str, Any]:
        self.clock.now = float(message["now"])
        await asyncio.sleep(max(0.0, float(message.get("at", 0.0)) - time.time()))
        counted = CountedTicks(self.service)
        await fire_due(self.store, counted, PLATFORM, self.clock)
        return {"op": "fired", "ticked": [key.channel for key in counted.ticked]}

    async def drain(self) -> dict[str, Any]:
        if self.delivering is not None:
            self.stop.set()
            self.wake.set()
            await self.delivering
            self.delivering = None
        return {"op": "drained"}


async def serve(args: argparse.Namespace) -> None:
    """Open the store, say ready, and answer the test's lines until it says quit."""
    store = await SqlStore.open(args.url, migrate=False, lease_seconds=args.lease)
    worker = Worker(args, store)
    say({"op": "ready", "pid": os.getpid(), "owner": store.delivery.owner})
    try:
        while line := await asyncio.to_thread(sys.stdin.readline):
            message = json.loads(line)
            op = message["op"]
            if op == "quit":
                break
            if op == "batch":
                say(await worker.batch(message))
            elif op == "fire":
                say(await worker.fire(message))
            elif op == "drain":
                say(await worker.drain())
            else:
                say({"op": "error", "message": f"unknown op {op!r}"})
        await worker.drain()
    finally:
        await store.close()
    say({"op": "bye"})


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.integration.workers")
    parser.add_argument("url")
    parser.add_argument("--index", type=int, default=0, help="this worker's number (seeds its randomness)")
    parser.add_argument("--tasks", type=int, default=0, help="concurrent command tasks per batch")
    parser.add_argument("--journal", help="deliver the log, journalling each delivery and acknowledgement here")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each delivery takes")
    parser.add_argument("--lease", type=float, default=30.0, help="delivery lease seconds")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(serve(parse()))
