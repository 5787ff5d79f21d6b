"""Rooms are independent under Discord's rate limits: a 429 in one room holds back no other room, and no timer.

Discord limits message edits and posts per channel (the route's major parameter), and discord.py
waits out a 429's retry_after inside the request; so a rate-limited room's panel edit, chat post
or voice change takes that long. Each room's panel edit, deliveries and voice changes run in that
room's own task, in order within the room, and the clock never waits for one.
"""

from __future__ import annotations

import simcord

from adapters.discord.notify import CONSUMER
from tests.discord.rate_limit import rate_limit
from tests.discord.world import World, click, slash

RETRY_AFTER = 10.0  # seconds Discord asks the bot to wait before editing the stage's panel again
BEAT = 1.0  # the panel clock's beat in the tests (world.bot_for)


def requests_listed(world: World, channel: simcord.ChannelHandle) -> str:
    return next(f.value for f in world.panel(channel).embeds[0].fields if f.name == "Requests")


async def two_live_rooms(world: World) -> None:
    for name, channel in (("mo", world.stage), ("alex", world.stage), ("ada", world.voice), ("bea", world.voice)):
        await world.connect(name, channel)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "ada", "start", channel=world.voice, mode="request")


async def test_a_429_on_one_rooms_panel_does_not_delay_another_rooms_panel(world: World, env: simcord.Env) -> None:
    await two_live_rooms(world)
    rate_limit(env, "PATCH", f"/channels/{world.stage.id}/messages/*", RETRY_AFTER)
    await world.people["alex"].slash(world.stage, "stage ask")  # the stage's edit will wait 10 s
    await world.settle(BEAT)
    await world.people["bea"].slash(world.voice, "stage ask")
    await world.settle(2 * BEAT)  # the next beat shows the voice channel's request
    assert world.mention("bea") in requests_listed(world, world.voice)
    assert world.mention("alex") not in requests_listed(world, world.stage)  # still waiting out retry_after
    await world.settle(RETRY_AFTER)
    assert world.mention("alex") in requests_listed(world, world.stage)  # then edited, with the latest state
    assert len(world.panels()) == 1 and len(world.panels(world.voice)) == 1


async def test_J8_an_invitation_expires_on_time_while_another_rooms_panel_waits_out_a_429(
    world: World, env: simcord.Env
) -> None:
    await two_live_rooms(world)
    await slash(world, "ada", "expiry", channel=world.voice, seconds=5)
    rate_limit(env, "PATCH", f"/channels/{world.stage.id}/messages/*", 120.0)
    await world.people["alex"].slash(world.stage, "stage ask")  # the stage's panel is held for two minutes
    await slash(world, "ada", "invite", channel=world.voice, member=world.people["bea"])
    assert world.id("bea") in (await world.status(world.voice)).invitations
    await world.settle(15)  # past the expiry and the next tick of the timers
    assert world.id("bea") not in (await world.status(world.voice)).invitations
    assert any("expired" in m.content for m in world.dms("bea"))
    assert world.mention("alex") not in requests_listed(world, world.stage)  # the stage's edit is still waiting


def stage_posts(world: World) -> list[str]:
    return [line for line in world.chat() if "wants to join the stage" in line]


async def test_a_429_on_one_rooms_chat_post_holds_back_no_other_rooms_notices_or_voice_changes(
    world: World, env: simcord.Env
) -> None:
    await two_live_rooms(world)
    await world.connect("cy", world.stage)
    rate_limit(env, "POST", f"/channels/{world.stage.id}/messages", RETRY_AFTER)
    await world.people["alex"].slash(world.stage, "stage ask")  # the stage's ping waits out retry_after
    await world.people["cy"].slash(world.stage, "stage ask")  # queued behind it, in the stage's own lane
    await world.settle(BEAT)
    await slash(world, "bea", "ask", channel=world.voice)
    await slash(world, "ada", "approve", channel=world.voice, member=world.people["bea"])
    assert "invited to join the stage" in world.dms("bea")[-1].content  # the voice channel's notice went out
    assert any("wants to join the stage" in line for line in world.chat(world.voice))
    await click(world, "bea", "Join stage", world.dms("bea")[-1])  # the DM's button is the get-ready step's
    assert world.speaking("bea")  # and its voice change: unmuted
    assert stage_posts(world) == []  # while the stage's first post still waits
    waiting = await world.app.store.read(CONSUMER, 100)  # the cursor stays before what is not delivered yet
    assert any(getattr(item.event, "user", None) == world.id("alex") for item in waiting)
    await world.settle(RETRY_AFTER)
    assert await world.app.store.read(CONSUMER, 100) == []  # all delivered: acknowledged
    posts = stage_posts(world)
    assert len(posts) == 2 and world.mention("alex") in posts[0] and world.mention("cy") in posts[1]  # in order


async def test_a_429_on_one_rooms_voice_change_holds_back_no_other_rooms_voice_change(
    world: World, env: simcord.Env
) -> None:
    await two_live_rooms(world)
    await slash(world, "mo", "mode", mode="open")
    await slash(world, "ada", "mode", channel=world.voice, mode="open")
    rate_limit(env, "PATCH", f"/guilds/{world.guild.id}/voice-states/{world.id('alex')}", RETRY_AFTER)
    await world.people["alex"].click(world.panel(), label="Join stage")  # the un-suppress waits out retry_after
    await world.settle(BEAT)
    ready = await click(world, "bea", "Join stage", world.panel(world.voice))
    await click(world, "bea", "Join stage", ready.response.message)
    assert world.speaking("bea")
    assert world.row("alex") == "audience"  # Discord has not shown alex its prompt yet
    await world.settle(RETRY_AFTER)
    assert world.row("alex") == "invited"
