"""X3 delivery: two processes of one platform deliver the log between them, once each, room by room.

Two deliverer processes (adapters.outbox.pump, consumer "slack") drain while a third process
writes; their journals say what each sent and acknowledged (tests/integration/workers.py). Then,
in this process, the lease rules: another host's lease is waited out, a dead process's is not.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from adapters.persistence.delivery import Delivery, process_name
from adapters.persistence.sql import SqlStore
from adapters.persistence.tables import deliverers
from core import commands as c
from core.room import RoomKey
from tests.integration import workers as w
from tests.integration.many import Journal, Worker, batch, check_delivery, logged, setup_rooms
from tests.integration.stage import HOST, ROOM, arrive, start_process

COMMANDS = 15
LONG_LEASE = 600  # longer than the test: a lease taken over during it was broken, not waited out


async def _writer_and_deliverers(url: str, scratch: Path, delay: float) -> tuple[Worker, list[Worker]]:
    await setup_rooms(url)
    started = await asyncio.gather(
        Worker.start(url, scratch, 0, tasks=4),
        *(Worker.start(url, scratch, n, journal=True, lease=LONG_LEASE, delay=delay) for n in (1, 2)),
    )
    return started[0], list(started[1:])


async def _finish(writer: Worker, deliverers: list[Worker]) -> None:
    for deliverer in deliverers:
        if deliverer.process.returncode is None:
            assert (await deliverer.ask(op="drain"))["op"] == "drained"
    for worker in (writer, *deliverers):
        if worker.process.returncode is None:
            await worker.quit()


async def test_X3_two_processes_of_one_platform_deliver_each_event_exactly_once_between_them_in_room_order(
    database_url: str, tmp_path: Path
) -> None:
    # Each message takes a while to send, as a platform call does, so the two deliverers overlap.
    writer, deliverers = await _writer_and_deliverers(database_url, tmp_path, delay=0.01)
    try:
        await _both_running(database_url)
        for n in range(3):
            await batch([writer], n, 1_000.0 + 6 * n, COMMANDS)
            await asyncio.sleep(0.1)  # let the deliverers catch up now and then, as a quiet moment would
    finally:
        await _finish(writer, deliverers)

    journals = [Journal.read(deliverer.journal) for deliverer in deliverers]
    times = check_delivery(await logged(database_url), journals, killed=[])
    assert set(times.values()) == {1}
    # How the rooms were shared depends on timing here; the test with a moved clock below checks the shares.
    for journal in journals:  # no crash: each acknowledged everything it sent
        assert journal.acked == {event_id for event_id, _, _ in journal.delivered}


async def _both_running(url: str, timeout: float = 20.0) -> None:
    """Wait until both deliverers have a heartbeat, so that each knows it shares the rooms."""
    store = await SqlStore.open(url, migrate=False)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with store.engine.connect() as connection:
                running = (await connection.execute(select(func.count()).select_from(deliverers))).scalar_one()
            if running == 2:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{running} deliverers have a heartbeat, not 2")
    finally:
        await store.close()


async def _one_mid_delivery(deliverers: list[Worker], timeout: float = 20.0) -> Worker:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for deliverer in deliverers:
            assert deliverer.journal is not None
            text = deliverer.journal.read_text() if deliverer.journal.exists() else ""
            if text.endswith("\n") and text.splitlines()[-1].startswith("D "):
                return deliverer
        await asyncio.sleep(0.001)
    raise AssertionError("no deliverer was caught delivering: nothing to kill mid-drain")


async def test_X3_a_deliverer_killed_mid_drain_loses_nothing_and_only_what_it_had_not_acknowledged_is_sent_again(
    database_url: str, tmp_path: Path
) -> None:
    writer, deliverers = await _writer_and_deliverers(database_url, tmp_path, delay=0.003)
    try:
        await writer.send(op="batch", n=0, now=1_000.0, seed=0, commands=COMMANDS)
        victim = await _one_mid_delivery(deliverers)
        await victim.kill()
        answer = await writer.receive()
        assert answer["op"] == "done" and not answer["failed"], answer
        for n in (1, 2):
            await batch([writer], n, 1_000.0 + 6 * n, COMMANDS)
    finally:
        await _finish(writer, deliverers)

    (survivor,) = [deliverer for deliverer in deliverers if deliverer is not victim]
    dead, alive = Journal.read(victim.journal), Journal.read(survivor.journal)
    times = check_delivery(await logged(database_url), [dead, alive], killed=[dead])
    assert dead.delivered and dead.unacked, "the kill did not land mid-delivery"
    # The survivor took the dead process's rooms at once (their leases had ten minutes to run) and sent
    # again what it had not acknowledged; an acknowledgement committed just before the kill may be missing.
    sent_again = {event_id for event_id, n in times.items() if n > 1}
    assert sent_again <= dead.unacked
    assert len(dead.unacked - sent_again) <= 1


def _delivery(store: SqlStore, owner: str, clock: Callable[[], float], lease: float = 30.0) -> Delivery:
    return Delivery(store.dialect, store.connection, lease_seconds=lease, clock=clock, owner=owner)


class Clock:
    """Wall time for leases, moved by the test."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def _events_in_a_room(url: str) -> tuple[SqlStore, list[int]]:
    process = await start_process(url)
    await process.do(c.StartSession(HOST, "open"))
    await arrive(process, "ann", "bob")
    for user in ("ann", "bob"):
        await process.do(c.JoinStage(c.Actor(user)))
    return process.store, [item.id for item in await process.store.history(ROOM)]


