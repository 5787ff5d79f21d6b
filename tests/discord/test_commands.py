"""The /stage command group: admins' settings, moderators' lists, status, and how it is synced."""

from __future__ import annotations

import pytest
import simcord

from bot.lifecycle import discord_options
from bot.settings import Settings
from tests.discord.world import World, bot_for, click, said, slash


async def test_M2_a_preset_sets_the_mode_the_next_session_starts_in(world: World) -> None:
    await world.connect("ada")
    await slash(world, "ada", "default", mode="event")
    started = await slash(world, "ada", "start")
    assert "The stage is in **Everyone on stage** mode" in said(started)


async def test_A2_an_admin_adds_a_channel_moderator_who_may_then_answer_requests(world: World) -> None:
    for name in ("ada", "alex", "bea"):
        await world.connect(name)
    await slash(world, "ada", "start", mode="request")
    await click(world, "alex", "Ask to join stage")
    refused = await click(world, "bea", "Bring 1. alex")
    assert "Only moderators" in said(refused)
    added = await slash(world, "ada", "moderators", action="add", member=world.people["bea"])
    assert "Moderators of this channel" in said(added)
    brought = await click(world, "bea", "Bring 1. alex")
    assert "Invitation sent" in said(brought)


async def test_J2_moderators_see_notes_and_participants_see_positions(world: World) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask", note="demo of the new release")
    await slash(world, "bea", "ask")
    for_moderator = (await slash(world, "mo", "status")).response.embeds[0]
    requests = next(f.value for f in for_moderator.fields if f.name == "Requests")
    assert "demo of the new release" in requests
    for_participant = (await slash(world, "bea", "status")).response.embeds[0]
    requests = next(f.value for f in for_participant.fields if f.name == "Requests")
    assert "demo" not in requests and f"2. {world.mention('bea')}" in requests
    panel = world.panel().embeds[0]
    assert "demo" not in next(f.value for f in panel.fields if f.name == "Requests")  # the panel is public


async def test_J5_cooldown_makes_a_declined_participant_wait(world: World) -> None:
    for name in ("mo", "ada", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "ada", "cooldown", seconds=60)
    await slash(world, "alex", "ask")
    await slash(world, "mo", "decline", member=world.people["alex"])
    early = await slash(world, "alex", "ask")
    assert "you can ask again in" in said(early)
    await world.settle(60)
    assert "number 1 in line" in said(await slash(world, "alex", "ask"))


async def test_J12_actions_outside_a_session_are_refused(world: World) -> None:
    await world.connect("alex")
    answer = await slash(world, "alex", "ask")
    assert "No session is live in this channel" in said(answer)


async def test_C1_lowering_capacity_below_the_stage_is_refused_with_the_count(world: World) -> None:
    for name in ("ada", "alex", "bea"):
        await world.connect(name)
    await slash(world, "ada", "start", mode="open")
    for name in ("alex", "bea"):
        await slash(world, name, "join")
        await world.accept_speak(name)  # J1: on stage once Discord's prompt is accepted
    refused = await slash(world, "ada", "capacity", people=1)
    assert "2 people are on stage now" in said(refused)


@pytest.mark.parametrize("how", ["dm", "panel"])
async def test_moderators_hear_of_requests_as_configured(world: World, how: str) -> None:
    world.app.options.notify_moderators = how
    for name in ("mo", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await click(world, "alex", "Ask to join stage")
    assert not any("wants to join" in line for line in world.chat())
    told = [m.content for m in world.dms("mo") if "wants to join" in m.content]
    assert len(told) == (1 if how == "dm" else 0)


async def test_commands_sync_to_the_dev_guild_when_one_is_set(app) -> None:
    settings = Settings(_env_file=None, DISCORD_DEV_GUILD_ID="1456000000000000001")  # type: ignore[call-arg]
    app.options = discord_options(settings)
    env = simcord.Env(bot_for(app))
    env.create_guild("Dev", id=1456000000000000001)
    await env.start()
    try:
        puts = [r.path for r in env.http_requests if r.method == "PUT"]
        assert any(path.endswith("/guilds/1456000000000000001/commands") for path in puts)
    finally:
        await env.shutdown()


async def test_two_live_rooms_do_not_touch_each_other(world: World) -> None:
    await world.connect("mo")
    await slash(world, "mo", "start", mode="open")
    await world.connect("alex", world.voice)
    await slash(world, "mo", "start", channel=world.voice, mode="invite")  # typed from the voice chat
    await world.connect("bea")
    await click(world, "bea", "Join stage")
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")]
    assert (await world.status(world.voice)).on_stage == []
    assert "Invite only" in said(await click(world, "alex", "Join stage", world.panel(world.voice)))
    assert len(world.panels()) == 1 and len(world.panels(world.voice)) == 1


async def test_events_of_other_platforms_are_not_delivered_to_discord(world: World) -> None:
    from core.commands import Actor, Arrive, StartSession
    from core.room import RoomKey

    before = len(world.env.http_requests)
    slack_room = RoomKey("slack", "T1", "C1")
    await world.app.service.handle(slack_room, Arrive(Actor("U1")))
    await world.app.service.handle(slack_room, StartSession(Actor("U1", moderator=True)))
    await world.settle(6)  # past a poll of the event log
    assert [r for r in world.env.http_requests[before:] if r.method != "GET"] == []


async def test_a_configured_moderator_role_moderates_and_is_pinged(world: World) -> None:
    hosts = world.guild.create_role("Hosts")
    host = world.guild.add_member(world.env.create_user("hana"), roles=[hosts])
    world.people["hana"] = host
    world.app.options.moderator_roles = frozenset({hosts.id})
    for name in ("hana", "alex"):
        await world.connect(name)
    await slash(world, "hana", "start", mode="request")
    await click(world, "alex", "Ask to join stage")
    assert f"<@&{hosts.id}>" in world.chat()[-1].split(world.mention("alex"))[0]  # pinged before the news
    assert "Invitation sent" in said(await click(world, "hana", "Bring 1. alex"))
