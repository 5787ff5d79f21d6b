"""X3 on SQLite: a room no other connection wrote since this process last held it is not read again.

SQLite's `PRAGMA data_version` changes between two readings on one connection exactly when another
connection committed in between; read under the write lock, an unchanged value means the process's
copy of the room is the stored room, so the command runs its rules on it and writes the room row
once (its version with the rest), with no read of the room or its people.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core import commands as c
from tests.integration.stage import HOST, ROOM, arrive, errors, start_process
from tests.integration.test_workspace_settings_cost import traced


def _reads(statements: list[str]) -> list[str]:
    """Return the statements that read or lock the room or its people (not the id its events got)."""
    return [
        s
        for s in statements
        if (s.startswith("SELECT") and "last_insert_rowid()" not in s) or "version=(rooms.version + 1)" in s
    ]


async def test_X3_a_command_on_a_room_nobody_else_wrote_reads_nothing_and_writes_the_room_once(
    tmp_path: Path,
) -> None:
    process = await start_process(f"sqlite+aiosqlite:///{tmp_path / 'cached.db'}")
    try:
        assert not errors(await process.do(c.StartSession(HOST, "request")))
        await arrive(process, "ann")
        async with traced(process) as statements:
            assert not errors(await process.do(c.AskToJoin(c.Actor("ann"))))
        assert not _reads(statements)
        assert [s for s in statements if s.startswith("UPDATE rooms")] == [
            s for s in statements if s.startswith("UPDATE rooms") and "version=" in s
        ]
        assert len([s for s in statements if s.startswith("UPDATE rooms")]) == 1
        assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"
        assert [r["user"] for r in (await process.status()).requests] == ["ann"]
    finally:
        await process.close()


async def test_X3_a_write_by_another_connection_is_seen_by_the_very_next_command(tmp_path: Path) -> None:
    path = tmp_path / "cached.db"
    process = await start_process(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        assert not errors(await process.do(c.StartSession(HOST, "request")))
        await arrive(process, "ann")
        # Another process ends the session behind this one's back (its row, its version).
        other.execute("UPDATE rooms SET live = 0, version = version + 1")
        async with traced(process) as statements:
            refused = errors(await process.do(c.AskToJoin(c.Actor("ann"))))
        assert _reads(statements)  # the room was read again ...
        assert [e.code for e in refused] == ["no_session"]  # ... and the command decided on what is stored
    finally:
        other.close()
        await process.close()


async def test_X3_the_version_still_moves_on_with_every_write_so_other_processes_see_it(tmp_path: Path) -> None:
    path = tmp_path / "cached.db"
    process = await start_process(f"sqlite+aiosqlite:///{path}")
    try:
        assert not errors(await process.do(c.StartSession(HOST, "request")))
        await arrive(process, "ann")
        before = _version(path)
        assert not errors(await process.do(c.AskToJoin(c.Actor("ann"))))
        assert not errors(await process.do(c.CancelRequest(c.Actor("ann"))))
        assert _version(path) == before + 2
        later = await start_process(f"sqlite+aiosqlite:///{path}")  # another process's first look
        try:
            assert (await later.status()).requests == []
            assert not errors(await later.do(c.AskToJoin(c.Actor("ann"))))
        finally:
            await later.close()
        # The first process's copy is stale now: its next command reads the room and builds on that request.
        refused = errors(await process.do(c.AskToJoin(c.Actor("ann"))))
        assert [e.code for e in refused] == ["already_requested"]
    finally:
        await process.close()


async def test_X3_a_room_made_in_a_transaction_that_rolled_back_is_made_again_by_the_next(tmp_path: Path) -> None:
    process = await start_process(f"sqlite+aiosqlite:///{tmp_path / 'cached.db'}")
    try:
        async with process.store.unit_of_work() as uow:
            await uow.load(ROOM)  # made (not committed), then rolled back
        assert not errors(await process.do(c.StartSession(HOST, "open")))
        assert (await process.status()).live
    finally:
        await process.close()


def _version(path: Path) -> int:
    with sqlite3.connect(path) as probe:
        (version,) = probe.execute("SELECT version FROM rooms").fetchone()
    probe.close()
    return int(version)
