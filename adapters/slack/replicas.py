"""X4 across replicas: whether the answer to a command another replica acked may have been lost with it.

A listener answers its person right after the ack (adapters/slack/answers.py); its replica knows, and
the outbox of that replica waits for it. When another replica delivers the command, it cannot see
that listener. So each replica keeps a row in the shared database (`adapter_state`, platform
`REGISTRY`), written every `BEAT_SECONDS`: when it started, when it last beat, its watermark (every
command it committed before that moment is answered, or its listener gave up), and the commands its
listeners took on lately — room, person, when the commit began and returned, and whether the answer
was sent. The outbox of any replica, delivering a command (room, person, time) no listener of its
own took on, waits until every running replica that could have committed it has passed it (its
watermark is later; `LISTENER_WAIT_SECONDS` at most, then it answers: twice rather than never), and:

- sends nothing if a running replica lists the command: that replica answered it (or, if its
  listener failed, the answer is sent here);
- answers if a replica that ran then is dead now (kill -9, a crash: its pid is gone on this host,
  or it has been silent for `STALE_SECONDS`) and either listed it unanswered, or the command is
  later than its last beat (it may have been that replica's, acked in its last moments): at least
  once — an answer that replica sent just before it died comes a second time, in the same words;
- otherwise sends nothing (another tool on the database, which answers its own people).

Without any row (a single process of an older version, or tests that run no beat) the rule is the
single process's: what was committed before this process started is answered, anything later was
answered by its own listener.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.persistence.delivery import gone
from adapters.slack.answers import LISTENER_WAIT_SECONDS, Answers, room_name
from adapters.slack.state import AdapterStateStore
from core.room import RoomKey

log = logging.getLogger(__name__)

REGISTRY = "slack.replica"  # adapter_state rows of this platform name are replicas, one per process run
BEAT_SECONDS = 0.5  # how often a replica publishes its row (one small write)
SKEW_SECONDS = 1.0  # clocks of replicas on different hosts may differ by this much
# A replica silent this long is taken as dead for its answers (answered again rather than never).
STALE_SECONDS = 4 * BEAT_SECONDS + SKEW_SECONDS
KEEP_SECONDS = 10.0  # how long a replica lists the commands it took on (others decide well within it)
FORGET_SECONDS = 24 * 3600.0  # a replica silent this long is no one's concern: its row goes at the next start


@dataclass(frozen=True)
class Replica:
    """One replica's row: its process name, when it started, beat and stopped, its watermark and claims."""

    owner: str
    started: float
    beat: float
    answered_before: float
    stopped: float | None = None
    claims: list[list[Any]] = field(default_factory=list)  # [room, user, since, until, state]

    @classmethod
    def from_row(cls, owner: str, data: dict[str, Any]) -> Replica:
        """Build from a stored row."""
        stopped = data.get("stopped")
        return cls(
            owner,
            float(data.get("started", 0.0)),
            float(data.get("beat", 0.0)),
            float(data.get("answered_before", 0.0)),
            float(stopped) if stopped is not None else None,
            list(data.get("claims") or []),
        )

    def listed(self, room: str, user: str, at: float) -> str | None:
        """Return the state of the claim this replica listed for a command of `user` in `room` at `at`, if any."""
        for where, who, since, until, state in self.claims:
            if where == room and who == user and since <= at and (until is None or at <= until):
                return str(state)
        return None


class Replicas:
    """This replica's row in the registry, and the outbox's question about the others."""

    def __init__(self, store: AdapterStateStore, owner: str, clock: Callable[[], float], answers: Answers) -> None:
        self._store = store
        self.owner = owner
        self._clock = clock  # the service's: the events' `at` is by it
        self._answers = answers
        self.started: float | None = None  # None: not registered (a beat never ran), the single-process rule
        self._seen: list[Replica] = []
        self._read_at = -1.0

    async def start(self) -> None:
        """Register this replica (before it serves any request), and drop the rows of replicas long gone."""
        self.started = self._clock()
        await self.beat()
        delete = getattr(self._store, "delete_adapter_state", None)
        if delete is None:
            return
        for replica in await self.others(self.started):
            if replica.beat < self.started - FORGET_SECONDS:
                await delete(RoomKey(REGISTRY, "*", replica.owner))

    async def beat(self, stopped: bool = False) -> None:
        """Publish that this replica runs, its watermark and the commands it took on lately."""
        assert self.started is not None
        now = self._clock()
        data: dict[str, Any] = {
            "started": self.started,
            "beat": now,
            "answered_before": self._answers.answered_before(now),
            "claims": self._answers.published(now, KEEP_SECONDS),
        }
        if stopped:
            data["stopped"] = now
        await self._store.save_adapter_state(RoomKey(REGISTRY, "*", self.owner), data)

    async def run(self) -> None:
        """Beat until cancelled."""
        while True:
            await asyncio.sleep(BEAT_SECONDS)
            try:
                await self.beat()
            except Exception:
                log.exception("slack: publishing this replica's beat failed; trying again")

    async def others(self, at: float) -> list[Replica]:
        """Return the other replicas' rows, read again unless read after `at` (every one that could act by then)."""
        if self._read_at <= at:
            rows = await self._store.load_adapter_state(REGISTRY)
            self._seen = [Replica.from_row(key.channel, data) for key, data in rows.items()]
            self._read_at = self._clock()
        return [replica for replica in self._seen if replica.owner != self.owner]

    def _dead(self, replica: Replica, now: float) -> bool:
        """Say whether a replica will not answer any more: stopped, killed, or silent past `STALE_SECONDS`."""
        if replica.stopped is not None:
            return True  # stopped: what it had not answered by then (a listener that hung) it never will
        return gone(replica.owner, self.owner) or now - replica.beat > STALE_SECONDS

    async def maybe_lost(self, key: RoomKey, user: str, at: float) -> bool | None:
        """Say whether the answer to `user`'s command committed at `at` by another process may be lost.

        None: no replica that ran then is known (none registered, or an older version ran): the caller decides.
        """
        if self.started is None:
            return None  # not registered: the single-process rule (the caller's)
        room, deadline = room_name(key), at + LISTENER_WAIT_SECONDS
        while True:
            now = self._clock()
            # Ran then, by its own clock (the event's, if it committed it): started before, beat not long before.
            ran = [r for r in await self.others(at + SKEW_SECONDS) if r.started <= at <= r.beat + 2 * BEAT_SECONDS]
            if not ran:
                return None if at < self.started else False
            live = [r for r in ran if not self._dead(r, now)]
            if all(r.answered_before > at for r in live) or now >= deadline:
                return self._decide(ran, live, room, user, at, now >= deadline)
            await asyncio.sleep(BEAT_SECONDS / 2)
            self._read_at = -1.0  # read again: the beat that passes it is the one awaited

    def _decide(self, ran: list[Replica], live: list[Replica], room: str, user: str, at: float, late: bool) -> bool:
        for replica in live:
            state = replica.listed(room, user, at)
            if state is not None:
                return state != "sent" or late  # its listener failed (or hangs): answered here
        for replica in ran:
            if replica in live:
                continue
            state = replica.listed(room, user, at)
            if state is not None:
                return state != "sent"  # a dead replica's: answered unless it said it sent the answer
            if at > replica.beat:
                return True  # after its last word: it may have acked it just before it died
        return late
