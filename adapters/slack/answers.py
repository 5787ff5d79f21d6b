"""X4: the answer to whoever typed or clicked is owed until it is sent, so a crash after the ack never loses it.

A listener answers the person itself, right after the ack, so the answer stays immediate. The durable
record of what it owes them is the command's own committed events: the outbox does not move its cursor
past a command's first event before that person's answer is sent — by the listener (this process saw it
go out) or, when no listener of this process took it on (the process that acked was killed, or its answer
failed), by the outbox itself. In the normal case the outbox sends nothing to the actor, so nobody is
answered twice; after a kill the answer comes from the outbox after the restart.

Which commands a listener answers is decided from their events: a person's own command changes the
stage (a request, a hand, an approval); a timer (expiry) or the platform (leaving the channel or the
huddle) makes events the person is not answered for, and the outbox keeps to that after a restart too.
Refusals and `status` commit nothing, so nothing is owed for them (docs/slack.md says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from core import events as ev
from core.room import RoomKey

log = logging.getLogger(__name__)

# How long the outbox waits for a listener's answer before sending it itself: past the client's retry budget
# (20 s), so only a listener that hangs is answered for, and then twice rather than never.
LISTENER_WAIT_SECONDS = 30.0
KEEP_CLAIMS = 20_000  # claims kept for an outbox that is behind (a stampede); past this, answered ones go
KEEP_FAILED_SECONDS = 600.0  # how long an answer a listener could not send is listed for other replicas
KEEP_DECIDED = 1_000  # outcomes kept for batches the outbox may try again (it retries the oldest first)


def owed(events: Sequence[ev.Event]) -> bool:
    """Say whether a command's logged events are a person's own doing, which is answered (not a timer or a leave)."""
    return any(not _happening(event) for event in events)


def _happening(event: ev.Event) -> bool:
    if isinstance(event, ev.InvitationExpired):
        return True  # J8's timer runs before any command, whoever's it is
    if isinstance(event, ev.HandLowered):
        return event.by is None  # only leaving the channel lowers a hand with nobody lowering it
    return getattr(event, "reason", None) == "left_room"  # leaving the channel or the stage huddle (L2)


def shape(event: ev.Event) -> str:
    """Return an event as the log keeps it, so a committed event and the same one read back compare equal."""
    return json.dumps(event.as_dict(), sort_keys=True, default=str)


@dataclass(eq=False)
class Claim:
    """One command a listener of this process is answering: from just before its commit until its answer."""

    key: RoomKey
    user: str
    since: float = 0.0  # by the service's clock, just before its commit: its events' time is no earlier
    until: float | None = None  # by the same clock, once its commit returned: its events' time is no later
    events: list[ev.Event] = field(default_factory=list)  # its logged events, once committed
    shapes: list[str] = field(default_factory=list)
    committed: asyncio.Event = field(default_factory=asyncio.Event)  # set once the command returned (or failed)
    done: asyncio.Event = field(default_factory=asyncio.Event)  # set once the listener answered, or gave up
    answered: bool = False
    forgotten: bool = False  # the outbox matched it (or it owed nothing): no longer listed for other replicas


class Answers:
    """The answers listeners of this process owe, as the outbox asks after them."""

    def __init__(self) -> None:
        self._claims: dict[tuple[RoomKey, str], list[Claim]] = {}
        # The claims of the listener running in this context (each Bolt listener runs in its own task).
        self._listener: ContextVar[list[Claim] | None] = ContextVar("stagedoor_slack_claims", default=None)
        self._count = 0
        self._decided: dict[int, bool | None] = {}  # first event id of a batch → what taken() said of it
        self._open: dict[Claim, None] = {}  # claims not yet answered (or given up), oldest first
        self._recent: deque[Claim] = deque()  # claims begun lately, for other replicas (published)

    @contextlib.contextmanager
    def listening(self) -> Iterator[None]:
        """Mark a listener's run: whatever it took on and did not answer is left to the outbox when it ends."""
        claims: list[Claim] = []
        token = self._listener.set(claims)
        try:
            yield
        finally:
            self._listener.reset(token)
            for claim in claims:
                self._settle(claim, answered=False)

    def begin(self, key: RoomKey, user: str, now: float = 0.0) -> Claim | None:
        """Take on answering a command about to be committed at `now` (outside a listener, nobody does: None)."""
        mine = self._listener.get()
        if mine is None:
            return None
        claim = Claim(key, user, now)
        mine.append(claim)
        self._open[claim] = None
        self._recent.append(claim)
        self._claims.setdefault((key, user), []).append(claim)
        self._count += 1
        if self._count > KEEP_CLAIMS:
            self._prune()
        return claim

    def committed(self, claim: Claim | None, events: Sequence[ev.Event], now: float | None = None) -> None:
        """Record what the command logged (by `now`); one that logged nothing its person is answered for owes none."""
        if claim is None:
            return
        claim.until = now
        claim.events = [event for event in events if not event.is_reply]
        claim.shapes = [shape(event) for event in claim.events]
        claim.committed.set()
        if not owed(claim.events):
            self._settle(claim, answered=True)
            self._forget(claim)

    def failed(self, claim: Claim | None) -> None:
        """The command raised before its commit: nothing is logged, nothing owed."""
        if claim is not None:
            claim.committed.set()
            self._settle(claim, answered=True)
            self._forget(claim)

    def answered(self, events: Sequence[ev.Event], sent: bool) -> None:
        """The listener answered (or failed to answer) for these events: settle the claims they cover."""
        mine = self._listener.get() or []
        given = {id(event) for event in events}
        for claim in mine:
            if claim.committed.is_set() and all(id(event) in given for event in claim.events):
                self._settle(claim, answered=sent)

    async def taken(self, event_id: int, key: RoomKey, user: str, batch: Sequence[ev.Event]) -> bool | None:
        """Say whether a listener of this process answered the command these logged events came from.

        Waits for the person's commands still being committed (one may be this batch's) and then for the
        listener's answer: True, it was sent; False, it failed (the outbox answers); None, no listener here
        took this command on. The outcome is kept for the batch's first event id, so an outbox round that
        fails and comes back gets the same one.
        """
        if event_id in self._decided:
            return self._decided[event_id]
        outcome = await self._match(key, user, batch)
        self._decided[event_id] = outcome
        while len(self._decided) > KEEP_DECIDED:
            self._decided.pop(next(iter(self._decided)))
        return outcome

    async def _match(self, key: RoomKey, user: str, batch: Sequence[ev.Event]) -> bool | None:
        for claim in list(self._claims.get((key, user), [])):
            if not claim.committed.is_set():
                await _bounded(claim.committed, "commit")
        # Oldest first, each claim taking its events out of the batch: the same click made twice is two claims,
        # and a batch of one of them takes only the first.
        left = Counter(shape(event) for event in batch)
        matched = []
        for claim in list(self._claims.get((key, user), [])):
            needs = Counter(claim.shapes)
            if claim.shapes and not needs - left:
                left -= needs
                matched.append(claim)
                self._forget(claim)
        if not matched:
            return None
        for claim in matched:
            if not claim.done.is_set() and not await _bounded(claim.done, "answer"):
                return False
        return all(claim.answered for claim in matched)

    def answered_before(self, now: float) -> float:
        """Return a time before which every command a listener here committed is answered (or given up on)."""
        return min((claim.since for claim in self._open), default=now)

    def published(self, now: float, keep: float) -> list[list[Any]]:
        """Return the claims begun in the last `keep` seconds (and any still open), as other replicas read them.

        Each is [room, user, since, until, state]: state "open" (not yet answered), "sent", or "failed"
        (the listener could not answer: whoever delivers the command answers it).
        """

        def listed(claim: Claim) -> bool:
            # A failed answer stays listed until an outbox here sends it (or for KEEP_FAILED_SECONDS, when another
            # replica's outbox delivers its command): whichever replica delivers it must know to answer.
            if claim.since >= now - keep or not claim.done.is_set():
                return True
            return not (claim.answered or claim.forgotten) and claim.since >= now - KEEP_FAILED_SECONDS

        while self._recent and not listed(self._recent[0]):
            self._recent.popleft()
        return [
            [room_name(claim.key), claim.user, claim.since, claim.until, _state(claim)]
            for claim in self._recent
            if listed(claim)
        ]

    def _settle(self, claim: Claim, answered: bool) -> None:
        self._open.pop(claim, None)
        if claim.done.is_set():
            return
        claim.answered = answered
        claim.done.set()

    def _forget(self, claim: Claim) -> None:
        claim.forgotten = True
        queue = self._claims.get((claim.key, claim.user))
        if queue is not None and claim in queue:
            queue.remove(claim)
            self._count -= 1
            if not queue:
                del self._claims[(claim.key, claim.user)]

    def _prune(self) -> None:
        """Drop about half the answered claims the outbox has not reached (finding none, it sends nothing: right)."""
        answered = [claim for queue in self._claims.values() for claim in queue if claim.answered]
        for claim in answered[: len(answered) // 2 + 1]:
            self._forget(claim)


def room_name(key: RoomKey) -> str:
    """Return how a published claim names its room."""
    return f"{key.workspace}/{key.channel}"


def _state(claim: Claim) -> str:
    if not claim.done.is_set():
        return "open"
    return "sent" if claim.answered else "failed"


async def _bounded(flag: asyncio.Event, what: str) -> bool:
    try:
        await asyncio.wait_for(flag.wait(), LISTENER_WAIT_SECONDS)
        return True
    except TimeoutError:
        log.warning("a listener's %s took over %.0f s; the outbox answers instead", what, LISTENER_WAIT_SECONDS)
        return False
