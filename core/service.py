"""The application service: commands applied per room in order, inside a unit of work.

Commands that queue up on one room while its transaction runs are applied together next, in
one transaction (group commit): each is decided on the state the ones before it left, each
keeps its own events and actor, and one COMMIT covers them all, so a burst of clicks costs a
commit per group rather than per click. A refusal changes nothing, so it cannot touch the
others; a command that fails makes the group roll back, and then each is run again alone, so
only the failing one fails.

Not domain code: the rules are in core.rules and core.room. It lives in core
because it is as pure as they are (standard library only, storage through the
UnitOfWork and EventLog protocols below, time through a clock it is handed),
and because those protocols are the ports every adapter implements or calls:
adapters depend on core, never core on an adapter. The SQL unit of work lives
in adapters/persistence and an in-memory one in the same package.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Protocol, TypeVar

from core import rules
from core.commands import ChangeDefaults, Command, SetCapacity
from core.errors import StageError
from core.events import ErrorReply, Event
from core.room import Room, RoomKey
from core.rules.turns import run_timers


@dataclass(frozen=True)
class LoggedEvent:
    """An event as kept in a room's event log: the audit history and the outbox."""

    id: int
    room: RoomKey
    at: float
    actor: str | None  # whose command caused it (None for timers and platform happenings)
    event: Event


T = TypeVar("T")

GROUP_LIMIT = 256  # commands per group: bounds one transaction's length (and the wait of the first in it)


@dataclass
class _Queued:
    """A command (with the happenings before it) waiting for its room, and where its events go."""

    commands: tuple[Command, ...]
    done: asyncio.Future[list[Event]]


class StoreBusy(Exception):
    """The store could not take the write now (lock held, serialisation failure); try again.

    `retry` says whether trying again at once is worth it: a lost race is, but a bounded wait
    for a lock that already ran out is the answer to give back, not a reason to wait again.
    """

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class UnitOfWork(Protocol):
    """One transaction over the rooms it loads."""

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def load(self, key: RoomKey) -> Room:
        """Return the room, locked against other writers until the transaction ends."""
        ...

    async def save(self, room: Room, events: list[Event], now: float, actor: str | None) -> None:
        """Write what changed in the room and append its events to the log, in this transaction."""
        ...

    async def lock_workspace(self, room: Room, *, stages: bool) -> int:
        """Lock and refresh room.workspace; with `stages`, return the largest other live stage it rules (C1), else 0."""
        ...

    async def commit(self) -> None: ...


# Which rooms a process serves (a Discord shard's guilds, say); None everywhere means all of them.
Owns = Callable[[RoomKey], bool]


class EventLog(Protocol):
    """Reads the event log with a cursor per consumer and room (the outbox)."""

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Owns | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        """Return events the consumer has not delivered, oldest first (of `platform`, of rooms it `owns`).

        `done` are events delivered since the last read: they are acknowledged first, as `ack` would,
        in the same transaction (an acknowledgement that costs no write of its own).
        """
        ...

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        """Mark events delivered, with every earlier event of their rooms."""
        ...


