"""The SQL unit of work: one transaction that locks the rooms it loads, saves what changed, and commits.

A unit of work locks the room with its first statement (the version bump), so commands on one room
are serialised across processes. A command that changes workspace settings also locks the workspace
row and decides on it as stored. Each process keeps the rooms it has seen (`Caches`); the version
says whether another process wrote since, and then only the people written since are read again.

On PostgreSQL a room already cached is read without its lock, and its writes are one statement,
a transaction of its own, that writes only if the version is still the one read (two round trips,
no BEGIN or COMMIT). If another process wrote in between, nothing is written, the command is run
again (StoreBusy) and that room is loaded with its lock for a while, as everywhere else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from adapters.persistence import mapping
from adapters.persistence.caches import CachedRoom, CachedWorkspace, Caches
from adapters.persistence.database import Runner, StepConnection
from adapters.persistence.errors import StoreUnavailable
from adapters.persistence.loading import load_step
from adapters.persistence.local import Batch, batches, handed_over
from adapters.persistence.lost import unless_unsaved
from adapters.persistence.statements import EVENT_COLUMNS, PEOPLE_ROW_COLUMNS
from core.events import Event
from core.room import Room, RoomKey, Settings
from core.service import StoreBusy

__all__ = ["CachedRoom", "CachedWorkspace", "Caches", "SqlUnitOfWork"]


def _copy(settings: Settings) -> Settings:
    return replace(settings, moderators=list(settings.moderators), admins=list(settings.admins))


_UNKNOWN = object()  # a workspace version that matches nothing: read the row again


@dataclass
class _Loaded:
    cached: CachedRoom
    version: int  # the version this transaction gives the room
    locked: bool = True  # False: read without its lock, written only if nobody wrote since (PostgreSQL)
    bumped: bool = True  # False: the version is moved on by the room's write at commit (SQLite, a current cache)


# How long a room another process wrote under a unit of work's feet is loaded with its lock first.
CONTENDED_SECONDS = 5.0


class SqlUnitOfWork:
    """One transaction: load rooms (locking them), save what changed, commit."""

    def __init__(self, store: Caches) -> None:
        self._store = store
        self._statements = store.statements
        self._borrowed: AbstractAsyncContextManager[StepConnection] | None = None
        self._connection: StepConnection | None = None
        self._loaded: dict[RoomKey, _Loaded] = {}
        self._writes: list[tuple[Any, Any]] = []  # (statement, params or list of params), flushed at commit
        self._events: list[dict[str, Any]] = []
        self._marks: dict[int, dict[str, Any]] = {}  # room id -> its newest event and next due time
        # Written once per transaction whatever the group's size: the last command's state is the state.
        self._people: dict[tuple[int, str], dict[str, Any]] = {}
        self._room_rows: dict[int, dict[str, Any]] = {}
        self._workspaces_written: set[tuple[str, str]] = set()
        # M2: per workspace, the settings its next write is compared with (as locked, or as cached).
        self._workspace_base: dict[tuple[str, str], dict[str, Any]] = {}
        self._workspaces_locked: set[tuple[str, str]] = set()
        self._committed = False
        self._carried: dict[str, list[int]] = {}  # acknowledgements this transaction writes (SQLite)
        self._batches: dict[int, Batch] | None = None  # its events by room, for this process's deliverers
        self._ids: list[int] | None = None  # the ids its events got, in order (None: not known)
        self._held: list[asyncio.Lock] = []  # this process's locks of the rooms loaded (PostgreSQL)

    async def __aenter__(self) -> SqlUnitOfWork:
        self._borrowed = self._store.connection()
        self._connection = await self._borrowed.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if error is None and not self._committed and not (self._writes or self._events or self._people):
            await self._heal_due_index()
        if not self._committed:
            for key, loaded in self._loaded.items():
                # A room this transaction made is gone with the rollback: its next load looks again.
                loaded.cached.foreign = None
                # The object may hold changes the database never got: read it afresh next time. Dropped
                # before the rollback lets the room's lock go, so a unit of work waiting for it never
                # finds this copy still cached.
                if error is not None or loaded.cached.room.is_dirty or self._writes or self._events or self._people:
                    self._store.rooms.pop(key, None)
        try:
            if not self._committed and self._connection is not None:
                await self._connection.rollback()
        finally:
            for lock in self._held:
                lock.release()
            self._held.clear()
            if self._borrowed is not None:
                await self._borrowed.__aexit__(kind, error, tb)

    async def _heal_due_index(self) -> None:
        """Store a room's true next due time when the stored one is off (an upgrade's placeholder, say).

        Only a room that changed is saved, and the service commits nothing else; without this, a room
        whose stored time is past but has nothing to fire would be ticked on every round.
        """
        fixes = {
            loaded.cached.room_id: {"room_id": loaded.cached.room_id, "next_due": due, "version": loaded.version}
            for loaded in self._loaded.values()
            if (due := loaded.cached.room.next_due()) != loaded.cached.next_due
        }
        if not fixes:
            return
        if all(loaded.locked for loaded in self._loaded.values()):
            await self._conn().finish(lambda run: run.many(self._statements.mark_room, list(fixes.values())))
        elif (room_id := self._single_room()) in fixes:  # fixed only if nobody wrote since (else next time)
            self._marks = fixes
            statement, params = self._one_room_write(room_id, checked=True)
            if not await self._conn().finish(lambda run: run.rows(statement, params)):
                return
        else:
            return
        self._committed = True
        for loaded in self._loaded.values():
            loaded.cached.version = loaded.version
            if (fix := fixes.get(loaded.cached.room_id)) is not None:
                loaded.cached.next_due = fix["next_due"]

    def _conn(self) -> StepConnection:
        if self._connection is None:
            raise RuntimeError("use the unit of work in `async with`")
        return self._connection

    async def load(self, key: RoomKey) -> Room:
        """Return the room, kept from other writers until the unit of work ends (locked, or checked at commit)."""
        store = self._store
        if self._statements.write_room:
            # This process's own units of work wait for one another here, as others wait for the row lock:
            # a room read without that lock is still never changed by two of them at once.
            lock = store.room_locks.get(key) or store.room_locks.setdefault(key, asyncio.Lock())
            await lock.acquire()
            self._held.append(lock)
        cached = store.rooms.get(key)
        seen = cached.version if cached is not None else None
        workspace = store.workspaces.get((key.platform, key.workspace))
        known_workspace = workspace.version if workspace is not None else _UNKNOWN
        connection = self._conn()
        # PostgreSQL, a room this process has: read it without its lock, and write it at commit only if
        # nobody wrote it since, in one statement that is its own transaction (no BEGIN, no COMMIT).
        optimistic = bool(self._statements.write_room) and cached is not None and not self._contended(key)
        result = await connection.call(
            lambda run: load_step(
                self._statements,
                run,
                key,
                cached,
                seen,
                known_workspace,
                workspace is not None,
                not optimistic,
                optimistic,
            )
        )
        if cached is not None and (store.rooms.get(key) is not cached or cached.version != seen):
            # Another unit of work in this process changed or dropped the cached copy while we waited
            # for the lock: trust nothing of it and read the room in full (the lock is ours now).
            cached = None
            result = await connection.call(
                lambda run: load_step(self._statements, run, key, None, None, known_workspace, False, False, optimistic)
            )

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
            cached.room.apply_people([mapping.person_from(row) for row in result.people])
        cached.version = result.version - 1  # what the object reflects until this transaction commits
        cached.next_due = result.next_due
        cached.foreign = result.foreign
        if result.last_event_id is not None:
            cached.last_event_id = result.last_event_id
        if cached.workspace_version != workspace.version:
            cached.room.workspace = _copy(workspace.settings)
            cached.room.reorder_requests()  # Q5: another process may have changed the workspace's order
            cached.workspace_version = workspace.version
        self._loaded[key] = _Loaded(cached, result.version, locked=result.locked, bumped=result.bumped)
        return cached.room

    def _contended(self, key: RoomKey) -> bool:
        until = self._store.contended.get(key)
        if until is not None and until <= time.monotonic():
            del self._store.contended[key]
            return False
        return until is not None

    def _conflict(self) -> StoreBusy:
        """Note that another process wrote the rooms read without their lock; their next loads take it."""
        until = time.monotonic() + CONTENDED_SECONDS
        for key, loaded in self._loaded.items():
            if not loaded.locked:
                self._store.contended[key] = until
        return StoreBusy("Another process wrote the room since it was read; nothing was changed: run it again.")

    async def save(self, room: Room, events: list[Event], now: float, actor: str | None) -> None:
        """Queue what changed in the room and its events; both are written at commit, in one transaction."""
        loaded = self._loaded[room.key]
        room_id, version = loaded.cached.room_id, loaded.version
        for user in room.dirty_people:
            self._people[(room_id, user)] = mapping.person_params(room.people[user], room_id, version)
        if room.dirty_room:
            self._room_rows[room_id] = mapping.room_params(room, room_id)
        if room.dirty_workspace:
            self._queue_workspace(room)
        self._events.extend(mapping.event_params(event, room_id, now, actor) for event in events)
        next_due = room.next_due()
        if events or room.dirty_room or next_due != loaded.cached.next_due or room_id in self._marks:
            self._marks[room_id] = {"room_id": room_id, "next_due": next_due}
        room.clean()

    async def lock_workspace(self, room: Room, *, stages: bool) -> int:
        """Lock the workspace row, refresh room.workspace; with `stages`, return the largest other live stage (C1).

        That stage is the largest among the workspace's other live rooms without a capacity of their
        own (0 without `stages`), counted under the lock as committed when the count runs. Only
        commands that change workspace settings call this, so ordinary commands keep their statements.
        """
        ws = (room.key.platform, room.key.workspace)
        loaded = self._loaded[room.key]
        params = {"platform": ws[0], "workspace": ws[1], "room_id": loaded.cached.room_id}
        st = self._statements
        relock = ws not in self._workspaces_locked
        if not relock and not stages:
            return 0

        def step(run: Runner) -> tuple[bool, tuple[Any, ...] | None, int]:
            if not self._lock_rooms(run):
                return False, None, 0
            row = tuple(run.rows(st.lock_workspace, params)[0]) if relock else None
            return True, row, int(run.rows(st.largest_stage, params)[0][0]) if stages else 0

        locked, row, largest = await self._conn().call(step)
        if not locked:
            raise self._conflict()
        if row is not None:  # the first time in this transaction: later changes here build on our own writes
            order = room.order
            room.workspace = mapping.settings_from(row[1:])
            self._workspace_base[ws] = mapping.settings_params(room.workspace)
            self._workspaces_locked.add(ws)
            if room.order != order:
                room.reorder_requests()  # Q5: the order in force changed under the room's pending line
            loaded.cached.workspace_version = _UNKNOWN  # the room's copy is newer than the process's cache
        return largest

    def _queue_workspace(self, room: Room) -> None:
        """Queue a write of only the workspace settings that changed, so a concurrent change to another survives."""
        ws = (room.key.platform, room.key.workspace)
        base = self._workspace_base.get(ws)
        if base is None:  # not locked (a caller outside the service): compare with the copy the room was given
            cached = self._store.workspaces.get(ws)
            base = mapping.settings_params(cached.settings if cached is not None else Settings())
        now = mapping.settings_params(room.workspace)
        changed = tuple(name for name in now if now[name] != base.get(name))
        if changed:
            statement = self._statements.save_workspace_columns(changed)
            self._writes.append((statement, {"platform": ws[0], "workspace": ws[1], **{n: now[n] for n in changed}}))
            self._workspaces_written.add(ws)
        self._workspace_base[ws] = now

    async def commit(self) -> None:
        """Write everything queued and the events, then commit."""
        connection = self._conn()
        if all(loaded.locked for loaded in self._loaded.values()):
            await connection.finish(self._write_step)
        elif (room_id := self._single_room()) is not None:
            statement, params = self._one_room_write(room_id, checked=True)
            try:
                written = await connection.finish(lambda run: run.rows(statement, params))
            except StoreUnavailable as lost:
                await unless_unsaved(self._store, lost, room_id, params["seen"])
            if not written:
                raise self._conflict()
            self._logged(written)
        elif await connection.call(self._lock_rooms):  # several rooms, or workspace writes: the locked way
            await connection.finish(self._write_step)
        else:
            raise self._conflict()
        self._committed = True
        newest = handed_over(self._store.local, self._events, self._ids, self._batches, self._carried)
        for loaded in self._loaded.values():
            if loaded.cached.room_id in newest:
                loaded.cached.last_event_id = newest[loaded.cached.room_id]
        for loaded in self._loaded.values():
            loaded.cached.version = loaded.version
            if (mark := self._marks.get(loaded.cached.room_id)) is not None:
                loaded.cached.next_due = mark["next_due"]
        for ws in self._workspaces_written:
            self._store.workspaces.pop(ws, None)
            for cached in self._store.rooms.values():
                if (cached.room.key.platform, cached.room.key.workspace) == ws:
                    cached.workspace_version = _UNKNOWN

    def _lock_rooms(self, run: Runner) -> bool:
        """Lock and bump the rooms read without their lock; return False if another process wrote one since."""
        for loaded in self._loaded.values():
            if not loaded.locked:
                run.begin()
                seen = {"room_id": loaded.cached.room_id, "seen": loaded.version - 1}
                if not run.rows(self._statements.lock_room_at, seen):
                    return False
                loaded.locked = True
        return True

    def _single_room(self) -> int | None:
        """Return the one room whose writes fit PostgreSQL's one statement, if they do (no workspace writes)."""
        if self._statements.write_room and not self._writes and len(self._loaded) == 1:
            ((_, loaded),) = self._loaded.items()
            room_id = loaded.cached.room_id
            if all(key[0] == room_id for key in self._people) and all(e["room_id"] == room_id for e in self._events):
                return room_id
        return None

    def _write_step(self, run: Runner) -> None:
        st = self._statements
        if len(self._marks) == 1 and (room_id := self._single_room()) in self._marks:
            # The usual command: one room's writes in one round trip (PostgreSQL), not one per table.
            return self._logged(run.rows(*self._one_room_write(room_id, checked=False)))
        for statement, params in self._writes:
            if isinstance(params, list):
                run.many(statement, params)
            else:
                run.run(statement, params)
        if self._people:
            run.many(st.save_people, [self._people[key] for key in sorted(self._people)])
        if self._events:
            run.many(st.append_event, self._events)
            if st.dialect == "sqlite":  # right after the insert: the ids its events got, for this process's pumps
                ((last,),) = run.rows(st.last_event_id, {})
                self._logged([(None, list(range(int(last) - len(self._events) + 1, int(last) + 1)))])
        if st.dialect == "sqlite":
            self._carried = self._store.local.carry(run)
        # One room write: the state (if it changed) with the newest event, next due time and version.
        for loaded in self._loaded.values():  # a room not bumped at its load moves its version on here
            room_id = loaded.cached.room_id
            if room_id in self._marks or not loaded.bumped:
                mark = self._marks.setdefault(room_id, {"room_id": room_id, "next_due": loaded.cached.next_due})
                mark["version"] = loaded.version
        rows = [{**row, **self._marks[room_id]} for room_id, row in self._room_rows.items()]
        if rows:
            run.many(st.save_room, rows)
        marks = [mark for room_id, mark in self._marks.items() if room_id not in self._room_rows]
        if marks:
            run.many(st.mark_room, marks)

    def _logged(self, rows: Sequence[Sequence[Any]]) -> None:
        """Note the ids the events got (a row's second value: PostgreSQL's write returns them) and the batches."""
        self._ids = [int(i) for i in rows[0][1] or ()] if rows and len(rows[0]) > 1 else None
        if self._ids is not None and len(self._ids) == len(self._events) and self._store.local.wanted:
            known = {x.cached.room_id: (x.cached.room.key, x.cached.last_event_id) for x in self._loaded.values()}
            self._batches = batches(self._events, self._ids, known)

    def _one_room_write(self, room_id: int, *, checked: bool) -> tuple[Any, dict[str, Any]]:
        """Return PostgreSQL's one statement for one room's people, events and row, with its parameters.

        `checked`: the room was read without its lock, and the statement writes only if nobody wrote since.
        """
        people = [self._people[key] for key in sorted(self._people)]
        params: dict[str, Any] = {f"people_{name}": [row[name] for row in people] for name in PEOPLE_ROW_COLUMNS}
        params.update({f"event_{name}": [row[name] for row in self._events] for name in EVENT_COLUMNS})
        params.update(self._room_rows.get(room_id, {}))
        ((_, loaded),) = self._loaded.items()
        mark = self._marks.get(room_id)
        params.update(room_id=room_id, next_due=mark["next_due"] if mark else loaded.cached.next_due)
        params["seen"] = loaded.version - 1
        return self._statements.write_room[(room_id in self._room_rows, checked)], params
