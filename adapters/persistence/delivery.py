"""Delivery of the event log, room by room, by any number of processes of one platform.

Each consumer (an adapter's deliverer) keeps one cursor per room (`deliveries.delivered_id`).
The ids of one room's events commit in order, because every writer holds the room's lock
(the version bump) until it commits; so a per-room cursor never skips an event, and no lock
spans rooms. Ids of different rooms may commit out of order, which per-room cursors do not mind.

A room is delivered by one process at a time: the process that holds the room's lease for that
consumer (`owner`, `lease_until`). A process takes a lease when the room has something new and
nobody holds it, or the holder's lease ran out (it crashed or hangs); it renews the lease while
it keeps delivering and gives it back once the room has nothing left. So N processes deliver
every event once between them, in room order; a process killed mid-delivery has its rooms taken
over when their leases run out, and what it had sent but not acknowledged is sent again (at
least once across a crash, never skipped).

Each deliverer keeps a heartbeat row (`deliverers`) while it runs, so each knows how many share
the consumer and takes only its fair share of the free rooms (adapters/persistence/sharing.py).
A process that delivers only part of a platform (a Discord shard, `owns`) shares with nobody:
no other process may take its rooms.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from adapters.persistence import mapping
from adapters.persistence.database import Runner, StepConnection
from adapters.persistence.delivery_statements import DeliveryStatements
from adapters.persistence.sharing import Share
from core.room import RoomKey
from core.service import LoggedEvent, Owns

LEASE_SECONDS = 30.0  # how long a silent process keeps its rooms before another takes them over
LIVE_CHECK_SECONDS = 0.25  # how long a deliverer trusts its count of the others before reading it again


def process_name() -> str:
    """Return a name for this process's leases: host, pid and a random part (a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def gone(owner: str, me: str) -> bool:
    """Say whether a lease holder is a process of this host that no longer runs (a crash, a kill -9).

    Then its rooms need not wait for the lease to run out: a restarted bot delivers at once. A
    holder on another host is judged by its lease alone.
    """
    host, _, rest = owner.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != me.partition(":")[0] or not pid_text.isdigit() or owner == me:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # an earlier run of this very process id (a container's pid 1 after a restart)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it runs, as another user
    return False