async def test_X3_a_lease_held_by_another_host_is_taken_over_once_it_runs_out_and_not_before(database_url: str) -> None:
    store, ids = await _events_in_a_room(database_url)
    try:
        clock = Clock()
        elsewhere = _delivery(store, "otherhost:4242:0badcafe", clock)
        here = _delivery(store, process_name(), clock)
        assert [e.id for e in await elsewhere.read(w.CONSUMER, 100)] == ids  # sent, never acknowledged
        clock.now += 20
        assert await here.read(w.CONSUMER, 100) == []
        assert [e.id for e in await elsewhere.read(w.CONSUMER, 100)] == ids  # still its own: it renews the lease
        clock.now += 29  # 49 s after the first lease, 29 s after the renewal
        assert await here.read(w.CONSUMER, 100) == []
        clock.now += 2
        assert [e.id for e in await here.read(w.CONSUMER, 100)] == ids  # taken over: sent again
        assert await elsewhere.read(w.CONSUMER, 100) == []  # and no longer the other host's
        await here.ack(w.CONSUMER, ids[-1:])
        assert await here.read(w.CONSUMER, 100) == []
    finally:
        await store.close()


async def test_X3_a_dead_process_of_this_host_loses_its_leases_at_once_a_live_one_keeps_them(database_url: str) -> None:
    store, ids = await _events_in_a_room(database_url)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        clock = Clock()
        host = socket.gethostname()
        running = _delivery(store, f"{host}:{live.pid}:00000001", clock, lease=LONG_LEASE)
        here = _delivery(store, process_name(), clock)
        assert [e.id for e in await running.read(w.CONSUMER, 100)] == ids
        clock.now += 60
        assert await here.read(w.CONSUMER, 100) == []  # its holder runs: the lease holds
        live.kill()
        live.wait()
        assert [e.id for e in await here.read(w.CONSUMER, 100)] == ids  # its holder died: taken at once

        gone = _delivery(store, f"{host}:{dead.pid}:00000002", clock, lease=LONG_LEASE)
        await here.release()
        assert [e.id for e in await gone.read(w.CONSUMER, 100)] == ids
        assert [e.id for e in await here.read(w.CONSUMER, 100)] == ids  # never ran past the read: taken at once
    finally:
        live.kill()
        live.wait()
        await store.close()


async def test_X3_two_running_deliverers_take_half_of_a_burst_each_and_one_alone_takes_it_all(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    store = process.store
    try:
        channels = [RoomKey(ROOM.platform, ROOM.workspace, f"C{n}") for n in range(6)]
        for room in channels:
            await process.do(c.StartSession(HOST, "open"), room)
        clock = Clock()
        first, second = (_delivery(store, f"otherhost:{n}:0000000{n}", clock) for n in (1, 2))
        assert await second.read(w.CONSUMER, 100, platform="nowhere") == []  # running: its heartbeat is written
        rooms_of = {room.channel: room for room in channels}
        taken = {item.room.channel for item in await first.read(w.CONSUMER, 100)}
        assert len(taken) == 3  # its fair share: 6 rooms over 2 deliverers
        rest = {item.room.channel for item in await second.read(w.CONSUMER, 100)}
        assert rest == set(rooms_of) - taken

        await second.release()  # a graceful stop: it no longer counts
        third = _delivery(store, "otherhost:3:00000003", clock)
        await first.release()
        assert {item.room.channel for item in await third.read(w.CONSUMER, 100)} == set(rooms_of)  # alone: all

        assert await first.read(w.CONSUMER, 100, platform="nowhere") == []  # running again
        clock.now += 1  # past the third's count of who runs
        kept = {item.room.channel for item in await third.read(w.CONSUMER, 100)}
        assert len(kept) == 3  # it gave back what is past its share, before sending any of it again
        assert {item.room.channel for item in await first.read(w.CONSUMER, 100)} == set(rooms_of) - kept
    finally:
        await store.close()
