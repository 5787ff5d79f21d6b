"""Channel settings persist per channel; workspace settings per workspace, inherited by its channels."""

from __future__ import annotations

from core import commands as c
from core.modes import Mode
from core.room import RoomKey
from tests.integration.stage import ADMIN, HOST, ROOM, Process, arrive, errors, start_process

SIBLING = RoomKey(ROOM.platform, ROOM.workspace, "C2")
ELSEWHERE = RoomKey(ROOM.platform, "T2", "C1")
OTHER_PLATFORM = RoomKey("discord", ROOM.workspace, ROOM.channel)


async def _set_workspace(process: Process, room: RoomKey, **values: object) -> None:
    """Change workspace-level settings through the workspace commands, from a channel of that workspace."""
    for name, value in values.items():
        if name == "default_mode":
            commands: list[c.Command] = [c.SetDefaultMode(ADMIN, str(value), workspace=True)]
        elif name == "capacity":
            commands = [c.SetCapacity(ADMIN, str(value), workspace=True)]
        else:  # moderators: make the list exactly `value`
            async with process.store.unit_of_work() as uow:
                current = list((await uow.load(room)).workspace.moderators)
            wanted = list(value)  # type: ignore[call-overload]
            commands = [c.RemoveModerator(ADMIN, user, workspace=True) for user in current if user not in wanted]
            commands += [c.AddModerator(ADMIN, user, workspace=True) for user in wanted if user not in current]
        for command in commands:
            assert not errors(await process.do(command, room))


async def test_A2_channel_settings_persist_for_that_channel_only(database_url: str) -> None:
    first = await start_process(database_url)
    for command in (
        c.SetDefaultMode(ADMIN, "webinar"),
        c.SetCapacity(ADMIN, "7"),
        c.SetCameras(ADMIN, "3"),
        c.SetCooldown(ADMIN, "30"),
        c.SetExpiry(ADMIN, "120"),
        c.AddModerator(ADMIN, "maya"),
    ):
        assert not errors(await first.do(command))
    await first.do(c.SetDefaultMode(ADMIN, "invite"), SIBLING)
    await first.close()

    after = await start_process(database_url)
    try:
        async with after.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
            sibling = await uow.load(SIBLING)
        assert (room.capacity, room.cameras, room.cooldown, room.expiry) == (7, 3, 30, 120)
        assert room.default_mode is Mode.REQUEST
        assert room.channel.moderators == ["maya"]
        assert (sibling.capacity, sibling.default_mode, sibling.channel.moderators) == (100, Mode.INVITE, [])
        # The listed moderator may run the session after the restart (A1 via the channel's list).
        assert not errors(await after.do(c.StartSession(c.Actor("maya"))))
        assert (await after.status()).mode == "request"
    finally:
        await after.close()


async def test_M2_workspace_settings_persist_and_every_channel_of_the_workspace_inherits_them(
    database_url: str,
) -> None:
    first = await start_process(database_url)
    await _set_workspace(first, ROOM, default_mode="open", capacity=12, moderators=["wendy"])
    await first.close()

    after = await start_process(database_url)
    try:
        async with after.store.unit_of_work() as uow:
            sibling = await uow.load(SIBLING)
            elsewhere = await uow.load(ELSEWHERE)
            other_platform = await uow.load(OTHER_PLATFORM)
        assert (sibling.default_mode, sibling.capacity, sibling.workspace.moderators) == (Mode.OPEN, 12, ["wendy"])
        assert (elsewhere.default_mode, elsewhere.capacity) == (Mode.REQUEST, 100)
        assert other_platform.workspace.moderators == []
        assert not errors(await after.do(c.StartSession(c.Actor("wendy")), SIBLING))
        assert (await after.status(SIBLING)).mode == "open"
        # A channel's own setting wins over the workspace's.
        assert not errors(await after.do(c.SetCapacity(ADMIN, "5"), SIBLING))
        assert (await after.status(SIBLING)).capacity == 5
    finally:
        await after.close()


async def test_M2_a_workspace_change_made_by_another_process_applies_to_the_very_next_command(
    database_url: str,
) -> None:
    first = await start_process(database_url)
    second = await start_process(database_url)
    try:
        await arrive(first, "ann")
        assert (await first.status()).mode == "request"  # cached in the first process
        await _set_workspace(second, SIBLING, default_mode="invite", moderators=["wendy"])
        assert (await first.status()).mode == "invite"
        assert not errors(await first.do(c.StartSession(c.Actor("wendy"))))
        await _set_workspace(second, SIBLING, moderators=[])
        refused = errors(await first.do(c.EndSession(c.Actor("wendy"))))
        assert [e.code for e in refused] == ["not_moderator"]
        assert not errors(await first.do(c.EndSession(HOST)))
    finally:
        await first.close()
        await second.close()
