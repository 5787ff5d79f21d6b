"""M2, C1: only workspace changes pay for the workspace lock; ordinary commands run the statements they ran before.

Traced on SQLite, where every statement a unit of work runs goes through the one sqlite3 connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from core import commands as c
from tests.integration.stage import ADMIN, HOST, Process, arrive, errors, start_process


@asynccontextmanager
async def traced(process: Process) -> AsyncIterator[list[str]]:
    """Collect the SQL the process's connection runs inside the block (set on aiosqlite's own thread)."""
    driver = process.store._opened.close_driver
    assert driver is not None
    statements: list[str] = []
    await driver._execute(driver._conn.set_trace_callback, statements.append)  # type: ignore[no-untyped-call]
    try:
        yield statements
    finally:
        await driver._execute(driver._conn.set_trace_callback, None)  # type: ignore[no-untyped-call]


def _on_workspaces(statements: list[str]) -> list[str]:
    """Return the statements that lock or write the workspace row, or count stages for it."""
    return [s for s in statements if "INSERT INTO workspaces" in s or "count(*)" in s]


async def test_M2_C1_ordinary_commands_never_lock_the_workspace_and_a_workspace_change_does(tmp_path: Path) -> None:
    process = await start_process(f"sqlite+aiosqlite:///{tmp_path / 'cost.db'}")
    try:
        assert not errors(await process.do(c.StartSession(HOST, "request")))
        await arrive(process, "ann", "bob")
        async with traced(process) as ordinary:
            assert not errors(await process.do(c.Invite(HOST, "ann")))
            assert not errors(await process.do(c.JoinStage(c.Actor("ann"))))
            assert not errors(await process.do(c.AskToJoin(c.Actor("bob"))))
            await process.status()
            assert not errors(await process.do(c.SetCameras(ADMIN, "3")))  # a channel setting
        assert ordinary and not _on_workspaces(ordinary)
        async with traced(process) as cameras:
            assert not errors(await process.do(c.SetCameras(ADMIN, "4", workspace=True)))
        # One lock, no stage count (cameras are not the capacity), one write of the one column.
        assert len(_on_workspaces(cameras)) == 2
        (write,) = [s for s in cameras if "INSERT INTO workspaces" in s and "excluded." in s]
        assert "excluded.cameras" in write and "capacity" not in write and "moderators" not in write
        async with traced(process) as capacity:
            assert not errors(await process.do(c.SetCapacity(ADMIN, "40", workspace=True)))
        assert len([s for s in capacity if "count(*)" in s]) == 1
    finally:
        await process.close()
