"""Persisted commands per second on SQLite, beside the bare aiosqlite commit rate of the same machine.

Both run in one process on temporary files with the same pragmas, in
alternating rounds, so a busy neighbour slows both alike and their ratio
stays meaningful: how much of the database's own commit rate a stage command
keeps, all its work included (load, rules, writes, event log, commit).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path

import aiosqlite

from adapters.persistence.connect import SQLITE_PRAGMAS
from adapters.persistence.sql import SqlStore
from core import commands as c
from core.room import RoomKey
from core.service import StageService

ROOM = RoomKey("bench", "workspace", "stage")
MODERATOR = c.Actor("host", moderator=True)
GUESTS = 40
ROUNDS = 8


def session_commands() -> Iterator[c.Command]:
    """Yield a realistic, endless mix: people ask, are brought up, join, speak and are removed."""
    for n in cycle(range(GUESTS)):
        guest = c.Actor(f"guest{n}")
        yield c.AskToJoin(guest, "a question about the roadmap")
        yield c.BringToStage(MODERATOR, guest.user)
        yield c.JoinStage(guest)
        yield c.Speak(guest)
        yield c.RemoveFromStage(MODERATOR, guest.user)


async def _bare_round(db: aiosqlite.Connection, commits: int) -> float:
    started = time.perf_counter()
    for n in range(commits):
        await db.execute("INSERT INTO rows (body) VALUES (?)", (f"row {n}",))
        await db.commit()
    return time.perf_counter() - started


async def _persisted_round(service: StageService, mix: Iterator[c.Command], commands: int) -> float:
    started = time.perf_counter()
    for _ in range(commands):
        await service.handle(ROOM, next(mix))
    return time.perf_counter() - started


async def measure_persisted(commands: int = 2000) -> dict[str, float | int]:
    """Measure both rates in this run and return them with their ratio (target: ratio >= 0.5)."""
    per_round = max(1, commands // ROUNDS)
    with tempfile.TemporaryDirectory(prefix="stagedoor-bench-") as scratch:
        folder = Path(scratch)
        async with aiosqlite.connect(folder / "bare.db") as db:
            for pragma in SQLITE_PRAGMAS:
                await db.execute(pragma)
            await db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            await db.commit()
            store = await SqlStore.open(f"sqlite+aiosqlite:///{folder / 'store.db'}", migrate=True)
            try:
                clock = iter(range(10**9))
                service = StageService(store.unit_of_work, lambda: float(next(clock)))
                await service.handle(ROOM, c.StartSession(MODERATOR, "request"))
                for n in range(GUESTS):
                    await service.handle(ROOM, c.Arrive(c.Actor(f"guest{n}")))
                mix = session_commands()
                # Warm both paths (first-use costs: compiling statements, growing files), then alternate.
                await _bare_round(db, per_round)
                await _persisted_round(service, mix, per_round)
                bare_seconds = persisted_seconds = 0.0
                for _ in range(ROUNDS):
                    bare_seconds += await _bare_round(db, per_round)
                    persisted_seconds += await _persisted_round(service, mix, per_round)
            finally:
                await store.close()
    measured = per_round * ROUNDS
    bare = measured / bare_seconds
    persisted = measured / persisted_seconds
    return {
        "bare_commits_per_s": round(bare, 1),
        "persisted_commands_per_s": round(persisted, 1),
        "ratio": round(persisted / bare, 3),
        "commands": measured,
    }
