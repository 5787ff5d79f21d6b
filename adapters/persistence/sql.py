"""The SQL store: rooms, people, the event log and adapters' per-channel state in SQLite or PostgreSQL.

A unit of work locks the room with its first statement (the version bump),
so commands on one room are serialised across processes. Each process keeps
the rooms it has seen; the version says whether another process wrote since,
and then only the people written since are read again.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from sqlalchemy import Executable, delete, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence import mapping
from adapters.persistence.connect import (
    DatabaseOptions,
    OpenDatabase,
    StoreUnavailable,
    open_database,
    upgrade_to_head,
)
from adapters.persistence.database import Runner, StepConnection
from adapters.persistence.delivery import LEASE_SECONDS, Delivery, Owns
from adapters.persistence.statements import Statements, adapter_state, bp
from core.events import Event
from core.modes import FALLBACK_MODE
from core.room import Room, RoomKey, Settings
from core.service import LoggedEvent

__all__ = ["DatabaseOptions", "SqlStore", "SqlUnitOfWork", "StoreUnavailable", "migrate"]


@dataclass
class CachedRoom:
    """A room as this process last saw it."""

    room: Room
    room_id: int
    version: int  # the room version the object reflects
    workspace_version: object  # the workspace row version room.workspace reflects
    next_due: float | None = None  # the due time stored in the room row (T4's index)


@dataclass
class CachedWorkspace:
    version: int | None  # None: no row yet
    settings: Settings


def _copy(settings: Settings) -> Settings:
    return replace(settings, moderators=list(settings.moderators), admins=list(settings.admins))


_UNKNOWN = object()  # a workspace version that matches nothing: read the row again


class SqlStore:
    """Rooms, people and the event log in one database."""

    def __init__(self, opened: OpenDatabase, *, lease_seconds: float = LEASE_SECONDS) -> None:
        self._opened = opened
        self.dialect = opened.dialect
        self.statements = Statements(opened.dialect)
        self.delivery = Delivery(opened.dialect, self.connection, lease_seconds=lease_seconds)
        self._channel_state = _ChannelStatements(opened.dialect)
        self.rooms: dict[RoomKey, CachedRoom] = {}
        self.workspaces: dict[tuple[str, str], CachedWorkspace] = {}
        self._ping: Executable = select(literal_column("1"))  # one statement object, so SQLite compiles it once

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
        """The SQLAlchemy async engine (migrations and schema checks use it)."""
        return self._opened.engine

    def connection(self) -> AbstractAsyncContextManager[StepConnection]:
        """Borrow a connection for one step."""
        return self._opened.database.connection()

    def unit_of_work(self) -> SqlUnitOfWork:
        """Return a new unit of work (one transaction)."""
        return SqlUnitOfWork(self)

    async def read(
        self, consumer: str, limit: int = 100, *, platform: str | None = None, owns: Owns | None = None
    ) -> list[LoggedEvent]:
        """Return undelivered events of the rooms this process delivers for the consumer, oldest first.

        Rooms are taken (leased) as they have something new and no other process delivers them; with
        `platform`, only that platform's rooms, and with `owns`, only the rooms it accepts.
        """
        return await self.delivery.read(consumer, limit, platform, owns)

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        """Mark events delivered, with every earlier event of their rooms (never backwards)."""
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
        """Give back this process's delivery leases, then release the database."""
        try:
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


def _begin_run(run: Runner, statement: Executable, params: dict[str, Any]) -> None:
    run.begin()
    run.run(statement, params)


class _ChannelStatements:
    """One channel's adapter_state row: read it, or create, lock and write it (change_adapter_state)."""

    def __init__(self, dialect: str) -> None:
        table = adapter_state
        key = (table.c.platform == bp("platform")) & (table.c.workspace == bp("workspace"))
        key &= table.c.channel == bp("channel")
        self.read: Executable = select(table.c.data).where(key)
        self.lock: Executable = select(table.c.data).where(key).with_for_update()  # SQLite: BEGIN IMMEDIATE
        insert: Any = sqlite.insert if dialect == "sqlite" else postgresql.insert
        self.create: Executable = (
            insert(table)
            .values(
                platform=bp("platform"), workspace=bp("workspace"), channel=bp("channel"),
                data=bp("data"), updated_at=bp("updated_at"),
            )
            .on_conflict_do_nothing(index_elements=["platform", "workspace", "channel"])
        )  # fmt: skip
        self.write: Executable = update(table).where(key).values(data=bp("data"), updated_at=bp("updated_at"))
        self.delete: Executable = delete(table).where(key)


