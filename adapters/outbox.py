"""Deliver logged events to a platform: read the log with a cursor per room, deliver, then advance.

The cursor moves once per command's events (one acknowledgement for the batch), so a crash
part-way through a command's events means the whole of that command's batch is delivered
again after a restart; deliverers recognise a repeat by its event id. Commands whose delivery
sent nothing that took time (under ACK_AFTER_SECONDS together: no platform call) share one
acknowledgement. The acknowledgement of
the last command a read brought is sent with the next read (one write transaction, not two):
a crash before that read sends that one command's events again, as a crash mid-batch would. With several
processes of one platform, each room is delivered by one of them at a time (the
store leases rooms: adapters/persistence/delivery.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from adapters.present.batch import command_batches
from core.events import Event
from core.room import RoomKey
from core.service import EventLog, LoggedEvent, Owns

log = logging.getLogger(__name__)

# Each logged event comes with the events of the command that caused it, so that wording can depend on them
# (M4: a request closed by a switch to open mode is worded with that switch, which is logged after it).
Deliver = Callable[[LoggedEvent, Sequence[Event]], Awaitable[None]]


@runtime_checkable
class LocalLog(EventLog, Protocol):
    """A log that hands its own process's commits to the pump without a read (adapters/persistence/local.py)."""

    def take_local(
        self, consumer: str, through: dict[RoomKey, int], platform: str | None = None, owns: Owns | None = None
    ) -> list[LoggedEvent] | None:
        """Return the events committed here that follow `through`, or None: read the log."""
        ...

    async def owe(self, consumer: str, event_id: int, *more: int) -> None:
        """Acknowledge these events with this process's next write (or now)."""

    async def settle(self, consumer: str, *more: int) -> None:
        """Write now every acknowledgement still owed, and these."""


LINGER_SECONDS = 0.05  # how long a pump keeps its rooms after its last local commit before giving back idle ones
# A command's events are acknowledged before the next command's are delivered once the deliveries owed took
# this long: any that called a platform did (a network round trip), so what a crash may send again is
# that command's events and before them only deliveries that sent nothing, or nothing that took so long.
ACK_AFTER_SECONDS = 0.001


async def drain(
    events: EventLog,
    consumer: str,
    deliver: Deliver,
    batch: int = 100,
    *,
    platform: str | None = None,
    owns: Owns | None = None,
    linger: bool = False,
    owed: list[int] | None = None,
    per_command: bool = True,
    through: dict[RoomKey, int] | None = None,
) -> int:
    """Deliver everything the consumer has not delivered, each command's events together; return how many.

    Each command's events are acknowledged together once all of them are delivered: after a crash
    part-way through them, the rest of that batch and the part already sent are delivered again
    (a deliverer knows a repeat by its event id). Deliveries that together took under
    ACK_AFTER_SECONDS (nothing sent to a platform) are acknowledged with the next command's.

    With `linger`, a page shorter than asked for ends the drain (nothing was left when it was read)
    without a last read to confirm it, so the rooms stay leased to this process until its next
    drain: for a caller that drains again soon and alone (the console, after every line).

    With `owed`, the acknowledgement of the last command delivered is left in `owed` when a lingering
    drain ends, for the caller's next drain to send with its first read; without it, it is sent
    before returning.

    Without `per_command`, nothing is acknowledged between reads: each read sends the acknowledgement
    of everything the read before it brought (the newest event of each room), for a deliverer that
    only collects what it is given and sends it once the drain is over (the console). A crash then
    delivers again what the last read brought, not only its last command.

    `through` is kept up to date with the newest event delivered of each room (for `pump`'s local path).
    """
    keep = owed is not None
    owed = [] if owed is None else owed
    try:
        through = {} if through is None else through
        return await _drain(events, consumer, deliver, batch, platform, owns, linger, owed, per_command, through)
    finally:
        if owed and not keep:
            await events.ack(consumer, *owed)
            owed.clear()


