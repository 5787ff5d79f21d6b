"""Reading a room's own moderator list for an adapter: what the core holds, across processes, changing nothing."""

from __future__ import annotations

from core import commands as c
from tests.integration.stage import ADMIN, ROOM, start_process


async def test_A2_the_list_is_read_as_added_by_any_process_and_reading_logs_nothing(database_url: str) -> None:
    first = await start_process(database_url)
    second = await start_process(database_url)
    try:
        assert await second.service.channel_moderators(ROOM) == []
        await first.do(c.AddModerator(ADMIN, "mod"))
        await first.do(c.AddModerator(ADMIN, "S0HOSTS"))  # a platform group: kept as added, resolved by adapters
        assert await second.service.channel_moderators(ROOM) == ["mod", "S0HOSTS"]
        await first.do(c.RemoveModerator(ADMIN, "mod"))
        assert await second.service.channel_moderators(ROOM) == ["S0HOSTS"]
        assert [e.event.name for e in await second.store.history(ROOM)] == ["settings.changed"] * 3
    finally:
        await first.close()
        await second.close()
