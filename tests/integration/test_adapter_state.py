"""Adapters' own per-channel state: one JSON object per channel, shared by every process on the database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.sql import SqlStore
from core.room import RoomKey

TOWN_HALL = RoomKey("slack", "T0TEAM", "C0HALL")
STUDIO = RoomKey("slack", "T0TEAM", "C0STUDIO")
OTHER_TEAM = RoomKey("slack", "T0OTHER", "C0HALL")
GUILD = RoomKey("discord", "T0TEAM", "C0HALL")  # the same names on another platform


async def test_a_saved_channel_is_read_back_by_another_process_as_saved(database_url: str) -> None:
    writer = await SqlStore.open(database_url)
    reader = await SqlStore.open(database_url, migrate=False)
    try:
        data = {"roster_ts": "1700000000.000100", "gated_members": ["UALEX0001", "UBEA00001"], "huddle_room": None}
        await writer.save_adapter_state(TOWN_HALL, data)
        assert await reader.load_adapter_state("slack") == {TOWN_HALL: data}
    finally:
        await writer.close()
        await reader.close()


async def test_saving_again_replaces_the_channel_s_state_and_keeps_one_row(database_url: str) -> None:
    store = await SqlStore.open(database_url)
    try:
        await store.save_adapter_state(TOWN_HALL, {"roster_ts": "1.1", "stage_channel": "G0STAGE"})
        await store.save_adapter_state(TOWN_HALL, {"roster_ts": "2.2"})
        assert await store.load_adapter_state("slack") == {TOWN_HALL: {"roster_ts": "2.2"}}
        async with store.engine.connect() as connection:
            count = (await connection.execute(text("SELECT count(*) FROM adapter_state"))).scalar_one()
        assert count == 1
    finally:
        await store.close()


async def test_channels_are_kept_apart_by_platform_workspace_and_channel_in_first_saved_order(
    database_url: str,
) -> None:
    store = await SqlStore.open(database_url)
    try:
        await store.save_adapter_state(STUDIO, {"n": 1})
        await store.save_adapter_state(TOWN_HALL, {"n": 2})
        await store.save_adapter_state(OTHER_TEAM, {"n": 3})
        await store.save_adapter_state(GUILD, {"n": 4})
        await store.save_adapter_state(STUDIO, {"n": 5})  # a later save keeps the channel's place

        slack = await store.load_adapter_state("slack")
        assert list(slack.items()) == [(STUDIO, {"n": 5}), (TOWN_HALL, {"n": 2}), (OTHER_TEAM, {"n": 3})]
        assert await store.load_adapter_state("discord") == {GUILD: {"n": 4}}
        assert await store.load_adapter_state("console") == {}
    finally:
        await store.close()


async def test_concurrent_saves_from_two_processes_leave_one_row_per_channel_holding_a_saved_value(
    database_url: str,
) -> None:
    first = await SqlStore.open(database_url)
    second = await SqlStore.open(database_url, migrate=False)
    try:
        saves = [
            store.save_adapter_state(key, {"by": name, "i": i})
            for i in range(10)
            for store, name in ((first, "first"), (second, "second"))
            for key in (TOWN_HALL, STUDIO)
        ]
        await asyncio.gather(*saves)
        found = await first.load_adapter_state("slack")
        assert set(found) == {TOWN_HALL, STUDIO}
        for value in found.values():
            assert value["by"] in ("first", "second") and 0 <= value["i"] < 10
    finally:
        await first.close()
        await second.close()


async def test_a_row_that_is_not_a_json_object_is_refused_with_the_channel_named(database_url: str) -> None:
    store = await SqlStore.open(database_url)
    try:
        await store.save_adapter_state(TOWN_HALL, {})
        engine = create_async_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE adapter_state SET data = '[1, 2]'"))
        await engine.dispose()
        with pytest.raises(ValueError, match="C0HALL.*not a JSON object"):
            await store.load_adapter_state("slack")
    finally:
        await store.close()
