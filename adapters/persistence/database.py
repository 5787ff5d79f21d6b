"""Connections that run a batch of statements in one go: on the loop's thread on SQLite, one greenlet on PostgreSQL.

The repository writes each step of a unit of work (load, write + commit) as a
plain function over a `Runner`. On SQLite that function runs on the event loop's
own thread against the sqlite3 connection (no thread hop: see SqliteConnection
for why nothing there waits); on PostgreSQL it runs through SQLAlchemy's
`run_sync` over asyncpg, statement by statement (adapters/persistence/engine.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from adapters.persistence.columns import PREFIX
from adapters.persistence.compiled import SqliteStatement
from adapters.persistence.engine import EngineDatabase, EngineRunner
from adapters.persistence.errors import is_busy
from adapters.persistence.steps import Database, Runner, Statement, StepConnection, check

if TYPE_CHECKING:
    from sqlalchemy import Executable

__all__ = [
    "Checkpointer",
    "Database",
    "EngineDatabase",
    "EngineRunner",
    "Runner",
    "SqliteDatabase",
    "StepConnection",
    "check",
    "is_busy",
]

T = TypeVar("T")


# -- SQLite ---------------------------------------------------------------------------------


class SqliteRunner:
    """Runs statements on a sqlite3 connection: SQLite's text as it is, a Core statement compiled once."""

    def __init__(self, connection: sqlite3.Connection, compiled: SqliteCompiler) -> None:
        self._connection = connection
        self._compiled = compiled
        self.foreign: int | None = 0
        self._data_version: int | None = None

    def begin(self) -> None:
        if self._connection.in_transaction:  # left open by a cancelled step: start clean
            self._connection.execute("ROLLBACK")
        # Take the write lock now, so a later write in this transaction can never be refused.
        self._connection.execute("BEGIN IMMEDIATE")
        # Two readings differ if any other connection committed in between (never for our own commits):
        # read under the write lock, so nobody else commits until this transaction ends.
        (version,) = self._connection.execute("PRAGMA data_version").fetchone()
        if version != self._data_version:
            self._data_version = version
            self.foreign = (self.foreign or 0) + 1

    def rows(self, statement: Statement, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        sql, defaults = statement if isinstance(statement, SqliteStatement) else self._compiled.get(statement)
        return self._connection.execute(sql, {**defaults, **params} if defaults else params).fetchall()

    def run(self, statement: Statement, params: dict[str, Any]) -> None:
        sql, defaults = statement if isinstance(statement, SqliteStatement) else self._compiled.get(statement)
        self._connection.execute(sql, {**defaults, **params} if defaults else params)

    def many(self, statement: Statement, params: list[dict[str, Any]]) -> None:
        sql, defaults = statement if isinstance(statement, SqliteStatement) else self._compiled.get(statement)
        if defaults:
            params = [{**defaults, **p} for p in params]
        if len(params) == 1:  # the usual case (one person, one event): execute is cheaper than executemany
            self._connection.execute(sql, params[0])
        else:
            self._connection.executemany(sql, params)


class SqliteCompiler:
    """SQL text for each Core statement, compiled once for SQLite with the repository's parameter names.

    What `python -m migrations.make_sqlite_sql` writes SQLite's statements with; the store itself
    meets a Core statement only when it is given one (a test's, say), and imports SQLAlchemy then.
    """

    def __init__(self) -> None:
        self._dialect: Any = None
        self._cache: dict[int, SqliteStatement] = {}
        self._keep: list[Executable] = []  # keeps ids stable: cached statements stay alive

    def get(self, statement: Executable) -> SqliteStatement:
        """Return the SQL and the values the statement carries itself (such as a LIMIT's OFFSET 0)."""
        found = self._cache.get(id(statement))
        if found is None:
            if self._dialect is None:
                from sqlalchemy.dialects import sqlite

                self._dialect = sqlite.dialect(paramstyle="named")
            compiled = statement.compile(dialect=self._dialect)  # type: ignore[attr-defined]
            carried = {name: value for name, value in compiled.params.items() if not name.startswith(PREFIX)}
            # sqlite3 takes the repository's dicts as they are once the bind prefix is gone.
            found = self._cache[id(statement)] = SqliteStatement(str(compiled).replace(":" + PREFIX, ":"), carried)
            self._keep.append(statement)
        return found


class SqliteConnection:
    """The store's one SQLite connection; steps run right here, on the event loop's thread.

    In WAL with synchronous=NORMAL a commit appends to the log and never waits for a flush, so
    a step costs less on this thread than the two thread hops of running it elsewhere. What
    could block is kept off the loop: the connection never waits for a lock (busy_timeout=0);
    a step refused because another connection writes is run again after a pause, until
    STAGEDOOR_DB_LOCK_TIMEOUT has passed; and checkpoints (which flush) run on a thread of their
    own (`Checkpointer`). Migrations and `SqlStore.engine` use the same connection through
    aiosqlite's thread, before the store's first step or while it is idle.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        compiler: SqliteCompiler,
        where: str,
        lock_timeout: float = 5.0,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        self._connection = connection
        self._runner = SqliteRunner(connection, compiler)
        self._where = where  # the database, as messages name it
        self._lock_timeout = lock_timeout
        self._checkpointer = checkpointer
        self._on_loop = False  # until the first step: migrations wait for locks inside SQLite, off the loop

    def _take_over(self) -> None:
        """Stop waiting inside SQLite (the store waits by pausing instead) and leave checkpoints to the thread."""
        self._connection.execute("PRAGMA busy_timeout=0")
        if self._checkpointer is not None:
            self._connection.execute("PRAGMA wal_autocheckpoint=0")
        self._on_loop = True

    async def _run(self, step: Callable[[Runner], T], commit: bool) -> T:
        if not self._on_loop:
            self._take_over()
        connection = self._connection
        # Only a step that starts outside a transaction can be run again from its start when refused.
        fresh = not connection.in_transaction
        waits = iter(BUSY_WAITS)
        deadline: float | None = None
        while True:
            try:
                result = step(self._runner)
                if commit and connection.in_transaction:
                    connection.execute("COMMIT")
            except Exception as error:
                if not (fresh and is_busy(error)):
                    raise
                _rollback(connection)  # what the refused step began, nothing else
                now = time.monotonic()
                deadline = deadline if deadline is not None else now + self._lock_timeout
                if now >= deadline:
                    raise
                await asyncio.sleep(min(next(waits, BUSY_WAITS[-1]), deadline - now))
                continue
            if commit and self._checkpointer is not None:
                self._checkpointer.committed()
            return result

    async def call(self, step: Callable[[Runner], T]) -> T:
        try:
            return await self._run(step, False)
        except Exception as error:
            check(error, self._where)
            raise

    async def finish(self, step: Callable[[Runner], T]) -> T:
        try:
            return await self._run(step, True)
        except Exception as error:
            check(error, self._where)
            raise

    async def rollback(self) -> None:
        try:
            _rollback(self._connection)
        except Exception as error:
            check(error, self._where)
            raise


# Pauses between tries of a step refused for a lock, in seconds: SQLite's own busy handler's steps.
BUSY_WAITS = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1)


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")


class Checkpointer:
    """Copies the WAL into the database file on a worker thread, every so many commits (it flushes there).

    First a passive checkpoint, which copies the bulk of the log without holding anyone up, then
    a restarting one, which takes the write lock for the little left, so the next writer starts
    the log from its beginning and the file stays small under steady load. Meanwhile the store's
    steps are refused the lock and try again after a pause, on the loop, never blocked. It opens
    a connection of its own for each checkpoint (mode=rw: a file that has gone is not made
    again) and leaves any failure for the store's own statements to report.
    """

    EVERY = 500  # commits between checkpoints: a few thousand pages of log
    # How long the restarting checkpoint may wait for the lock, and then for readers (holding the lock):
    # short, so a long reader elsewhere (an export) never keeps the store's writers out for long.
    RESTART_WAIT = 0.1

    def __init__(self, target: str) -> None:
        self._target = target  # a file: URI
        self._commits = 0
        self._due = self.EVERY  # commits until the next checkpoint (sooner after a refused restart)
        self._running: asyncio.Future[None] | None = None

    def committed(self) -> None:
        """Count a commit; start a checkpoint when enough are in the log and none runs."""
        self._commits += 1
        if self._commits >= self._due and (self._running is None or self._running.done()):
            self._commits = 0
            self._running = asyncio.get_running_loop().run_in_executor(None, self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            connection = sqlite3.connect(
                self._target, uri=True, isolation_level=None, check_same_thread=False, timeout=self.RESTART_WAIT
            )
        except sqlite3.Error:
            return
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
            # Refused (the writer kept the lock, or a reader the log): try again after a tenth as many commits.
            self._due = max(1, self.EVERY // 10) if busy else self.EVERY
        except sqlite3.Error:
            pass
        finally:
            connection.close()


class SqliteDatabase:
    """One SQLite connection per store: SQLite lets one writer in at a time anyway."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        where: str = "sqlite",
        *,
        lock_timeout: float = 5.0,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        steps = SqliteConnection(connection, SqliteCompiler(), where, lock_timeout, checkpointer)
        self._borrowed = _Borrowed(steps, asyncio.Lock())

    def connection(self) -> AbstractAsyncContextManager[StepConnection]:
        """Borrow the connection for one unit of work or read."""
        return self._borrowed

    async def close(self) -> None:
        """Nothing to release: the store closes the one connection itself."""


class _Borrowed:
    """The one connection, held by one borrower at a time (a plain class: this is on every command's path)."""

    def __init__(self, connection: SqliteConnection, lock: asyncio.Lock) -> None:
        self._connection = connection
        self._lock = lock

    async def __aenter__(self) -> StepConnection:
        await self._lock.acquire()
        return self._connection

    async def __aexit__(self, *exc_info: object) -> None:
        self._lock.release()