async def _drain(
    events: EventLog,
    consumer: str,
    deliver: Deliver,
    batch: int,
    platform: str | None,
    owns: Owns | None,
    linger: bool,
    owed: list[int],
    per_command: bool,
    through: dict[RoomKey, int],
) -> int:
    delivered = 0
    page = batch
    while True:
        pending = await events.read(consumer, page, platform=platform, owns=owns, done=tuple(owed))
        owed.clear()  # acknowledged with that read
        if not pending:
            return delivered
        groups = command_batches(pending)
        short = len(pending) < page
        if not short:
            if len(groups) == 1:
                page *= 2  # one command fills the page: read the rest of it before delivering any of it
                continue
            groups.pop()  # the page may have cut the last command short: it leads the next page
        page = batch
        if not per_command:
            for group in groups:
                await _deliver_group(deliver, group, through)
                delivered += len(group)
            # Acknowledging an event acknowledges every earlier one of its room: the newest of each is enough.
            owed.extend({item.room: item.id for group in groups for item in group}.values())
            if short and linger:
                return delivered
            continue
        delivered += await _deliver_commands(events, consumer, deliver, groups, owed, through)
        # What is still owed goes with the next read.
        if short and linger:
            return delivered


async def _deliver_commands(
    events: EventLog,
    consumer: str,
    deliver: Deliver,
    groups: Sequence[Sequence[LoggedEvent]],
    owed: list[int],
    through: dict[RoomKey, int],
) -> int:
    """Deliver each command's events, acknowledging them as ACK_AFTER_SECONDS says; leave the rest owed."""
    delivered = 0
    since = time.perf_counter()  # when the deliveries owed since the last acknowledgement began
    for n, group in enumerate(groups, 1):
        await _deliver_group(deliver, group, through)
        owed.extend(item.id for item in group)
        delivered += len(group)
        if n < len(groups) and time.perf_counter() - since >= ACK_AFTER_SECONDS:
            await events.ack(consumer, *owed)  # one write transaction for what is owed
            owed.clear()
            since = time.perf_counter()
    return delivered


async def _deliver_group(deliver: Deliver, group: Sequence[LoggedEvent], through: dict[RoomKey, int]) -> None:
    caused = [item.event for item in group]
    for item in group:
        await deliver(item, caused)
    for item in group:
        through[item.room] = item.id  # once the whole command is delivered (a failure leaves it as it was)


async def pump(
    events: EventLog,
    consumer: str,
    deliver: Deliver,
    wake: asyncio.Event,
    poll_seconds: float = 2.0,
    stop: asyncio.Event | None = None,
    *,
    platform: str | None = None,
    owns: Owns | None = None,
) -> None:
    """Keep delivering: on every wake-up (a local commit) and every poll (other processes' commits).

    While local commits keep coming, each round lingers (no last read to confirm the log is empty,
    rooms stay leased); once `LINGER_SECONDS` pass without one, a full round gives back the rooms
    that have nothing left, so another process takes them at once. Once `stop` is set (and `wake`
    with it), deliver what is committed by then and return: stopping never cuts a delivery in
    half, so nothing is sent twice after a restart.
    """
    linger = False  # the first round, and every round after a quiet spell, reads until nothing is left
    owed: list[int] = []  # acknowledgements a lingering round left for the next round's first read
    through: dict[RoomKey, int] = {}  # the newest event delivered of each room
    local = events if isinstance(events, LocalLog) else None
    while True:
        stopping = stop is not None and stop.is_set()
        wake.clear()  # before reading: a commit during the drain wakes the next round at once
        try:
            lingering = linger and not stopping
            # Woken by this process's commits: deliver them as committed if they follow what was delivered.
            taken = local.take_local(consumer, through, platform, owns) if local is not None and lingering else None
            if local is not None and taken is not None:
                # What no command carried since the last round is written before more is delivered, as a
                # read's would be: a crash then repeats no more than it did when every round read.
                await local.settle(consumer, *owed)
                owed.clear()
                await _deliver_commands(events, consumer, deliver, command_batches(taken), owed, through)
                if owed:
                    await local.owe(consumer, *owed)  # written with this process's next command or round
                    owed.clear()
            else:
                await drain(
                    events,
                    consumer,
                    deliver,
                    platform=platform,
                    owns=owns,
                    linger=lingering,
                    owed=owed,
                    through=through,
                )
        except asyncio.CancelledError:
            raise
        except Exception:
            # The cursor did not move: the same events are tried again on the next round (or the next start).
            log.exception("delivering events to %s failed; retrying", consumer)
        if stopping:
            return
        if wake.is_set():  # committed during the drain: go round at once, no waiter to set up
            linger = True
            continue
        try:
            # A timeout scope, not wait_for: no task of its own for every wait.
            async with asyncio.timeout(min(LINGER_SECONDS, poll_seconds) if linger else poll_seconds):
                await wake.wait()
            linger = True  # woken by a commit: more are likely to follow
        except TimeoutError:
            linger = False
