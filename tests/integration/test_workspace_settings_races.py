"""M2, A2: workspace settings changed from two channels at once lose nothing, in one process or two.

Each round sends one workspace change from each of two channels at the same moment, through the
real service and store; afterwards the stored row must hold every accepted change, and where both
changed the same setting, the value of the change the log shows committed last.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import text

from core import commands as c
from core.events import Event, SettingsChanged
from core.room import RoomKey
from tests.integration.stage import ADMIN, ROOM, Process, errors, start_process

SIBLING = RoomKey(ROOM.platform, ROOM.workspace, "C2")
ROUNDS = 20


async def _stored(process: Process) -> dict[str, Any]:
    """Read the workspace row as committed (not through any cache)."""
    query = text("SELECT capacity, cameras, moderators FROM workspaces WHERE platform = :p AND workspace = :w")
    async with process.store.engine.connect() as connection:
        row = (await connection.execute(query, {"p": ROOM.platform, "w": ROOM.workspace})).one()
    return {"capacity": row[0], "cameras": row[1], "moderators": json.loads(row[2])}


async def _both(
    first: tuple[Process, RoomKey, c.Command], second: tuple[Process, RoomKey, c.Command]
) -> tuple[list[Event], list[Event]]:
    """Send two commands at the same moment and wait for both."""
    one, two = await asyncio.gather(*(process.do(command, room) for process, room, command in (first, second)))
    return one, two


async def _processes(database_url: str, apart: bool) -> tuple[Process, Process]:
    first = await start_process(database_url)
    return first, (await start_process(database_url) if apart else first)


async def _close(first: Process, second: Process) -> None:
    await first.close()
    if second is not first:
        await second.close()


async def _last_capacity(process: Process) -> int:
    """Return the workspace capacity of the change the log holds last, from either channel."""
    logged = [*await process.store.history(ROOM), *await process.store.history(SIBLING)]
    changes = [e for e in logged if isinstance(e.event, SettingsChanged) and e.event.setting == "workspace.capacity"]
    last = max(changes, key=lambda e: e.id).event
    assert isinstance(last, SettingsChanged) and isinstance(last.value, int)
    return last.value


@pytest.mark.parametrize("apart", [False, True], ids=["one_process", "two_processes"])
async def test_M2_A2_different_workspace_settings_changed_from_two_channels_at_once_are_all_kept(
    database_url: str, apart: bool
) -> None:
    first, second = await _processes(database_url, apart)
    try:
        for i in range(ROUNDS):
            one, two = await _both(
                (first, ROOM, c.SetCapacity(ADMIN, str(10 + i), workspace=True)),
                (second, SIBLING, c.SetCameras(ADMIN, str(100 + i), workspace=True)),
            )
            assert not errors(one) and not errors(two)
            stored = await _stored(first)
            assert (stored["capacity"], stored["cameras"]) == (10 + i, 100 + i), f"round {i}"
        # The caches of both processes agree with the row: the next command in each channel sees both.
        assert (await first.status(SIBLING)).capacity == 10 + ROUNDS - 1
        assert (await second.status(ROOM)).capacity == 10 + ROUNDS - 1
    finally:
        await _close(first, second)


@pytest.mark.parametrize("apart", [False, True], ids=["one_process", "two_processes"])
async def test_M2_A2_moderators_added_to_the_workspace_from_two_channels_at_once_are_all_on_the_list(
    database_url: str, apart: bool
) -> None:
    first, second = await _processes(database_url, apart)
    try:
        added: list[str] = []
        for i in range(ROUNDS):
            one, two = await _both(
                (first, ROOM, c.AddModerator(ADMIN, f"left{i}", workspace=True)),
                (second, SIBLING, c.AddModerator(ADMIN, f"right{i}", workspace=True)),
            )
            assert not errors(one) and not errors(two)
            added += [f"left{i}", f"right{i}"]
        assert sorted((await _stored(first))["moderators"]) == sorted(added)
    finally:
        await _close(first, second)


@pytest.mark.parametrize("apart", [False, True], ids=["one_process", "two_processes"])
async def test_M2_C1_the_same_workspace_setting_changed_from_two_channels_at_once_keeps_the_last_accepted_value(
    database_url: str, apart: bool
) -> None:
    first, second = await _processes(database_url, apart)
    try:
        for i in range(ROUNDS):
            one, two = await _both(
                (first, ROOM, c.SetCapacity(ADMIN, str(200 + 2 * i), workspace=True)),
                (second, SIBLING, c.SetCapacity(ADMIN, str(201 + 2 * i), workspace=True)),
            )
            assert not errors(one) and not errors(two)
            assert (await _stored(first))["capacity"] == await _last_capacity(first), f"round {i}"
    finally:
        await _close(first, second)


async def test_X3_M2_workspace_changes_queued_on_one_channel_at_once_build_on_each_other(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    other = await start_process(database_url)
    try:
        assert not errors(await other.do(c.AddModerator(ADMIN, "wendy", workspace=True), SIBLING))
        commands: list[c.Command] = [
            c.SetCapacity(ADMIN, "30", workspace=True),
            c.AddModerator(ADMIN, "maya", workspace=True),
            c.AddModerator(ADMIN, "maya", workspace=True),  # decided on the one before it: nothing to add
            c.SetCameras(ADMIN, "4", workspace=True),
        ]
        answers = await asyncio.gather(*(process.do(command) for command in commands))
        assert [[e.code for e in errors(events)] for events in answers] == [[], [], ["no_change"], []]
        assert await _stored(process) == {"capacity": 30, "cameras": 4, "moderators": ["wendy", "maya"]}
    finally:
        await process.close()
        await other.close()
