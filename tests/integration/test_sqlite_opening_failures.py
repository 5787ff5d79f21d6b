"""A SQLite database that cannot be opened leaves nothing running behind the one-line answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from adapters.persistence.sql import SqlStore, StoreUnavailable
from core.room import RoomKey


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
