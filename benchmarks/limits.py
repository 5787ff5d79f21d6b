"""The databases' own limits on this machine: single-row commits with nothing of stagedoor in the way.

- sqlite3 direct: the standard library committing one row at a time on the calling thread, in WAL
  with synchronous=NORMAL (the store's pragmas): the physical limit for SQLite here.
- aiosqlite bare: the same commits through aiosqlite, which pays two thread hops per call.
- asyncpg bare: one single-row commit per round trip on PostgreSQL (autocommit INSERT).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import make_url

from adapters.persistence.connect import SQLITE_PRAGMAS

TABLE = "CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
INSERT = "INSERT INTO bench_rows (body) VALUES (?)"


class SqliteDirect:
    """sqlite3 on this thread: each INSERT is its own transaction and commit."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            self._connection.execute(pragma)
        self._connection.execute(TABLE)

    def round(self, commits: int) -> float:
        """Commit `commits` rows one by one; return the seconds it took."""
        execute = self._connection.execute
        started = time.perf_counter()
        for n in range(commits):
            execute(INSERT, (f"row {n}",))
        return time.perf_counter() - started

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


class AiosqliteBare:
    """The same commits through aiosqlite's worker thread (execute, then commit)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    @classmethod
    async def open(cls, path: Path) -> AiosqliteBare:
        """Open a fresh file with the store's pragmas."""
        connection = await aiosqlite.connect(path)
        for pragma in SQLITE_PRAGMAS:
            await connection.execute(pragma)
        await connection.execute(TABLE)
        await connection.commit()
        return cls(connection)

    async def round(self, commits: int) -> float:
        """Commit `commits` rows one by one; return the seconds it took."""
        started = time.perf_counter()
        for n in range(commits):
            await self._connection.execute(INSERT, (f"row {n}",))
            await self._connection.commit()
        return time.perf_counter() - started

    async def close(self) -> None:
        """Close the connection (and its thread)."""
        await self._connection.close()


class AsyncpgBare:
    """Single-row commits on PostgreSQL, one round trip each (asyncpg, autocommit)."""

    def __init__(self, connection: object) -> None:
        self._connection = connection

    @classmethod
    async def open(cls, dsn: str) -> AsyncpgBare:
        """Connect and make the scratch table (in the scratch database the caller made)."""
        import asyncpg  # type: ignore[import-untyped]

        connection = await asyncpg.connect(dsn)
        await connection.execute("CREATE TABLE IF NOT EXISTS bench_rows (id BIGSERIAL PRIMARY KEY, body TEXT)")
        return cls(connection)

    async def round(self, commits: int) -> float:
        """Commit `commits` rows one by one; return the seconds it took."""
        execute = self._connection.execute  # type: ignore[attr-defined]
        started = time.perf_counter()
        for n in range(commits):
            await execute("INSERT INTO bench_rows (body) VALUES ($1)", f"row {n}")
        return time.perf_counter() - started

    async def close(self) -> None:
        """Close the connection."""
        await self._connection.close()  # type: ignore[attr-defined]


def wal_frames(database: Path) -> int:
    """Return how many frames (pages) the database's WAL holds now, without checkpointing any."""
    with sqlite3.connect(database, isolation_level=None) as probe:
        # A passive checkpoint of nothing: its answer carries the WAL's frame count (busy, log, checkpointed).
        probe.execute("PRAGMA wal_autocheckpoint=0")
        _, frames, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    probe.close()
    return int(frames)


def empty_wal(database: Path) -> bool:
    """Checkpoint the WAL and cut it to nothing, so the next writes count from zero; return whether it could."""
    with sqlite3.connect(database, isolation_level=None) as probe:
        busy, _, _ = probe.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    probe.close()
    return not busy


class TripCounter:
    """A TCP relay in front of PostgreSQL that counts round trips and the protocol messages clients send.

    A round trip is a client burst sent after the server last spoke on that connection: what the
    client waits for. Parse ('P'), Execute ('E') and simple Query ('Q') messages are counted too, so
    a statement prepared again per command would show. Clients must not use TLS through it.
    """

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self.trips = 0
        self.messages: dict[str, int] = {}
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free local port."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def reset(self) -> tuple[int, dict[str, int]]:
        """Return the counts so far and start again from zero."""
        counts = self.trips, dict(self.messages)
        self.trips, self.messages = 0, {}
        return counts

    async def _relay(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection(*self._target)
        spoke = [True]  # the server spoke last (so the client's next bytes start a round trip)

        async def upstream() -> None:
            pending = b""
            typed = False  # the first message (startup) carries no type byte
            while data := await client_in.read(65536):
                if spoke[0]:
                    self.trips += 1
                    spoke[0] = False
                pending += data
                while True:
                    head = 5 if typed else 4
                    if len(pending) < head:
                        break
                    size = int.from_bytes(pending[head - 4 : head], "big") + (1 if typed else 0)
                    if len(pending) < size:
                        break
                    if typed:
                        kind = chr(pending[0])
                        self.messages[kind] = self.messages.get(kind, 0) + 1
                    typed = True
                    pending = pending[size:]
                server_out.write(data)
                await server_out.drain()
            server_out.close()

        async def downstream() -> None:
            while data := await server_in.read(65536):
                spoke[0] = True
                client_out.write(data)
                await client_out.drain()
            client_out.close()

        with contextlib.suppress(ConnectionError):
            await asyncio.gather(upstream(), downstream())

    async def close(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()


async def postgresql_round_trips(url: str, commands: int = 200) -> dict[str, Any]:
    """Count, through a TripCounter, the round trips and messages per command on one client's room.

    Measured in a scratch database it drops: the commands alone (their events left in the log), then
    the delivery of those events, then commands with the pump delivering as they commit (the bench's
    rounds). Each after a warm-up, so the figures are a running process's, not its first command's.
    """
    import asyncpg

    from benchmarks.clients import Bench

    parsed = make_url(url).set(drivername="postgresql")
    name = f"stagedoor_trips_{os.getpid()}"
    admin = await asyncpg.connect(parsed.render_as_string(hide_password=False))
    counter = TripCounter(parsed.host or "127.0.0.1", parsed.port or 5432)
    await counter.start()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        relayed = parsed.set(drivername="postgresql+asyncpg", host="127.0.0.1", port=counter.port, database=name)
        relayed = relayed.update_query_dict({"ssl": "disable"})
        bench = await Bench.open(relayed.render_as_string(hide_password=False), clients=1, rooms=1, tag="trips")
        try:
            await bench.round(commands // 4)  # warm: every statement prepared, the pool's connections made
            done = bench.commands_per_round(commands)
            counter.reset()
            await bench.undelivered_round(commands)
            alone, alone_messages = counter.reset()
            await bench.deliver()
            delivery, _ = counter.reset()
            await bench.round(commands)
            pumped, pumped_messages = counter.reset()
        finally:
            await bench.close()
    finally:
        await counter.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    per = 1 / done
    return {
        "commands": done,
        "command": round(alone * per, 2),
        "command_messages": {kind: round(n * per, 2) for kind, n in sorted(alone_messages.items())},
        "delivery_drained": round(delivery * per, 2),
        "with_pump": round(pumped * per, 2),
        "with_pump_messages": {kind: round(n * per, 2) for kind, n in sorted(pumped_messages.items())},
    }
