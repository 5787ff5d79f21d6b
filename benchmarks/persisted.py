"""Persisted commands per second on SQLite, beside the bare aiosqlite commit rate of the same machine.

Both run in one process on temporary files with the same pragmas, so their
ratio is what matters: how much of the database's own commit rate a stage
command keeps, all its work included (load, rules, writes, event log).
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


async def bare_commits_per_second(path: Path, commits: int) -> float:
    """Return how many single-row INSERT + COMMIT aiosqlite does per second."""
    async with aiosqlite.connect(path) as db:
        for pragma in SQLITE_PRAGMAS:
            await db.execute(pragma)
        await db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        await db.commit()
        started = time.perf_counter()
        for n in range(commits):
            await db.execute("INSERT INTO rows (body) VALUES (?)", (f"row {n}",))
            await db.commit()
        return commits / (time.perf_counter() - started)


def session_commands(people: int = 40) -> Iterator[c.Command]:
    """Yield a realistic, endless mix: people ask, get approved, join, speak and are removed."""
    for n in cycle(range(people)):
        user = c.Actor(f"guest{n}")
        yield c.AskToJoin(user, "a question about the roadmap")
        yield c.BringToStage(MODERATOR, user.user)
        yield c.JoinStage(user)
        yield c.Speak(user)
        yield c.RemoveFromStage(MODERATOR, user.user)


async def persisted_commands_per_second(path: Path, commands: int) -> float:
    """Return how many stage commands per second StageService + SqlStore commit."""
    store = await SqlStore.open(f"sqlite+aiosqlite:///{path}", migrate=True)
    try:
        clock = iter(range(10**9))
        service = StageService(store.unit_of_work, lambda: float(next(clock)))
        await service.handle(ROOM, c.StartSession(MODERATOR, "request"))
        for n in range(40):
            await service.handle(ROOM, c.Arrive(c.Actor(f"guest{n}")))
        mix = session_commands()
        started = time.perf_counter()
        for _ in range(commands):
            await service.handle(ROOM, next(mix))
        return commands / (time.perf_counter() - started)
    finally:
        await store.close()


async def measure_persisted(commands: int = 2000) -> dict[str, float | int]:
    """Measure both rates in this run and return them with their ratio (target: ratio >= 0.5)."""
    with tempfile.TemporaryDirectory(prefix="stagedoor-bench-") as scratch:
        folder = Path(scratch)
        # Warm both paths once so neither pays first-use costs (imports, compiling statements).
        await bare_commits_per_second(folder / "warm-bare.db", 200)
        await persisted_commands_per_second(folder / "warm-store.db", 200)
        bare = await bare_commits_per_second(folder / "bare.db", commands)
        persisted = await persisted_commands_per_second(folder / "store.db", commands)
    return {
        "bare_commits_per_s": round(bare, 1),
        "persisted_commands_per_s": round(persisted, 1),
        "ratio": round(persisted / bare, 3),
        "commands": commands,
    }
