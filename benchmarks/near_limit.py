"""The store beside the database's own limit, measured in one run: ratios, pages per command, targets.

Every figure of a database is measured in alternating rounds in this process, so a busy
neighbour slows them alike and the ratios stay meaningful. The persisted figures include the
outbox: a round ends only once its events are delivered (benchmarks/clients.py).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from benchmarks.clients import Bench
from benchmarks.limits import AiosqliteBare, AsyncpgBare, SqliteDirect, empty_wal, wal_frames

SQLITE_TARGETS = {"one_client": 0.25, "many_clients": 0.5}  # of sqlite3-direct commits per second
POSTGRESQL_TARGET = 0.8  # of bare asyncpg commits per second, one client
MANY = 100  # concurrent clients
PAGE_COMMANDS = 200  # commands of the round that counts WAL frames (well under any checkpoint)

Progress = Callable[[str], None]


def _rate(done: int, seconds: float) -> float:
    return round(done / seconds, 1) if seconds > 0 else 0.0


async def _rounds(
    timed: Mapping[str, Callable[[int], Awaitable[float]]], counts: dict[str, int], rounds: int
) -> dict[str, float]:
    """Warm every figure once, then alternate them `rounds` times; return each one's total seconds."""
    for name, run in timed.items():
        await run(max(1, counts[name] // 4))
    totals = dict.fromkeys(timed, 0.0)
    for _ in range(rounds):
        for name, run in timed.items():
            totals[name] += await run(counts[name])
    return totals


def _sync(run: Callable[[int], float]) -> Callable[[int], Awaitable[float]]:
    async def timed(n: int) -> float:
        return run(n)

    return timed


async def measure_sqlite(quick: bool, progress: Progress) -> dict[str, Any]:
    """Measure sqlite3-direct, aiosqlite-bare and the store with 1 and 100 clients (outbox included)."""
    commands = 200 if quick else 2000
    rounds = 2 if quick else 5
    with tempfile.TemporaryDirectory(prefix="stagedoor-bench-limit-") as scratch:
        folder = Path(scratch)
        direct = SqliteDirect(folder / "direct.db")
        bare = await AiosqliteBare.open(folder / "bare.db")
        one = await Bench.open(f"sqlite+aiosqlite:///{folder / 'one.db'}", clients=1, rooms=1)
        many = await Bench.open(f"sqlite+aiosqlite:///{folder / 'many.db'}", clients=MANY, rooms=1)
        spread = await Bench.open(f"sqlite+aiosqlite:///{folder / 'spread.db'}", clients=MANY, rooms=MANY)
        try:
            progress(f"sqlite: {rounds} alternating rounds of {commands:,} commits or commands each")
            timed = {
                "direct": _sync(direct.round),
                "bare": bare.round,
                "one": one.round,
                "many": many.round,
                "spread": spread.round,
            }
            counts = {
                "direct": commands * 5,  # a commit takes a tenth of a command's time: more of them, as long a round
                "bare": commands,
                "one": one.commands_per_round(commands),
                "many": many.commands_per_round(commands),
                "spread": spread.commands_per_round(commands),
            }
            totals = await _rounds(timed, counts, rounds)
            pages = {
                "one_client": await _pages(one, folder / "one.db"),
                "many_clients": await _pages(many, folder / "many.db"),
            }
        finally:
            direct.close()
            await bare.close()
            for bench in (one, many, spread):
                await bench.close()
    rates = {name: _rate(counts[name] * rounds, totals[name]) for name in totals}
    ratios = {
        "one_client": round(rates["one"] / rates["direct"], 3),
        "many_clients": round(rates["many"] / rates["direct"], 3),
        "many_rooms": round(rates["spread"] / rates["direct"], 3),
        "bare_aiosqlite": round(rates["bare"] / rates["direct"], 3),
    }
    return {
        "sqlite3_direct_commits_per_s": rates["direct"],
        "aiosqlite_bare_commits_per_s": rates["bare"],
        "one_client_commands_per_s": rates["one"],
        "many_clients_commands_per_s": rates["many"],
        "many_rooms_commands_per_s": rates["spread"],
        "clients": MANY,
        "ratios": ratios,
        "wal_pages_per_command": pages,
        "targets": SQLITE_TARGETS,
        "meets_targets": all(ratios[name] >= target for name, target in SQLITE_TARGETS.items()),
    }


async def _pages(bench: Bench, database: Path) -> float | None:
    """Return the WAL frames one command writes, its delivery included (None if the WAL could not be emptied)."""
    if not empty_wal(database):
        return None
    done = bench.commands_per_round(PAGE_COMMANDS)
    await bench.round(PAGE_COMMANDS)
    for _ in range(100):
        frames = wal_frames(database)
        if frames >= 0:
            return round(frames / done, 2)
        await asyncio.sleep(0.01)  # -1: the store's own checkpointer held the WAL at that moment
    return None


async def measure_postgresql(url: str, quick: bool, progress: Progress) -> dict[str, Any]:
    """Measure a bare asyncpg commit and the store with 1 and 100 clients, in a scratch database it drops."""
    import asyncpg  # type: ignore[import-untyped]

    parsed = make_url(url).set(drivername="postgresql+asyncpg")
    plain = parsed.set(drivername="postgresql")
    name = f"stagedoor_bench_{os.getpid()}"
    admin = await asyncpg.connect(plain.render_as_string(hide_password=False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return await _measure_postgresql_in(parsed.set(database=name), quick, progress)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _measure_postgresql_in(url: Any, quick: bool, progress: Progress) -> dict[str, Any]:
    commands = 100 if quick else 1000
    rounds = 2 if quick else 4
    text = url.render_as_string(hide_password=False)
    bare = await AsyncpgBare.open(url.set(drivername="postgresql").render_as_string(hide_password=False))
    one = await Bench.open(text, clients=1, rooms=1, tag="one")
    many = await Bench.open(text, clients=MANY, rooms=1, tag="many")
    try:
        progress(f"postgresql: {rounds} alternating rounds of {commands:,} commits or commands each")
        timed = {"bare": bare.round, "one": one.round, "many": many.round}
        counts = {
            "bare": commands,
            "one": one.commands_per_round(commands),
            "many": many.commands_per_round(commands),
        }
        totals = await _rounds(timed, counts, rounds)
    finally:
        await bare.close()
        await one.close()
        await many.close()
    rates = {key: _rate(counts[key] * rounds, totals[key]) for key in totals}
    ratio = round(rates["one"] / rates["bare"], 3)
    return {
        "asyncpg_bare_commits_per_s": rates["bare"],
        "one_client_commands_per_s": rates["one"],
        "many_clients_commands_per_s": rates["many"],
        "clients": MANY,
        "ratios": {"one_client": ratio, "many_clients": round(rates["many"] / rates["bare"], 3)},
        "target": POSTGRESQL_TARGET,
        "meets_target": ratio >= POSTGRESQL_TARGET,
    }
