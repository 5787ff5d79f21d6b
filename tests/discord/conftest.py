"""Fixtures for the Discord adapter: a real store, the real bot, simcord's Discord, spec checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import simcord

from adapters.discord import DiscordParts
from adapters.persistence.sql import SqlStore
from bot.lifecycle import discord_options
from bot.settings import Settings
from core.service import StageService
from tests.conftest import open_store
from tests.discord import spec, voice_status  # noqa: F401  (voice_status adds Set Voice Channel Status to simcord)
from tests.discord.world import World, bot_for


@dataclass
class App(DiscordParts):
    """What bot/ gives the Discord side, built for a test, with the store and clock the test drives."""

    store: SqlStore | None = None
    clock_holder: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, DISCORD_NOTIFY_MODERATORS="ping")  # type: ignore[call-arg]


@pytest_asyncio.fixture
async def app(tmp_path: Path, settings: Settings, migrated_database: Path) -> AsyncIterator[App]:
    store = await open_store(tmp_path / "stage.db", migrated_database)
    now: dict[str, Any] = {"env": None}

    def clock() -> float:
        env = now["env"]
        return env.now().timestamp() if env is not None else 0.0  # type: ignore[no-any-return]

    service = StageService(store.unit_of_work, clock)
    yield App(service, store, discord_options(settings), clock, store=store, clock_holder=now)
    await store.close()


@pytest_asyncio.fixture
async def env(app: App) -> AsyncIterator[simcord.Env]:
    env = simcord.Env(bot_for(app))
    app.clock_holder["env"] = env
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
    spec.check_requests(env.http_requests)


@pytest_asyncio.fixture
async def world(env: simcord.Env, app: App) -> World:
    built = World(env, app).build()
    await env.settle()
    return built
