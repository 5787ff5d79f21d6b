"""The test's side of the many-process tests: start worker processes, steer them, read their journals."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.persistence.sql import SqlStore
from core.service import LoggedEvent
from tests.integration import workers as w
from tests.integration.invariants import Broken

REPO = Path(__file__).resolve().parents[2]
ANSWER_SECONDS = 60.0


class Worker:
    """A worker process (tests/integration/workers.py) and its pipes."""

    def __init__(self, process: asyncio.subprocess.Process, stderr: Path, journal: Path | None) -> None:
        self.process = process
        self.stderr = stderr
        self.journal = journal
        self.pid = process.pid
        self.owner = ""

    @classmethod
    async def start(cls, url: str, scratch: Path, index: int, *, journal: bool = False, **options: Any) -> Worker:
        """Start a worker and wait until its store is open."""
        name = f"worker{index}-{len(list(scratch.glob(f'worker{index}-*.err')))}"
        stderr = scratch / f"{name}.err"
        path = scratch / f"{name}.journal" if journal else None
        argv = [sys.executable, "-m", "tests.integration.workers", url, "--index", str(index)]
        for option, value in options.items():
            argv += [f"--{option}", str(value)]
        if path is not None:
            argv += ["--journal", str(path)]
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
        environment["PYTHONPATH"] = str(REPO)
        with stderr.open("wb") as errors:
            process = await asyncio.create_subprocess_exec(
                *argv,
                cwd=REPO,
                env=environment,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
            )
        worker = cls(process, stderr, path)
        ready = await worker.receive()
        assert ready["op"] == "ready", ready
        worker.owner = ready["owner"]
        return worker

    async def send(self, **message: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()

    async def receive(self) -> dict[str, Any]:
        """Return the worker's next answer (fail, with its stderr, if it ends or falls silent)."""
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), ANSWER_SECONDS)
        except TimeoutError:
            line = b""
        if not line:
            raise AssertionError(f"worker {self.pid} gave no answer; its stderr:\n{self.stderr.read_text()[-3000:]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def ask(self, **message: Any) -> dict[str, Any]:
        await self.send(**message)
        return await self.receive()

    async def kill(self) -> None:
        """kill -9, then reap it (an unreaped zombie still answers kill(pid, 0), as if it ran)."""
        self.process.kill()
        await self.process.wait()

    async def quit(self) -> None:
        if self.process.returncode is None:
            await self.send(op="quit")
            await asyncio.wait_for(self.process.wait(), ANSWER_SECONDS)
        assert self.process.returncode == 0, self.stderr.read_text()[-3000:]


async def batch(workers: list[Worker], n: int, now: float, commands: int) -> list[dict[str, Any]]:
    """Run one batch of random commands in every worker at once; return their answers."""
    for worker in workers:
        await worker.send(op="batch", n=n, now=now, seed=n, commands=commands)
    answers = [await worker.receive() for worker in workers]
    for answer in answers:
        assert answer["op"] == "done" and not answer["failed"], answer
    return answers


async def setup_rooms(url: str, clock: float = 1_000.0) -> None:
    """Migrate, then open every test room for the workers: a live session, short timers, a small stage."""
    from core import commands as c
    from core.service import StageService

    store = await SqlStore.open(url, migrate=True)
    try:
        service = StageService(store.unit_of_work, lambda: clock)
        for key in w.ROOMS:
            for command in (
                c.SetCapacity(w.ADMIN, "4"),
                c.SetExpiry(w.ADMIN, "5"),
                c.SetTurn(w.ADMIN, "5"),
                c.SetCooldown(w.ADMIN, "0"),
                c.StartSession(w.HOST, "request"),
            ):
                await service.handle(key, command)
    finally:
        await store.close()


async def logged(url: str) -> dict[str, list[LoggedEvent]]:
    """Return every room's logged events, by channel, oldest first."""
    store = await SqlStore.open(url, migrate=False)
    try:
        return {key.channel: await store.history(key) for key in w.ROOMS}
    finally:
        await store.close()


@dataclass
class Journal:
    """What one worker process delivered (id, channel, monotonic ns) and acknowledged."""

    delivered: list[tuple[int, str, int]] = field(default_factory=list)
    acked: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, path: Path | None) -> Journal:
        journal = cls()
        if path is None or not path.exists():
            return journal
        for line in path.read_text().splitlines():
            kind, *rest = line.split()
            if kind == "D":
                journal.delivered.append((int(rest[0]), rest[1], int(rest[2])))
            elif kind == "A":
                journal.acked.add(int(rest[0]))
        return journal

    @property
    def unacked(self) -> set[int]:
        return {event_id for event_id, _, _ in self.delivered} - self.acked


def check_delivery(
    history: dict[str, list[LoggedEvent]], journals: list[Journal], killed: list[Journal]
) -> Counter[int]:
    """Every logged event delivered; twice only if a killed process sent it unacknowledged; in room order.

    Returns how often each event was delivered.
    """
    times = Counter(event_id for journal in journals for event_id, _, _ in journal.delivered)
    room_of = {item.id: channel for channel, items in history.items() for item in items}
    missing = sorted(set(room_of) - set(times))
    if missing:
        raise Broken(f"delivery: {len(missing)} logged events never delivered, first {missing[:10]}")
    unknown = sorted(set(times) - set(room_of))
    if unknown:
        raise Broken(f"delivery: events delivered that are not in the log: {unknown[:10]}")
    may_repeat = Counter(event_id for journal in killed for event_id in journal.unacked)
    repeated = {event_id: n for event_id, n in times.items() if n > 1 + may_repeat[event_id]}
    if repeated:
        raise Broken(f"delivery: delivered twice though acknowledged (or never killed): {sorted(repeated)[:10]}")
    for number, journal in enumerate(journals):
        last: dict[str, int] = {}
        for event_id, channel, _ in journal.delivered:
            if event_id <= last.get(channel, 0):
                raise Broken(f"delivery: journal {number} went back in {channel}: {event_id} after {last[channel]}")
            last[channel] = event_id
    first: dict[int, tuple[int, str]] = {}
    for event_id, channel, at in sorted(d for journal in journals for d in journal.delivered):
        first.setdefault(event_id, (at, channel))
    by_room: dict[str, list[int]] = defaultdict(list)
    for event_id, (_, channel) in sorted(first.items(), key=lambda item: item[1][0]):
        by_room[channel].append(event_id)
    for channel, ids in by_room.items():
        if ids != sorted(ids):
            raise Broken(f"delivery: {channel}'s events first delivered out of id order: {ids}")
    return times
