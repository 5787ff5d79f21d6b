"""SQLite steps run on the event loop's thread (X3): a held lock is waited for without blocking the loop.

The store's connection never waits inside SQLite (busy_timeout=0): a step refused because another
connection writes is tried again after a pause, up to STAGEDOOR_DB_LOCK_TIMEOUT, while the loop
goes on; checkpoints run on a worker thread and keep the log small.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from adapters.persistence.connect import DatabaseOptions
from adapters.persistence.database import Checkpointer
from adapters.persistence.sql import SqlStore
from core import commands as c
from core.service import StageService, StoreBusy
from tests.integration.stage import HOST, Clock, Process, arrive, errors, start_process


async def _ticks_during(seconds: float) -> int:
    """Count how often the loop runs a 1 ms sleep in `seconds` (a blocked loop counts almost none)."""
    ticks = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(0.001)
        ticks += 1
    return ticks


async def test_X3_the_event_loop_keeps_running_while_a_command_waits_for_another_process_lock(tmp_path: Path) -> None:
    path = tmp_path / "stagedoor.db"
    process = await start_process(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        command = asyncio.create_task(process.do(c.StartSession(HOST, "open")))
        ticks = await _ticks_during(0.3)
        assert not command.done()  # waiting for the other process's transaction
        assert ticks > 30  # ... without holding up the loop (SQLite's own wait would stop it for the whole time)
        other.execute("COMMIT")
        assert not errors(await asyncio.wait_for(command, 5))
        assert (await process.status()).live
    finally:
        other.close()
        await process.close()


async def test_X3_a_lock_held_past_the_lock_timeout_answers_busy_in_about_that_time_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stagedoor.db"
    store = await SqlStore.open(f"sqlite+aiosqlite:///{path}", options=DatabaseOptions(lock_timeout=0.3))
    process = Process(store, StageService(store.unit_of_work, Clock()))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(StoreBusy) as raised:
            await process.do(c.StartSession(HOST, "open"))
        waited = time.monotonic() - started
        assert 0.25 <= waited < 3.0
        assert "STAGEDOOR_DB_LOCK_TIMEOUT" in str(raised.value) and "Nothing was changed" in str(raised.value)
        other.execute("ROLLBACK")
        assert not (await process.status()).live
    finally:
        other.close()
        await process.close()


async def test_X3_two_stores_in_one_process_on_one_file_take_turns_at_the_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stagedoor.db'}"
    first, second = await start_process(url), await start_process(url)
    try:
        await first.do(c.StartSession(HOST, "open"))
        # Each store holds the write lock across an await of its own; the other is refused and tries again.
        await asyncio.wait_for(
            asyncio.gather(
                arrive(first, *(f"a{n}" for n in range(30))),
                arrive(second, *(f"b{n}" for n in range(30))),
            ),
            30,
        )
        assert (await second.status()).live
        people = {row[0] for row in _people(tmp_path / "stagedoor.db")}
        assert {f"a{n}" for n in range(30)} | {f"b{n}" for n in range(30)} <= people
    finally:
        await first.close()
        await second.close()


def _people(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as probe:
        rows = probe.execute("SELECT user FROM people").fetchall()
    probe.close()
    return rows


async def test_X3_checkpoints_on_their_thread_keep_the_log_small_under_steady_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Checkpointer, "EVERY", 20)
    path = tmp_path / "stagedoor.db"
    process = await start_process(f"sqlite+aiosqlite:///{path}")
    try:
        await process.do(c.StartSession(HOST, "open"))
        for burst in range(40):  # bursts of commands with a pause between them, as a stage has
            for n in range(20):
                await process.do(c.Arrive(c.Actor(f"guest{burst * 20 + n}")))
            await asyncio.sleep(0.05)
        wal = Path(f"{path}-wal").stat().st_size
        with sqlite3.connect(path) as probe:
            page = probe.execute("PRAGMA page_size").fetchone()[0]
        probe.close()
        # 800 commits write over 2,500 pages; restarted every ~20 commits, the log never holds half of them.
        assert wal < 1300 * (page + 24)
    finally:
        await process.close()
    assert len(_people(path)) == 800  # and everything is in the database file once it is closed
