"""SQLite that cannot be opened, is read-only or stays locked: one clear answer, nothing left running."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from adapters.persistence.sql import DatabaseOptions, SqlStore, StoreUnavailable
from core import commands as c
from core.room import RoomKey
from core.service import StageService, StoreBusy
from tests.integration.stage import HOST, Clock, Process


def _driver_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.is_alive() and "_connection_worker_thread" in t.name]


async def test_a_failed_sqlite_open_has_stopped_the_driver_thread_before_it_answers(tmp_path: Path) -> None:
    before = _driver_threads()
    with pytest.raises(StoreUnavailable) as raised:
        await SqlStore.open(f"sqlite+aiosqlite:///file:{tmp_path / 'nowhere' / 'stagedoor.db'}?mode=ro")
    # Checked at once: a thread still running here would report into a closed event loop at exit.
    assert _driver_threads() == before
    assert "unable to open database file" in str(raised.value)


async def test_a_read_only_uri_keeps_its_mode_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "stagedoor.db"
    store = await SqlStore.open(f"sqlite+aiosqlite:///{path}")
    await store.close()
    store = await SqlStore.open(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(StoreUnavailable) as raised:
            await store.save_adapter_state(RoomKey("slack", "T", "C"), {})
    finally:
        await store.close()
    assert "is read-only: attempt to write a readonly database" in str(raised.value)


async def test_a_sqlite_write_lock_held_past_lock_timeout_is_answered_busy_once_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stagedoor.db"
    store = await SqlStore.open(f"sqlite+aiosqlite:///{path}", options=DatabaseOptions(lock_timeout=0.5))
    clock = Clock()
    process = Process(store, StageService(store.unit_of_work, clock), clock)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        await process.do(c.StartSession(HOST, "open"))
        other.execute("BEGIN IMMEDIATE")  # another process is writing and does not let go
        started = time.monotonic()
        with pytest.raises(StoreBusy) as raised:
            await asyncio.wait_for(process.do(c.EndSession(HOST)), 30)
        waited = time.monotonic() - started
        other.execute("ROLLBACK")
        assert "database is locked" in str(raised.value) and "STAGEDOOR_DB_LOCK_TIMEOUT" in str(raised.value)
        assert waited < 3, waited  # one bounded wait, answered: not eight of them back to back
        assert (await process.status()).live
    finally:
        other.close()
        await process.close()