async def _close(opened: OpenDatabase) -> None:
    await opened.engine.dispose()
    if opened.close_driver is not None:
        with contextlib.suppress(ValueError):  # the engine may have closed the shared connection already
            await opened.close_driver.close()


async def migrate(url: str, options: DatabaseOptions | None = None) -> None:
    """Bring the database at `url` up to the newest schema (`stagedoor migrate`)."""
    store = await SqlStore.open(url, migrate=True, options=options)
    await store.close()


@dataclass
class _Loaded:
    cached: CachedRoom
    version: int  # the version this transaction gave the room


@dataclass
class _LoadResult:
    room_id: int
    version: int
    state: tuple[Any, ...]
    workspace_fetched: bool
    workspace_row: tuple[Any, ...] | None  # None when not fetched or when the workspace has no row
    people: list[tuple[Any, ...]] | None  # None: the cached people are current
    next_due: float | None


class SqlUnitOfWork:
    """One transaction: load rooms (locking them), save what changed, commit."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store
        self._statements = store.statements
        self._borrowed: AbstractAsyncContextManager[StepConnection] | None = None
        self._connection: StepConnection | None = None
        self._loaded: dict[RoomKey, _Loaded] = {}
        self._writes: list[tuple[Any, Any]] = []  # (statement, params or list of params), flushed at commit
        self._events: list[dict[str, Any]] = []
        self._marks: dict[int, dict[str, Any]] = {}  # room id -> its newest event and next due time
        self._workspaces_written: set[tuple[str, str]] = set()
        self._committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        self._borrowed = self._store.connection()
        self._connection = await self._borrowed.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            for key, loaded in self._loaded.items():
                # The object may hold changes the database never got: read it afresh next time. Dropped
                # before the rollback lets the room's lock go, so a unit of work waiting for it never
                # finds this copy still cached.
                if error is not None or loaded.cached.room.is_dirty or self._writes or self._events:
                    self._store.rooms.pop(key, None)
        try:
            if not self._committed and self._connection is not None:
                await self._connection.rollback()
        finally:
            if self._borrowed is not None:
                await self._borrowed.__aexit__(kind, error, tb)

    def _conn(self) -> StepConnection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in `async with`")
        return self._connection

    async def load(self, key: RoomKey) -> Room:
        """Return the room, locked against other writers until the transaction ends."""
        store = self._store
        cached = store.rooms.get(key)
        seen = cached.version if cached is not None else None
        workspace = store.workspaces.get((key.platform, key.workspace))
        known_workspace = workspace.version if workspace is not None else _UNKNOWN
        connection = self._conn()
        result = await connection.call(lambda run: self._load_step(run, key, cached, seen, known_workspace))
        if cached is not None and (store.rooms.get(key) is not cached or cached.version != seen):
            # Another unit of work in this process changed or dropped the cached copy while we waited
            # for the lock: trust nothing of it and read the room in full (the lock is ours now).
            cached = None
            result = await connection.call(lambda run: self._load_step(run, key, None, None, known_workspace, False))

        if result.workspace_fetched or workspace is None:
            row = result.workspace_row
            settings = mapping.settings_from(row[1:]) if row else Settings()
            workspace = CachedWorkspace(row[0] if row else None, settings)
            store.workspaces[(key.platform, key.workspace)] = workspace
        if cached is None or cached.room_id != result.room_id:
            session, next_seq = mapping.session_from(result.state)
            room = Room(
                key,
                channel=mapping.channel_from(result.state),
                workspace=_copy(workspace.settings),
                session=session,
                people=[mapping.person_from(row) for row in result.people or []],
                next_seq=next_seq,
            )
            cached = store.rooms[key] = CachedRoom(room, result.room_id, result.version - 1, workspace.version)
        elif result.people is not None:
            mapping.apply_room_row(cached.room, result.state)
            cached.room.load_people([mapping.person_from(row) for row in result.people])
        cached.version = result.version - 1  # what the object reflects until this transaction commits
        cached.next_due = result.next_due
        if cached.workspace_version != workspace.version:
            cached.room.workspace = _copy(workspace.settings)
            cached.room.reorder_requests()  # Q5: another process may have changed the workspace's order
            cached.workspace_version = workspace.version
        self._loaded[key] = _Loaded(cached, result.version)
        return cached.room

    def _load_step(
        self,
        run: Runner,
        key: RoomKey,
        cached: CachedRoom | None,
        seen: int | None,
        known_workspace: object,
        bump: bool = True,
    ) -> _LoadResult:
        """Lock the room (bumping its version) and read what this process has not seen yet."""
        st = self._statements
        params = mapping.key_params(key)
        if bump:
            run.begin()
            rows = run.rows(st.bump_room, params)
            if not rows:
                run.run(st.create_room, {**params, "live": False, "mode": FALLBACK_MODE.value})
                rows = run.rows(st.bump_room, params)
        else:
            rows = run.rows(st.read_room, params)
        room_id, version, *state, workspace_version, next_due = rows[0]
        fetch_workspace = workspace_version != known_workspace
        workspace_row = None
        if fetch_workspace and workspace_version is not None:
            found = run.rows(st.workspace, params)
            workspace_row = tuple(found[0]) if found else None
        people: list[tuple[Any, ...]] | None
        if cached is None or cached.room_id != room_id or seen is None:
            people = [tuple(r) for r in run.rows(st.all_people, {"room_id": room_id})]
        elif seen == version - 1:
            people = None  # nobody wrote since we last did: the cached room is current
        else:
            people = [tuple(r) for r in run.rows(st.people_since, {"room_id": room_id, "since": seen})]
        return _LoadResult(room_id, version, tuple(state), fetch_workspace, workspace_row, people, next_due)

    async def save(self, room: Room, events: list[Event], now: float, actor: str | None) -> None:
        """Queue what changed in the room and its events; both are written at commit, in one transaction."""
        loaded = self._loaded[room.key]
        room_id, version = loaded.cached.room_id, loaded.version
        st = self._statements
        if room.dirty_people:
            people = [mapping.person_params(room.people[user], room_id, version) for user in sorted(room.dirty_people)]
            self._writes.append((st.save_people, people))
        if room.dirty_room:
            self._writes.append((st.save_room, mapping.room_params(room, room_id)))
        if room.dirty_workspace:
            ws = {"platform": room.key.platform, "workspace": room.key.workspace}
            self._writes.append((st.save_workspace, {**ws, **mapping.settings_params(room.workspace)}))
            self._workspaces_written.add((room.key.platform, room.key.workspace))
        self._events.extend(mapping.event_params(event, room_id, now, actor) for event in events)
        next_due = room.next_due()
        if events or next_due != loaded.cached.next_due or room_id in self._marks:
            self._marks[room_id] = {"room_id": room_id, "next_due": next_due}
        room.clean()

    async def commit(self) -> None:
        """Write everything queued and the events, then commit."""
        await self._conn().finish(self._write_step)
        self._committed = True
        for loaded in self._loaded.values():
            loaded.cached.version = loaded.version
            if (mark := self._marks.get(loaded.cached.room_id)) is not None:
                loaded.cached.next_due = mark["next_due"]
        for ws in self._workspaces_written:
            self._store.workspaces.pop(ws, None)
            for cached in self._store.rooms.values():
                if (cached.room.key.platform, cached.room.key.workspace) == ws:
                    cached.workspace_version = _UNKNOWN

    def _write_step(self, run: Runner) -> None:
        for statement, params in self._writes:
            if isinstance(params, list):
                run.many(statement, params)
            else:
                run.run(statement, params)
        if self._events:
            run.many(self._statements.append_event, self._events)
        if self._marks:
            run.many(self._statements.mark_room, list(self._marks.values()))
