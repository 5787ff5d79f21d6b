"""The databases' own limits on this machine: single-row commits with nothing of stagedoor in the way.

- sqlite3 direct: the standard library committing one row at a time on the calling thread, in WAL
  with synchronous=NORMAL (the store's pragmas): the physical limit for SQLite here.
- aiosqlite bare: the same commits through aiosqlite, which pays two thread hops per call.
- asyncpg bare: one single-row commit per round trip on PostgreSQL (autocommit INSERT).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import aiosqlite

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
