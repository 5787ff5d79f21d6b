"""C1: the core checks a workspace capacity against the largest stage the store found elsewhere in the workspace."""

from __future__ import annotations

from adapters.persistence.memory import MemoryStore
from core import commands as c
from core.events import ErrorReply
from core.room import RoomKey
from core.service import StageService
from tests.unit.stage import ADMIN, KEY, MODERATOR, PEOPLE, Stage


def test_C1_a_workspace_capacity_below_the_largest_stage_elsewhere_is_refused_and_changes_nothing() -> None:
    stage = Stage(mode="open")  # this room's own stage is empty, like Slack's Home tab
    message = stage.refused(ADMIN, c.SetCapacity, "bad_argument", "3", workspace=True, stage_elsewhere=5)
    assert "5 people are on stage now in another live channel of this workspace" in message
    assert "more than a workspace capacity of 3" in message and "choose 5 or more" in message
    assert stage.room.workspace.capacity is None


def test_C1_a_workspace_capacity_counts_the_larger_of_this_stage_and_the_largest_elsewhere() -> None:
    stage = Stage(mode="open")
    stage.join(*PEOPLE[:4])
    message = stage.refused(ADMIN, c.SetCapacity, "bad_argument", "3", workspace=True, stage_elsewhere=2)
    assert "4 people are on stage now in this channel" in message and "choose 4 or more" in message
    stage.ok(ADMIN, c.SetCapacity, "4", workspace=True, stage_elsewhere=4)  # exactly full fits
    assert (stage.room.workspace.capacity, stage.room.capacity) == (4, 4)


def test_C1_a_channel_capacity_ignores_stages_elsewhere_and_a_channel_own_capacity_ignores_this_stage() -> None:
    stage = Stage(mode="open")
    stage.join(*PEOPLE[:4])
    stage.ok(ADMIN, c.SetCapacity, "4", stage_elsewhere=50)  # only the workspace's capacity rules other rooms
    stage.ok(ADMIN, c.SetCapacity, "2", workspace=True)  # this channel's own capacity rules here
    stage.refused(ADMIN, c.SetCapacity, "bad_argument", "1", workspace=True, stage_elsewhere=2)


async def test_C1_the_service_gives_the_core_the_largest_stage_of_the_workspaces_other_live_rooms() -> None:
    store = MemoryStore()
    service = StageService(store.unit_of_work, lambda: 1_000.0)
    busy = RoomKey(KEY.platform, KEY.workspace, "busy")
    home = RoomKey(KEY.platform, KEY.workspace, "home")
    await service.handle(busy, c.StartSession(c.Actor(MODERATOR, moderator=True), "open"))
    for user in PEOPLE[:3]:
        await service.handle(busy, c.JoinStage(c.Actor(user)), after=[c.Arrive(c.Actor(user))])
    assert len(store.rooms[busy].stage) == 3
    boss = c.Actor(ADMIN, admin=True)
    (refused,) = await service.handle(home, c.SetCapacity(boss, "2", workspace=True))
    assert isinstance(refused, ErrorReply), refused
    assert refused.code == "bad_argument" and "3 people are on stage now" in refused.message
    assert await service.refusal(home, c.SetCapacity(boss, "2", workspace=True)) is not None
    assert await service.refusal(home, c.SetCapacity(boss, "3", workspace=True)) is None
