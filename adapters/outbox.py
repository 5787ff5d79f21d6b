"""Deliver logged events to a platform: read the log with a cursor, deliver, then advance.

A crash between delivery and the cursor moving means the event is delivered
again after a restart; deliverers recognise a repeat by its event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from core.service import EventLog, LoggedEvent

log = logging.getLogger(__name__)

Deliver = Callable[[LoggedEvent], Awaitable[None]]


async def drain(events: EventLog, consumer: str, deliver: Deliver, batch: int = 100) -> int:
    """Deliver everything after the consumer's cursor; return how many were delivered."""
    delivered = 0
    while True:
        pending = await events.read(consumer, batch)
        if not pending:
            return delivered
        for item in pending:
            await deliver(item)
            await events.ack(consumer, item.id)
            delivered += 1


async def pump(
    events: EventLog,
    consumer: str,
    deliver: Deliver,
    wake: asyncio.Event,
    poll_seconds: float = 2.0,
    stop: asyncio.Event | None = None,
) -> None:
    """Keep delivering: on every wake-up (a local commit) and every poll (other processes' commits).

    Once `stop` is set (and `wake` with it), deliver what is committed by then and return: stopping
    never cuts a delivery in half, so nothing is sent twice after a restart.
    """
    while True:
        stopping = stop is not None and stop.is_set()
        try:
            await drain(events, consumer, deliver)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The cursor did not move: the same events are tried again on the next round (or the next start).
            log.exception("delivering events to %s failed; retrying", consumer)
        if stopping:
            return
        wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=poll_seconds)
