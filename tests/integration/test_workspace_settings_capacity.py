"""C1: a workspace capacity is checked against every live stage it would rule, whichever channel sets it.

The change may come from a channel with an empty stage (Slack's Home tab uses a pseudo-channel
whose stage is always empty), or from another process than the one that filled the stages.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core import commands as c
from core.events import ErrorReply, SettingsChanged
from core.room import RoomKey
from tests.integration.stage import ADMIN, HOST, ROOM, Process, arrive, errors, start_process

BUSY = RoomKey(ROOM.platform, ROOM.workspace, "C-busy")
SMALL = RoomKey(ROOM.platform, ROOM.workspace, "C-small")
HOME = RoomKey(ROOM.platform, ROOM.workspace, "home")  # nobody is ever on this one's stage
OTHER_WORKSPACE = RoomKey(ROOM.platform, "T-other", "C-big")


async def _fill(process: Process, room: RoomKey, count: int) -> None:
    """Start an open session in the room and put `count` people on its stage."""
    assert not errors(await process.do(c.StartSession(HOST, "open"), room))
    users = [f"{room.channel}-{i}" for i in range(count)]
    await arrive(process, *users, room=room)
    for user in users:
        assert not errors(await process.do(c.JoinStage(c.Actor(user)), room))
    assert (await process.status(room)).count == count


async def _stored_capacity(process: Process) -> int | None:
    query = text("SELECT capacity FROM workspaces WHERE platform = :p AND workspace = :w")
    async with process.store.engine.connect() as connection:
        row = (await connection.execute(query, {"p": ROOM.platform, "w": ROOM.workspace})).first()
    return None if row is None else row[0]


async def _workspace_capacity(process: Process, value: int, room: RoomKey = HOME) -> list[ErrorReply]:
    return errors(await process.do(c.SetCapacity(ADMIN, str(value), workspace=True), room))


@pytest.mark.parametrize("apart", [False, True], ids=["same_process", "other_process"])
async def test_C1_a_workspace_capacity_below_the_largest_live_stage_is_refused_naming_it_and_changes_nothing(
    database_url: str, apart: bool
) -> None:
    filler = await start_process(database_url)
    admin = await start_process(database_url) if apart else filler
    try:
        await _fill(filler, BUSY, 5)
        await _fill(filler, SMALL, 2)
        await _fill(filler, OTHER_WORKSPACE, 9)  # another workspace's stage is not this capacity's business
        (refused,) = await _workspace_capacity(admin, 3)
        assert refused.code == "bad_argument"
        assert "5 people are on stage now in another live channel of this workspace" in refused.message
        assert "capacity of 3" in refused.message and "choose 5 or more" in refused.message
        assert await _stored_capacity(admin) is None
        for room, count in ((BUSY, 5), (SMALL, 2)):
            status = await filler.status(room)
            assert (status.count, status.capacity) == (count, 100)
        logged = [*await admin.store.history(HOME), *await admin.store.history(BUSY)]
        assert not [e for e in logged if isinstance(e.event, SettingsChanged)]
        # Exactly the largest stage fits, and then rules every channel that has no capacity of its own.
        assert not await _workspace_capacity(admin, 5)
        assert await _stored_capacity(admin) == 5
        assert (await filler.status(SMALL)).capacity == 5
        assert (await filler.status(OTHER_WORKSPACE)).capacity == 100
    finally:
        await filler.close()
        if admin is not filler:
            await admin.close()


async def test_C1_the_refusal_names_this_channels_stage_when_it_is_the_largest(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await _fill(process, BUSY, 4)
        await _fill(process, SMALL, 2)
        (refused,) = await _workspace_capacity(process, 3, BUSY)
        assert refused.code == "bad_argument"
        assert "4 people are on stage now in this channel" in refused.message
        assert "choose 4 or more" in refused.message
        assert await _stored_capacity(process) is None
    finally:
        await process.close()


async def test_C1_a_channel_with_its_own_capacity_or_no_live_session_does_not_hold_back_a_workspace_capacity(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        await _fill(process, BUSY, 5)
        assert not errors(await process.do(c.SetCapacity(ADMIN, "8"), BUSY))  # the channel's own capacity rules
        await _fill(process, SMALL, 4)
        assert not errors(await process.do(c.EndSession(HOST), SMALL))  # an ended session has no stage
        assert not await _workspace_capacity(process, 3)
        assert await _stored_capacity(process) == 3
        assert (await process.status(BUSY)).capacity == 8
        assert (await process.status(SMALL)).capacity == 3
    finally:
        await process.close()
