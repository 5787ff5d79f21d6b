"""A live voice channel's status says how to get on stage and how many wait, kept current like the panel.

Discord shows a voice channel's status under its name in the channel list (Set Voice Channel
Status, PUT /channels/{id}/voice-status); a stage channel has its Stage's topic instead.
"""

from __future__ import annotations

import simcord

from tests.discord.rate_limit import rate_limit
from tests.discord.voice_status import statuses
from tests.discord.world import World, slash


def status_puts(env: simcord.Env, channel: simcord.ChannelHandle) -> list[object]:
    path = f"/channels/{channel.id}/voice-status"
    return [r.json for r in env.http_requests if r.method == "PUT" and r.path == path]


async def live_voice(world: World, mode: str, *people: str) -> None:
    for name in ("ada", *people):
        await world.connect(name, world.voice)
    await slash(world, "ada", "start", channel=world.voice, mode=mode)


async def test_M1_a_live_voice_channel_shows_its_mode_and_queue_in_its_status(world: World, env: simcord.Env) -> None:
    await live_voice(world, "request", "alex", "bea", "cy")
    assert statuses(env)[world.voice.id] == "Join by request · 0/100 on stage"
    for name in ("alex", "bea", "cy"):
        await slash(world, name, "ask", channel=world.voice)
    assert statuses(env)[world.voice.id] == "Join by request · 3 waiting · 0/100 on stage"
    await slash(world, "ada", "end", channel=world.voice)
    assert statuses(env)[world.voice.id] is None  # cleared when the session ends


async def test_a_burst_of_changes_is_one_status_update_and_an_unchanged_status_is_not_sent(
    world: World, env: simcord.Env
) -> None:
    await live_voice(world, "request", "alex", "bea", "cy")
    before = len(status_puts(env, world.voice))
    for name in ("alex", "bea", "cy"):  # three requests within one beat
        await world.people[name].slash(world.voice, "stage ask")
    await world.settle()
    assert status_puts(env, world.voice)[before:] == [{"status": "Join by request · 3 waiting · 0/100 on stage"}]
    await slash(world, "ada", "cameras", channel=world.voice, slots=3)  # the panel is redrawn; the status is the same
    assert len(status_puts(env, world.voice)) == before + 1


async def test_a_stage_channel_gets_no_voice_status(world: World, env: simcord.Env) -> None:
    for name in ("mo", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask")
    assert status_puts(env, world.stage) == []


async def test_a_rate_limited_status_waits_with_its_rooms_panel_and_then_shows_the_latest(
    world: World, env: simcord.Env
) -> None:
    await live_voice(world, "request", "alex", "bea")
    rate_limit(env, "PUT", f"/channels/{world.voice.id}/voice-status", 10.0)
    await world.people["alex"].slash(world.voice, "stage ask")
    await world.settle(2)
    await world.people["bea"].slash(world.voice, "stage ask")
    await world.settle(12)
    assert statuses(env)[world.voice.id] == "Join by request · 2 waiting · 0/100 on stage"
