"""PostgreSQL (and any SQLAlchemy async engine): steps run in one greenlet over asyncpg, statement by statement."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from adapters.persistence.columns import bind
from adapters.persistence.errors import is_disconnect
from adapters.persistence.steps import Runner, Statement, StepConnection, check

if TYPE_CHECKING:
    from sqlalchemy import Connection, Executable
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

T = TypeVar("T")


class EngineRunner:
    """Runs Core statements on a SQLAlchemy connection (inside run_sync).

    Until `begin`, statements run in autocommit, as on SQLite: a read costs one round trip, with
    no BEGIN before it and no ROLLBACK after. `begin` turns the driver's transactions back on, so
    the next statement starts one (the room's row lock is then taken by the UPDATE).
    """

    def __init__(self, connection: Connection, owner: EngineConnection) -> None:
        self._connection = connection
        self._owner = owner
        self.foreign: int | None = None  # PostgreSQL cannot tell whether another connection wrote: versions do

    def begin(self) -> None:
        """Start a transaction with the next statement."""
        _driver(self._connection).autocommit = False
        self._owner.begun = True

    # Only Core statements reach an engine: SQLite's text is for the sqlite3 connection alone.
    def rows(self, statement: Statement, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return self._connection.execute(cast("Executable", statement), bind(params)).all()

    def run(self, statement: Statement, params: dict[str, Any]) -> None:
        self._connection.execute(cast("Executable", statement), bind(params))

    def many(self, statement: Statement, params: list[dict[str, Any]]) -> None:
        self._connection.execute(cast("Executable", statement), [bind(p) for p in params])


def _driver(connection: Connection) -> Any:
    """Return SQLAlchemy's adapter of the asyncpg connection (what sends BEGIN, or not, in autocommit)."""
    return connection.connection.dbapi_connection


def _autocommit(connection: Connection) -> None:
    driver = _driver(connection)
    if driver is not None and getattr(driver, "_transaction", None) is None:
        driver.autocommit = True


class EngineConnection:
    """A SQLAlchemy async connection, borrowed for one unit of work or read.

    A lost connection is worth trying again (StoreBusy) when nothing the step sent can have been
    committed: inside a transaction, or in a `call`, whose steps write only after `begin`. What a
    `finish` step sends before any `begin` commits statement by statement, so losing the connection
    then is answered as a lost COMMIT is: unavailable, never run a second time.
    """

    def __init__(self, connection: AsyncConnection, where: str, *, reused: bool, engine: AsyncEngine) -> None:
        self._connection = connection
        self._where = where
        self._reused = reused  # kept from an earlier borrow, not pinged: it may have been lost since
        self._engine = engine
        self._fresh = True  # no step has run on this borrow yet
        self.begun = False  # a step began a transaction (its writes commit only at COMMIT)
        self.broken = False  # an error was met: give the connection back to the pool, do not keep it

    @property
    def connection(self) -> AsyncConnection:
        """The SQLAlchemy connection in use (another one once a lost kept connection was replaced)."""
        return self._connection

    async def call(self, step: Callable[[Runner], T]) -> T:
        return await self._call(step, False)

    async def _call(self, step: Callable[[Runner], T], finishing: bool) -> T:
        fresh, self._fresh = self._fresh, False
        try:
            return await self._connection.run_sync(lambda sync: _step(sync, self, step, fresh))
        except Exception as error:
            unsaved = self.begun or not finishing  # nothing the step sent can have been committed
            if not (unsaved and fresh and self._reused and is_disconnect(error)):
                self.broken = True
                check(error, self._where, retry_disconnect=unsaved)
                raise
        # A kept connection the server ended while it was idle, met by the borrow's first step: what the
        # pool's ping would have found at checkout. Nothing was saved, so run the step on a new one.
        await _close(self._connection)
        try:
            self._connection = await self._engine.connect()
        except Exception as error:
            self.broken = True
            check(error, self._where)
            raise
        self._reused, self._fresh, self.begun = False, True, False
        return await self._call(step, finishing)

    async def finish(self, step: Callable[[Runner], T]) -> T:
        result = await self._call(step, True)
        try:
            await self._connection.commit()
        except Exception as error:
            self.broken = True
            # Lost during COMMIT, the work may or may not be saved: never run it a second time.
            check(error, self._where)
            raise
        return result

    async def rollback(self) -> None:
        try:
            await self._connection.rollback()
        except Exception as error:
            self.broken = True
            if not is_disconnect(error):  # a lost connection has nothing left to roll back
                check(error, self._where)
                raise


def _step(sync: Connection, owner: EngineConnection, step: Callable[[Runner], T], fresh: bool) -> T:
    if fresh:
        _autocommit(sync)
    return step(EngineRunner(sync, owner))


def _alive(connection: AsyncConnection) -> bool:
    """Say whether the driver has not yet seen a kept connection closed (the server ended it, say)."""
    if connection.sync_connection is None or connection.invalidated or connection.closed:
        return False
    try:
        driver = connection.sync_connection.connection.driver_connection
        return driver is not None and not driver.is_closed()
    except Exception:
        return False


async def _close(connection: AsyncConnection) -> None:
    """Give a connection back to the pool as the pool lent it: with transactions on (engine users expect them)."""
    with contextlib.suppress(Exception):
        # An invalidated connection has no driver left (and asking for one would connect again).
        if connection.sync_connection is not None and not (connection.invalidated or connection.closed):
            driver = connection.sync_connection.connection.dbapi_connection
            if driver is not None and getattr(driver, "_transaction", None) is None:
                driver.autocommit = False
    with contextlib.suppress(Exception):  # a lost connection is invalidated by the pool as it comes back
        await connection.close()


class EngineDatabase:
    """Connections from a SQLAlchemy async engine's pool, kept between borrows.

    The pool pings a connection as it is checked out (BEGIN, an empty query, ROLLBACK: three round
    trips), so a connection given back in good order is kept here and lent again without one. A
    kept connection found lost by a borrow's first step is replaced and the step run again, which is
    what the ping would have done; one that met any other error goes back to the pool. While a
    borrower waits for the pool (every connection lent), a connection given back goes to the pool,
    which hands it on; at most the pool's size are kept, so its overflow stays free for others.
    """

    def __init__(self, engine: AsyncEngine, where: str = "postgresql") -> None:
        self._engine = engine
        self._where = where
        self._idle: list[AsyncConnection] = []
        size = getattr(engine.pool, "size", None)
        self._keep = int(size()) if callable(size) else 5
        self._waiting = 0  # borrowers waiting for the pool
        self._closed = False

    def connection(self) -> AbstractAsyncContextManager[StepConnection]:
        """Borrow a connection for one unit of work or read."""
        return _Lent(self)

    async def _lend(self) -> EngineConnection:
        while self._idle:
            kept = self._idle.pop()
            if _alive(kept):
                return EngineConnection(kept, self._where, reused=True, engine=self._engine)
            await _close(kept)
        self._waiting += 1
        try:
            connection = await self._engine.connect()
        except Exception as error:
            check(error, self._where)
            raise
        finally:
            self._waiting -= 1
        return EngineConnection(connection, self._where, reused=False, engine=self._engine)

    async def _give_back(self, lent: EngineConnection, failed: bool) -> None:
        connection = lent.connection
        keep = not (failed or lent.broken or self._closed or self._waiting or len(self._idle) >= self._keep)
        if not keep or connection.closed or connection.invalidated:
            await _close(connection)
            return
        if connection.in_transaction():
            try:
                await connection.rollback()  # no round trip unless the driver holds a transaction
            except Exception:
                await _close(connection)
                return
        self._idle.append(connection)

    async def close(self) -> None:
        """Give every kept connection back to the pool (before the engine is disposed)."""
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            await _close(connection)


class _Lent:
    """One borrow of an EngineDatabase connection (a plain class: this is on every command's path)."""

    def __init__(self, database: EngineDatabase) -> None:
        self._database = database
        self._lent: EngineConnection | None = None

    async def __aenter__(self) -> StepConnection:
        self._lent = await self._database._lend()
        return self._lent

    async def __aexit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._lent is not None:
            await self._database._give_back(self._lent, kind is not None)