class Delivery:
    """One process's side of room-by-room delivery: its leases, per consumer."""

    def __init__(
        self,
        dialect: str,
        connection: Callable[[], AbstractAsyncContextManager[StepConnection]],
        *,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
        owner: str | None = None,
    ) -> None:
        self.statements = DeliveryStatements(dialect)
        self._connection = connection
        self.lease_seconds = lease_seconds
        self._clock = clock  # wall time: leases are compared across processes (and hosts)
        self.owner = owner or process_name()
        self._held: dict[str, dict[int, float]] = {}  # consumer -> room id -> when our lease ends
        self._alive: dict[str, float] = {}  # consumer -> when our heartbeat runs out
        self._live: dict[str, tuple[float, int]] = {}  # consumer -> (when counted, how many deliverers run)
        self._shares: dict[str, Share] = {}

    async def read(
        self,
        consumer: str,
        limit: int,
        platform: str | None = None,
        owns: Owns | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        """Return undelivered events of the rooms this process holds (taking free ones), in id order.

        `done` (delivered since the last read) are acknowledged first, in the same transaction.
        """
        now = self._clock()
        held = self._held.setdefault(consumer, {})
        base = {"consumer": consumer, "owner": self.owner}
        st = self.statements

        share = self._shares.setdefault(consumer, Share(self.owner))
        beat = self._alive.get(consumer, 0.0) - now < self.lease_seconds / 2

        def step(run: Runner) -> tuple[list[Sequence[Any]], dict[int, float] | None, bool]:
            if done:
                # Committed as it runs, before the reads: an ack is idempotent, and reads need no lock.
                run.run(st.ack, {"consumer": consumer, "ids": st.ids(done)})
            found = run.rows(st.pending if platform is None else st.pending_on, {**base, "platform": platform})
            ours: list[int] = []
            renew: list[int] = []
            free: list[int] = []
            broken: set[str] = set()  # holders that are dead processes of this host
            others = 0  # rooms that live processes hold
            for room_id, *key, holder, lease_until in found:
                if owns is not None and not owns(RoomKey(*key)):
                    continue  # another process's part of the platform (a Discord shard, say)
                if holder == self.owner and held.get(room_id, 0.0) - now > self.lease_seconds / 2:
                    ours.append(room_id)
                elif holder == self.owner:
                    renew.append(room_id)  # ours, but running out
                elif holder is None or lease_until is None or lease_until < now:
                    free.append(room_id)  # free, or its holder went silent
                elif gone(holder, self.owner):
                    broken.add(holder)
                    free.append(room_id)
                else:
                    others += 1
            mine = ours + renew
            spare: list[int] = []
            if free or len(mine) > 1:
                live = 1 if owns is not None else self._count_live(run, consumer, now)
                pending = len(mine) + len(free) + others
                spare = share.spare(mine, pending, live)  # past its share: another process takes them
                ours = [room for room in ours if room not in spare]
                renew = [room for room in renew if room not in spare]
                claims = renew + share.choose(free, len(ours) + len(renew), pending, live, now)
            else:
                claims = renew
            pending_ids = {row[0] for row in found}
            emptied = [room for room in held if room not in pending_ids]  # nothing left: let any process take it
            emptied += spare
            leases = bool(claims or emptied or broken)
            wrote = leases or beat
            if wrote:
                run.begin()
            if beat:
                run.run(st.beat, {**base, "until": now + self.lease_seconds})
                run.run(st.forget_silent, {"before": now - self.lease_seconds})
            if broken:
                params = [{"owner": holder} for holder in sorted(broken)]
                run.many(st.release_all, params)
                run.many(st.forget, params)
            if claims:
                until = now + self.lease_seconds
                run.many(st.claim, [{**base, "room_id": room, "until": until, "now": now} for room in claims])
            if emptied:
                run.many(st.release, [{**base, "room_id": room} for room in emptied])
            holding = {int(r): float(u) for r, u in run.rows(st.holding, base)} if leases else None
            rows = list(run.rows(st.leased_events, {**base, "limit": limit})) if ours or claims else []
            return rows, holding, wrote

        async with self._connection() as connection:
            rows, holding, wrote = await connection.call(step)
            await (connection.finish(_nothing) if wrote else connection.rollback())
        if holding is not None:
            self._held[consumer] = holding
        if beat:
            self._alive[consumer] = now + self.lease_seconds
        return [mapping.logged_from(row) for row in rows]

    def fresh(self, consumer: str, room_id: int) -> bool:
        """Say whether this process holds the room's lease, and its heartbeat, for over half a lease more."""
        now, half = self._clock(), self.lease_seconds / 2
        lease = self._held.get(consumer, {}).get(room_id)
        return lease is not None and lease - now > half and self._alive.get(consumer, 0.0) - now > half

    def _count_live(self, run: Runner, consumer: str, now: float) -> int:
        """Return how many deliverers of this consumer run, this one included (read again after a while)."""
        counted, live = self._live.get(consumer, (float("-inf"), 1))
        if now - counted >= LIVE_CHECK_SECONDS or now < counted:
            owners = {owner for (owner,) in run.rows(self.statements.live, {"consumer": consumer, "now": now})}
            live = len({owner for owner in owners if not gone(owner, self.owner)} | {self.owner})
            self._live[consumer] = (now, live)
        return live

    async def ack(self, consumer: str, event_ids: Sequence[int]) -> None:
        """Mark these events, and every earlier event of their rooms, delivered (never backwards)."""
        if not event_ids:
            return
        params = {"consumer": consumer, "ids": self.statements.ids(event_ids)}
        async with self._connection() as connection:
            await connection.finish(lambda run: run.run(self.statements.ack, params))

    async def start_like(self, consumer: str, like: str) -> bool:
        """Give a consumer that never read the log the cursors of another; return whether it did."""

        def step(run: Runner) -> bool:
            st = self.statements
            if run.rows(st.has_state, {"consumer": consumer}) or not run.rows(st.has_state, {"consumer": like}):
                return False
            run.begin()
            for statement in (st.clear_rooms, st.copy_floor, st.copy_rooms):
                run.run(statement, {"consumer": like, "to": consumer})
            return True

        async with self._connection() as connection:
            copied = await connection.call(step)
            await (connection.finish(_nothing) if copied else connection.rollback())
        return copied

    async def release(self) -> None:
        """Give back every room this process holds and stop counting as a deliverer (a graceful stop)."""
        if not any(self._held.values()) and not self._alive:
            return

        def step(run: Runner) -> None:
            run.begin()
            run.run(self.statements.release_all, {"owner": self.owner})
            run.run(self.statements.forget, {"owner": self.owner})

        async with self._connection() as connection:
            await connection.finish(step)
        self._held.clear()
        self._alive.clear()


def _nothing(run: Runner) -> None:
    """Add nothing: the step before already did the work, this only commits it."""
