"""Read one room's event log page by page, oldest first, for exports (R2).

Each page is one short read (keyset on the event id, `page_size` rows at most),
so a year of events passes through in bounded memory and no transaction stays
open between pages: the bot keeps writing while an export runs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.persistence import mapping
from adapters.persistence.compiled import sqlite_statements
from adapters.persistence.sql import SqlStore
from adapters.persistence.statements import bp
from core.events import Event, SessionEnded, SessionStarted, event_from_dict
from core.room import RoomKey

if TYPE_CHECKING:
    from adapters.persistence.steps import Statement

__all__ = ["DEFAULT_PAGE", "Page", "PagedHistory", "Start"]

DEFAULT_PAGE = 500


@dataclass(frozen=True)
class Page:
    """One logged event as the export reads it."""

    id: int
    at: float
    actor: str | None
    event: Event


@dataclass(frozen=True)
class Start:
    """Where reading starts for a range: after event `after`, with `sessions` sessions started before it."""

    after: int
    sessions: int


class HistoryStatements:
    """The reads, built once per dialect (SQLite's are its compiled text)."""

    def __init__(self, dialect: str, *, core: bool = False) -> None:
        """Take SQLite's compiled text, or build the Core statements (always with `core`: to compile them)."""
        if dialect == "sqlite" and not core:
            vars(self).update(sqlite_statements("HistoryStatements"))
            return
        from sqlalchemy import func, select

        from adapters.persistence.tables import events, rooms

        room = events.c.room_id == bp("room_id")
        self.room_id: Statement = select(rooms.c.id).where(
            rooms.c.platform == bp("platform"), rooms.c.workspace == bp("workspace"), rooms.c.channel == bp("channel")
        )
        self.last_before: Statement = select(func.max(events.c.id)).where(room, events.c.at < bp("since"))
        self.boundary: Statement = (
            select(events.c.id, events.c.name)
            .where(
                room,
                events.c.id <= bp("before"),
                (events.c.name == SessionStarted.name) | (events.c.name == SessionEnded.name),
            )
            .order_by(events.c.id.desc())
            .limit(1)
        )
        self.started: Statement = select(func.count()).where(
            room, events.c.id <= bp("after"), events.c.name == SessionStarted.name
        )
        self.page: Statement = (
            select(events.c.id, events.c.at, events.c.actor, events.c.payload)
            .where(room, events.c.id > bp("after"))
            .order_by(events.c.id)
            .limit(bp("limit"))
        )


@functools.cache
def _statements(dialect: str) -> HistoryStatements:
    return HistoryStatements(dialect)


class PagedHistory:
    """A room's logged events in pages of at most `page_size` rows; counts what it read."""

    def __init__(self, store: SqlStore, page_size: int = DEFAULT_PAGE) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._store = store
        self._sql = _statements(store.dialect)
        self.page_size = page_size
        self.pages_read = 0
        self.rows_read = 0
        self.largest_page = 0

    async def _rows(self, statement: Statement, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        async with self._store.connection() as connection:
            try:
                return await connection.call(lambda run: run.rows(statement, params))
            finally:
                await connection.rollback()

    async def room_id(self, key: RoomKey) -> int | None:
        """Return the room's id, or None if nothing was ever stored for that channel."""
        rows = await self._rows(self._sql.room_id, mapping.key_params(key))
        return int(rows[0][0]) if rows else None

    async def start(self, room_id: int, since: float | None) -> Start:
        """Say where a range from `since` starts: at the start of a session still running then, if any."""
        after = 0
        if since is not None:
            (last,) = (await self._rows(self._sql.last_before, {"room_id": room_id, "since": since}))[0]
            after = int(last or 0)
            if after:
                found = await self._rows(self._sql.boundary, {"room_id": room_id, "before": after})
                if found and found[0][1] == SessionStarted.name:
                    after = int(found[0][0]) - 1  # that session's figures are counted from its start
        (started,) = (await self._rows(self._sql.started, {"room_id": room_id, "after": after}))[0]
        return Start(after, int(started))

    async def events(self, room_id: int, after: int) -> AsyncIterator[Page]:
        """Yield the room's events after event id `after`, oldest first, reading one page at a time."""
        while True:
            params = {"room_id": room_id, "after": after, "limit": self.page_size}
            rows = await self._rows(self._sql.page, params)
            self.pages_read += 1
            self.rows_read += len(rows)
            self.largest_page = max(self.largest_page, len(rows))
            for event_id, at, actor, payload in rows:
                yield Page(int(event_id), float(at), actor, event_from_dict(json.loads(payload), actor))
            if len(rows) < self.page_size:
                return
            after = int(rows[-1][0])
