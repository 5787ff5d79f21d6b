"""A stage driven through the real service and SQL store, as a bot process would run it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.sql import SqlStore
from core import commands as c
from core.events import ErrorReply, Event, StatusReply
from core.room import RoomKey
from core.service import StageService

ROOM = RoomKey("slack", "T1", "C1")
HOST = c.Actor("host", moderator=True)
ADMIN = c.Actor("boss", admin=True)


@dataclass
class Clock:
    """Time that moves only when a test says so."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Process:
    """One bot process: its own store (connection, room cache) and service."""

    store: SqlStore
    service: StageService
    clock: Clock = field(default_factory=Clock)

    async def do(self, command: c.Command, room: RoomKey = ROOM) -> list[Event]:
        """Handle a command; return every event, replies included."""
        return await self.service.handle(room, command)

    async def status(self, room: RoomKey = ROOM, asker: c.Actor = HOST) -> StatusReply:
        """Return the room as a moderator sees it."""
        (reply,) = [e for e in await self.do(c.Status(asker), room) if isinstance(e, StatusReply)]
        return reply

    async def close(self) -> None:
        await self.store.close()


async def start_process(url: str, clock: Clock | None = None) -> Process:
    """Open the database (migrating it) and build a service over it."""
    store = await SqlStore.open(url, migrate=True)
    clock = clock or Clock()
    return Process(store, StageService(store.unit_of_work, clock), clock)


def errors(events: list[Event]) -> list[ErrorReply]:
    return [e for e in events if isinstance(e, ErrorReply)]


def names(events: list[Event]) -> list[str]:
    return [e.name for e in events]


async def arrive(process: Process, *users: str, room: RoomKey = ROOM) -> None:
    for user in users:
        await process.do(c.Arrive(c.Actor(user)), room)


async def empty_postgres_schema(url: str) -> None:
    """Drop everything in a PostgreSQL database's public schema (a database nobody has used yet)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