class StageService:
    """Apply commands to rooms: serialised per room here, locked in the store across processes."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Callable[[], float],
        attempts: int = 8,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._on_commit = on_commit
        self._attempts = attempts
        self._locks: dict[RoomKey, asyncio.Lock] = {}
        self._queues: dict[RoomKey, list[_Queued]] = {}
        self._drains: dict[RoomKey, asyncio.Task[None]] = {}

    async def handle(self, key: RoomKey, command: Command, *, after: Sequence[Command] = ()) -> list[Event]:
        """Apply a command to a room, after the happenings in `after`, in one transaction; return every event.

        Committed when this returns. A caller that stops waiting (cancelled) before its command's group
        started leaves the room unchanged; once the group started, the command is applied all the same.
        """
        queued = _Queued((*after, command), asyncio.get_running_loop().create_future())
        self._queues.setdefault(key, []).append(queued)
        if key not in self._drains:
            self._drains[key] = asyncio.ensure_future(self._drain(key))
        return await queued.done

    async def _drain(self, key: RoomKey) -> None:
        """Apply the room's queued commands, a group at a time, until none is left."""
        queue = self._queues[key]
        group: list[_Queued] = []
        try:
            while queue:
                group = [item for item in queue[:GROUP_LIMIT] if not item.done.done()]
                del queue[:GROUP_LIMIT]
                if group:
                    await self._apply(key, group)
        finally:
            del self._drains[key]
            del self._queues[key]
            for item in (*group, *queue):  # only when this task itself was cancelled (shutdown)
                if not item.done.done():
                    item.done.cancel()

    async def _apply(self, key: RoomKey, group: list[_Queued]) -> None:
        """Commit a group in one transaction; if it fails, run each of its commands alone."""
        try:
            results = await self._serialised(key, lambda: self._handle_group(key, group))
        except StoreBusy as busy:  # the store's answer for all of them: trying each alone would only wait longer
            _fail(group, busy)
            return
        except Exception as error:
            if len(group) == 1:
                _fail(group, error)
                return
            for item in group:  # the group rolled back whole: now each one alone, so only a failing one fails
                await self._apply(key, [item])
            return
        for item, events in zip(group, results, strict=True):
            if not item.done.done():
                item.done.set_result(events)

    async def refusal(self, key: RoomKey, command: Command) -> StageError | None:
        """Return the refusal the command would get now, changing nothing (so a form need not open for it)."""

        async def look() -> StageError | None:
            async with self._unit_of_work() as uow:
                # A copy: the rules change the room they are given, and the store keeps its loaded room.
                room = copy.deepcopy(await uow.load(key))
                prepared = await _prepared(uow, room, command)
            for event in rules.handle(room, prepared, self._clock()):
                if isinstance(event, ErrorReply) and event.refusal is not None:
                    return event.refusal
            return None

        return await self._serialised(key, look)

    async def channel_moderators(self, key: RoomKey) -> list[str]:
        """Return the names on a room's own moderator list, as added (adapters resolve groups); change nothing."""

        async def read() -> list[str]:
            async with self._unit_of_work() as uow:
                return list((await uow.load(key)).channel.moderators)

        return await self._serialised(key, read)

    async def _serialised(self, key: RoomKey, step: Callable[[], Awaitable[T]]) -> T:
        """Run a step alone on its room in this process, retrying while the store is busy."""
        lock = self._locks.get(key)
        if lock is None:  # made only once per room: this runs on every command
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            for attempt in range(self._attempts):
                try:
                    return await step()
                except StoreBusy as busy:
                    if not busy.retry or attempt == self._attempts - 1:
                        raise
                    await asyncio.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    async def _handle_group(self, key: RoomKey, group: Sequence[_Queued]) -> list[list[Event]]:
        """Apply each queued command in order and commit them together; return each one's events."""
        async with self._unit_of_work() as uow:
            room = await uow.load(key)
            results: list[list[Event]] = []
            saved = logged_any = False
            for item in group:
                now = self._clock()
                fired, timers_saved = await self._fire_timers(uow, room, now)
                # A person's arrival and their command in one transaction: a click costs no commit of its own.
                events: list[Event] = []
                for command in item.commands:
                    events += rules.handle(room, await _prepared(uow, room, command), now)
                logged = [event for event in events if not event.is_reply]
                if room.is_dirty or logged:
                    # Saved per command: each keeps its own actor and time, its events in order after the last's.
                    await uow.save(room, logged, now, item.commands[-1].actor.user or None)
                    saved = True
                saved = saved or timers_saved
                logged_any = logged_any or bool(logged) or bool(fired)
                results.append(fired + events)
            if saved:
                await uow.commit()
                if logged_any and self._on_commit is not None:
                    self._on_commit()
            return results

    async def _fire_timers(self, uow: UnitOfWork, room: Room, now: float) -> tuple[list[Event], bool]:
        """T4, R2: fire the timers due by `now`, each one's events logged at its own due time, by nobody.

        The rules would fire them too, but inside the command's step, and the log would then date
        them at the command's time: a turn ended by a late tick would seem to have run until it.
        """
        fired: list[Event] = []
        saved = False
        while (due := room.timers.next_due()) is not None and due <= now:
            events = run_timers(room, due)  # also drops the stale entries due by then
            if events or room.is_dirty:
                await uow.save(room, events, due, None)
                saved = True
            fired += events
        return fired, saved


async def _prepared(uow: UnitOfWork, room: Room, command: Command) -> Command:
    """M2, C1: a workspace change is decided on the locked workspace row and the stages it would rule."""
    if isinstance(command, ChangeDefaults) and command.workspace:
        largest = await uow.lock_workspace(room, stages=isinstance(command, SetCapacity))
        return replace(command, stage_elsewhere=largest)
    return command


def _fail(group: Sequence[_Queued], error: BaseException) -> None:
    for item in group:
        if not item.done.done():
            item.done.set_exception(error)
