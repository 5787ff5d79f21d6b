"""Per-command cost on a big room with one store, and with two stores (two processes' caches) alternating.

Each store keeps the rooms it has seen. With two taking turns, every command finds its copy stale
(the other wrote since), reads the people written since and applies them to its indexes. The room
holds 100,000 people: a full stage (capacity 100, a 10-minute turn each, so the timers heap is
busy), 1,000 pending requests and 1,000 raised hands. Each guest from the audience then asks, is
brought up, joins (a full stage: someone is evicted, C3) and speaks (C4). One store and two stores
run in alternating rounds, so a busy neighbour slows both alike. Target: two stores cost at most
twice one store.

The room is seeded in one transaction through the rules (its events are not logged): that is
setup, not what is measured. On PostgreSQL the run leaves its room (a fresh key each run) behind,
so point it at a scratch database.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

from adapters.persistence.sql import SqlStore
from core import commands as c
from core import rules
from core.room import RoomKey
from core.service import StageService

HOST = c.Actor("host", moderator=True)
ADMIN = c.Actor("owner", admin=True)
PEOPLE = 100_000
QUICK_PEOPLE = 10_000
CAPACITY = 100
WAITING = 1_000  # pending requests, and as many raised hands
COMMANDS = 2_000
ROUNDS = 5
TARGET = 2.0


async def _seed(store: SqlStore, key: RoomKey, people: int) -> None:
    """Fill the room in one transaction: everyone present, a full stage, a request line, raised hands."""
    users = [f"u{n}" for n in range(people)]
    waiting = min(WAITING, max(0, (people - CAPACITY) // 4))
    setup: list[c.Command] = [c.Arrive(c.Actor(user)) for user in ("host", *users)]
    setup += [c.SetCapacity(ADMIN, str(CAPACITY)), c.SetTurn(ADMIN, "600"), c.StartSession(HOST, "request")]
    for user in users[:CAPACITY]:
        setup += [c.Invite(HOST, user), c.JoinStage(c.Actor(user))]
    setup += [c.AskToJoin(c.Actor(user)) for user in users[CAPACITY : CAPACITY + waiting]]
    setup += [c.RaiseHand(c.Actor(user)) for user in users[CAPACITY + waiting : CAPACITY + 2 * waiting]]
    async with store.unit_of_work() as work:
        room = await work.load(key)
        for command in setup:
            for event in rules.handle(room, command, 1.0):
                assert event.name != "error", event
        await work.save(room, [], 1.0, None)
        await work.commit()


def _guests(people: int) -> Iterator[c.Command]:
    """Yield ask, bring to stage, join (evicting) and speak for one audience member after another."""
    waiting = min(WAITING, max(0, (people - CAPACITY) // 4))
    first = CAPACITY + 2 * waiting
    for n in count():
        guest = c.Actor(f"u{first + n % (people - first)}")
        yield from (c.AskToJoin(guest), c.BringToStage(HOST, guest.user), c.JoinStage(guest), c.Speak(guest))


async def _round(services: list[StageService], key: RoomKey, mix: Iterator[c.Command], commands: int) -> float:
    started = time.perf_counter()
    for n in range(commands):
        for event in await services[n % len(services)].handle(key, next(mix)):
            assert event.name != "error", event
    return time.perf_counter() - started


async def measure_stale_on(url: str, people: int = PEOPLE, commands: int = COMMANDS) -> dict[str, Any]:
    """Measure ms per command with one store and with two alternating, on the database at `url`."""
    key = RoomKey("bench", f"stale-{uuid.uuid4().hex[:8]}", "stage")
    first, second = await SqlStore.open(url), await SqlStore.open(url, migrate=False)
    try:
        ticks = count()

        def clock() -> float:
            return 2.0 + next(ticks) * 0.001

        one, other = StageService(first.unit_of_work, clock), StageService(second.unit_of_work, clock)
        await _seed(first, key, people)
        mix = _guests(people)
        per_round = max(2, commands // ROUNDS // 2 * 2)
        await _round([one, other], key, mix, 2)  # the second store's first load reads the whole room
        single = double = 0.0
        for _ in range(ROUNDS):
            single += await _round([one], key, mix, per_round)
            double += await _round([one, other], key, mix, per_round)
    finally:
        await first.close()
        await second.close()
    measured = per_round * ROUNDS
    one_ms, two_ms = 1000 * single / measured, 1000 * double / measured
    return {
        "people": people,
        "commands": measured,
        "one_store_ms": round(one_ms, 3),
        "two_stores_ms": round(two_ms, 3),
        "ratio": round(two_ms / one_ms, 2),
        "target_ratio": TARGET,
        "meets_target": two_ms <= TARGET * one_ms,
    }


async def measure_stale(
    postgres: str | None = None, people: int = PEOPLE, commands: int = COMMANDS, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Measure on a temporary SQLite file, and on PostgreSQL at `postgres` when given."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="stagedoor-stale-") as scratch:
        progress(f"stale: SQLite, {people:,} people")
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'store.db'}"
        figures["sqlite"] = await measure_stale_on(url, people, commands)
    if postgres:
        progress(f"stale: PostgreSQL, {people:,} people")
        figures["postgresql"] = await measure_stale_on(postgres, people, commands)
    return figures


def stale_lines(figures: dict[str, Any]) -> list[str]:
    """Render one line per database: ms per command with one store and two, their ratio and the target."""
    lines = []
    for name, found in figures.items():
        verdict = "met" if found["meets_target"] else "MISSED"
        lines.append(
            f"stale ({name}, {found['people']:,} people, {found['commands']:,} commands each): "
            f"one store {found['one_store_ms']:.3f} ms/command, two stores alternating "
            f"{found['two_stores_ms']:.3f} ms/command: ratio {found['ratio']:.2f} "
            f"(target <= {found['target_ratio']}: {verdict})"
        )
    return lines
