"""The SQL store: rooms, people, the event log and adapters' per-channel state in SQLite or PostgreSQL.

Commands run in its units of work (adapters/persistence/unit_of_work.py); the log is delivered room
by room (adapters/persistence/delivery.py). The store holds what lives as long as the process: the
connection, the statements, and the rooms and workspaces this process has seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from adapters.persistence import mapping
from adapters.persistence.compiled import sqlite_statements
from adapters.persistence.connect import (
    DatabaseOptions,
    OpenDatabase,
    StoreUnavailable,
    open_database,
    upgrade_to_head,
)
from adapters.persistence.database import Runner, StepConnection
from adapters.persistence.delivery import LEASE_SECONDS, Delivery
from adapters.persistence.local import LocalHandoff
from adapters.persistence.statements import Statements, bp, insert_for
from adapters.persistence.unit_of_work import CachedRoom, CachedWorkspace, SqlUnitOfWork
from core.room import RoomKey
from core.service import LoggedEvent, Owns

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from adapters.persistence.steps import Statement

__all__ = ["DatabaseOptions", "SqlStore", "SqlUnitOfWork", "StoreUnavailable", "migrate"]


class SqlStore:
    """Rooms, people and the event log in one database."""

    def __init__(self, opened: OpenDatabase, *, lease_seconds: float = LEASE_SECONDS) -> None:
        self._opened = opened
        self.dialect = opened.dialect
        self.statements = Statements(opened.dialect)
        self.delivery = Delivery(opened.dialect, self.connection, lease_seconds=lease_seconds)
        self.local = LocalHandoff(self.delivery.fresh, self.delivery.statements.ack, self.delivery.statements.ids)
        self._channel_state = ChannelStatements(opened.dialect)
        self.rooms: dict[RoomKey, CachedRoom] = {}
        self.workspaces: dict[tuple[str, str], CachedWorkspace] = {}
        self.contended: dict[RoomKey, float] = {}
        self.room_locks: dict[RoomKey, asyncio.Lock] = {}
        self._ping: Statement = self._channel_state.ping

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        migrate: bool = True,
        options: DatabaseOptions | None = None,
        lease_seconds: float = LEASE_SECONDS,
    ) -> SqlStore:
        """Connect to the database at `url`, upgrading its schema first unless told not to."""
        opened = await open_database(url, options)
        try:
            if migrate:
                await upgrade_to_head(opened, url)
        except BaseException:
            await _close(opened)
            raise
        return cls(opened, lease_seconds=lease_seconds)

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy async engine (migrations and schema checks use it; SQLite's is made on first use)."""
        return self._opened.engine

    def connection(self) -> AbstractAsyncContextManager[StepConnection]:
        """Borrow a connection for one step."""
        return self._opened.database.connection()

    def unit_of_work(self) -> SqlUnitOfWork:
        """Return a new unit of work (one transaction)."""
        return SqlUnitOfWork(self)

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Owns | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        """Return undelivered events of the rooms this process delivers for the consumer, oldest first.

        Rooms are taken (leased) as they have something new and no other process delivers them; with
        `platform`, only that platform's rooms, and with `owns`, only the rooms it accepts; `done`
        are acknowledged first, in the same transaction.
        """
        self.local.discard(consumer)  # the read brings them
        owed = {consumer: list(self.local.owed.get(consumer, ()))}
        found = await self.delivery.read(consumer, limit, platform, owns, (*done, *owed[consumer]))
        self.local.written(owed)
        return found

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        """Mark events delivered, with every earlier event of their rooms (never backwards)."""
        await self.delivery.ack(consumer, (event_id, *more))

    def take_local(
        self, consumer: str, through: dict[RoomKey, int], platform: str | None = None, owns: Owns | None = None
    ) -> list[LoggedEvent] | None:
        """Return events this process committed that follow `through` in rooms it delivers, or None: read.

        `through` is, per room, the newest event the consumer delivered (adapters/persistence/local.py).
        """
        return self.local.take(consumer, through, platform, owns)

    async def settle(self, consumer: str, *more: int) -> None:
        """Write now every acknowledgement still owed for the consumer, and these (nothing when none is)."""
        owed = [*self.local.owed.get(consumer, ()), *more]
        if owed:
            await self.delivery.ack(consumer, owed)
            self.local.written({consumer: owed})

    async def owe(self, consumer: str, event_id: int, *more: int) -> None:
        """Acknowledge these events: on SQLite with this process's next write (a command's, a read's, the close's).

        PostgreSQL's one-statement command write carries no acknowledgement: there it is written now, on a
        connection of its own, beside the next command (carried in the command's statement, measured
        slower for one client: it lengthens the command the client waits for).
        """
        if self.dialect == "sqlite":
            self.local.owe(consumer, (event_id, *more))
        else:
            await self.delivery.ack(consumer, (event_id, *more))

    async def start_like(self, consumer: str, like: str) -> bool:
        """Start a consumer that never read the log where another one stands; return whether it did."""
        return await self.delivery.start_like(consumer, like)

    async def due_rooms(self, platform: str, now: float, limit: int = 1000) -> list[RoomKey]:
        """T4: return the platform's rooms with a timer due by `now`, soonest first (a read, no lock)."""
        params = {"platform": platform, "now": now, "limit": limit}
        async with self.connection() as connection:
            rows = await connection.call(lambda run: run.rows(self.statements.due_rooms, params))
            await connection.rollback()
        return [RoomKey(platform, workspace, channel) for workspace, channel in rows]

    async def history(self, key: RoomKey) -> list[LoggedEvent]:
        """Return every event logged for a room, oldest first (the audit log, kept across sessions: L3)."""
        params = mapping.key_params(key)
        async with self.connection() as connection:
            rows = await connection.call(lambda run: run.rows(self.statements.history, params))
            await connection.rollback()
        return [mapping.logged_from(row) for row in rows]

    async def load_adapter_state(self, platform: str) -> dict[RoomKey, dict[str, Any]]:
        """Return every channel's adapter state for a platform, in the order the channels were first saved."""
        params = {"platform": platform}
        async with self.connection() as connection:
            rows = await connection.call(lambda run: run.rows(self.statements.adapter_states, params))
            await connection.rollback()
        found: dict[RoomKey, dict[str, Any]] = {}
        for workspace, channel, data in rows:
            key = RoomKey(platform, workspace, channel)
            found[key] = _state_object(key, data)
        return found

    async def save_adapter_state(self, key: RoomKey, data: dict[str, Any]) -> None:
        """Store a channel's adapter state (a JSON object), replacing what was there."""
        params = {**mapping.key_params(key), "data": json.dumps(data, sort_keys=True), "updated_at": time.time()}
        async with self.connection() as connection:
            await connection.finish(lambda run: run.run(self.statements.save_adapter_state, params))

    async def load_channel_state(self, key: RoomKey) -> dict[str, Any] | None:
        """Return one channel's adapter state as stored now (another process may have written it), or None."""
        params = mapping.key_params(key)
        async with self.connection() as connection:
            rows = await connection.call(lambda run: run.rows(self._channel_state.read, params))
            await connection.rollback()
        return _state_object(key, rows[0][0]) if rows else None

    async def change_adapter_state(
        self, key: RoomKey, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Change one channel's adapter state in one write transaction, its row locked; return what was stored.

        Processes sharing the database each change their fields of the row without losing another's change.
        """
        params = mapping.key_params(key)
        st = self._channel_state

        def step(run: Runner) -> dict[str, Any]:
            run.begin()  # SQLite: the write lock; PostgreSQL: the row lock comes with FOR UPDATE
            run.run(st.create, {**params, "data": "{}", "updated_at": time.time()})
            rows = run.rows(st.lock, params)
            data = change(_state_object(key, rows[0][0]))
            run.run(st.write, {**params, "data": json.dumps(data, sort_keys=True), "updated_at": time.time()})
            return data

        async with self.connection() as connection:
            stored: dict[str, Any] = await connection.call(step)
            await connection.finish(_nothing)
        return stored

    async def delete_adapter_state(self, key: RoomKey) -> None:
        """Remove one channel's adapter state (a row of a process long gone, say)."""
        params = mapping.key_params(key)
        async with self.connection() as connection:
            await connection.finish(lambda run: _begin_run(run, self._channel_state.delete, params))

    async def ping(self) -> None:
        """Ask the database the cheapest question; raise when it does not answer (readiness uses it)."""
        async with self.connection() as connection:
            await connection.call(lambda run: run.rows(self._ping, {}))
            await connection.rollback()

    async def close(self) -> None:
        """Send the acknowledgements owed, give back this process's delivery leases, then release the database."""
        try:
            for consumer in list(self.local.owed):
                await self.settle(consumer)
            await self.delivery.release()
        except StoreUnavailable:
            pass  # the leases run out by themselves
        finally:
            await _close(self._opened)


def _state_object(key: RoomKey, data: str) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError(f"adapter_state for {key} holds {type(value).__name__}, not a JSON object")
    return value


def _nothing(run: Runner) -> None:
    """Add nothing: the step before did the work, this only commits it."""


def _begin_run(run: Runner, statement: Statement, params: dict[str, Any]) -> None:
    run.begin()
    run.run(statement, params)


class ChannelStatements:
    """One channel's adapter_state row: read it, or create, lock and write it (change_adapter_state); and a ping."""

    def __init__(self, dialect: str, *, core: bool = False) -> None:
        """Take SQLite's compiled text, or build the Core statements (always with `core`: to compile them)."""
        if dialect == "sqlite" and not core:
            vars(self).update(sqlite_statements("ChannelStatements"))
            return
        from sqlalchemy import delete, literal_column, select, update

        from adapters.persistence.tables import adapter_state as table

        key = (table.c.platform == bp("platform")) & (table.c.workspace == bp("workspace"))
        key &= table.c.channel == bp("channel")
        self.read: Statement = select(table.c.data).where(key)
        self.lock: Statement = select(table.c.data).where(key).with_for_update()  # SQLite: BEGIN IMMEDIATE
        insert = insert_for(dialect)
        self.create: Statement = (
            insert(table)
            .values(
                platform=bp("platform"), workspace=bp("workspace"), channel=bp("channel"),
                data=bp("data"), updated_at=bp("updated_at"),
            )
            .on_conflict_do_nothing(index_elements=["platform", "workspace", "channel"])
        )  # fmt: skip
        self.write: Statement = update(table).where(key).values(data=bp("data"), updated_at=bp("updated_at"))
        self.delete: Statement = delete(table).where(key)
        self.ping: Statement = select(literal_column("1"))  # the cheapest question (readiness)


async def _close(opened: OpenDatabase) -> None:
    await opened.database.close()
    await opened.dispose_engine()
    if opened.close_driver is not None:
        with contextlib.suppress(ValueError):  # the engine may have closed the shared connection already
            await opened.close_driver.close()


async def migrate(url: str, options: DatabaseOptions | None = None) -> None:
    """Bring the database at `url` up to the newest schema (`stagedoor migrate`)."""
    store = await SqlStore.open(url, migrate=True, options=options)
    await store.close()
