"""The rulebook on a plain voice channel: the stage is enforced with server mute."""

from __future__ import annotations

from tests.discord.world import World, click, pick, said, slash


async def start(world: World, mode: str, *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name, world.voice)
    await slash(world, "mo", "start", channel=world.voice, mode=mode)


async def test_starting_mutes_the_audience_and_ending_unmutes_everyone(world: World) -> None:
    await start(world, "request", "alex", "bea")
    assert not world.speaking("alex") and not world.speaking("bea") and not world.speaking("mo")
    assert "on stage: 0 / 100" in world.panel(world.voice).embeds[0].description
    await slash(world, "mo", "end", channel=world.voice)
    assert world.speaking("alex") and world.speaking("bea") and world.speaking("mo")


async def test_someone_connecting_during_a_session_arrives_muted(world: World) -> None:
    await start(world, "request")
    await world.connect("cy", world.voice)
    assert not world.speaking("cy")


async def test_J1_open_mode_shows_a_get_ready_step_then_unmutes(world: World) -> None:
    await start(world, "open", "alex")
    ready = await click(world, "alex", "Join stage", world.panel(world.voice))
    assert "Get ready to join the stage" in said(ready)
    assert not world.speaking("alex")
    joined = await click(world, "alex", "Join stage", ready.response.message)
    assert "You are on stage." in said(joined)
    assert world.speaking("alex")


async def test_J2_J4_request_brought_to_stage_joins_from_the_dm(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage", world.panel(world.voice))
    await click(world, "mo", "Bring 1. alex", world.panel(world.voice))
    invitation = world.dms("alex")[-1]
    assert "Get ready: check your microphone and camera" in invitation.content
    assert not world.speaking("alex")
    joined = await click(world, "alex", "Join stage", invitation)
    assert "You are on stage." in said(joined)
    assert world.speaking("alex")


async def test_J7_decline_invitation_from_the_dm(world: World) -> None:
    await start(world, "invite", "bea")
    await pick(world, "mo", "invite", "bea", world.voice)
    declined = await click(world, "bea", "Decline invitation", world.dms("bea")[-1])
    assert "You declined the invitation to join the stage." in said(declined)
    assert any(
        f"{world.mention('bea')} declined the invitation." in line for line in world.chat(world.voice)
    )  # after the moderators' role ping
    assert not world.speaking("bea")


async def test_L1_removing_someone_mutes_them(world: World) -> None:
    await start(world, "open", "alex")
    await slash(world, "alex", "join", channel=world.voice)
    assert world.speaking("alex")
    await pick(world, "mo", "remove", "alex", world.voice)
    assert not world.speaking("alex")
    assert (await world.status(world.voice)).on_stage == []


async def test_L2_a_server_mute_by_a_moderator_takes_them_off_the_stage(world: World) -> None:
    await start(world, "open", "alex")
    await slash(world, "alex", "join", channel=world.voice)
    await world.server_mute("mo", "alex")  # Discord's own "Server Mute"
    assert (await world.status(world.voice)).on_stage == []


async def test_A3_a_server_unmute_by_someone_who_is_not_a_moderator_is_undone_and_explained(world: World) -> None:
    await start(world, "request", "alex", "hal")
    await world.disconnect("mo")
    await world.server_mute("hal", "alex", on=False)  # Discord's own "Server Unmute", by a non-moderator
    assert not world.speaking("alex")
    assert (await world.status(world.voice)).on_stage == []
    assert "Join by request" in world.dms("alex")[-1].content


async def test_C4_a_message_in_the_channel_chat_counts_as_activity(world: World) -> None:
    await world.connect("ada", world.voice)
    await start(world, "open", "alex", "bea", "cy")
    await slash(world, "ada", "capacity", channel=world.voice, people=2)
    await slash(world, "alex", "join", channel=world.voice)
    await slash(world, "bea", "join", channel=world.voice)
    await world.settle(10)
    await world.people["alex"].send(world.voice, "hello everyone")
    await slash(world, "cy", "join", channel=world.voice)
    assert (await world.status(world.voice)).on_stage == [world.id("alex"), world.id("cy")]
    assert not world.speaking("bea")


async def test_a_slash_command_outside_a_voice_channel_needs_a_connection(world: World) -> None:
    answer = await slash(world, "alex", "status", channel=world.lobby)
    assert "Use /stage in the chat of a stage or voice channel" in said(answer)
    await world.connect("alex", world.voice)
    answer = await slash(world, "alex", "status", channel=world.lobby)
    assert "No session is live" in answer.response.embeds[0].description


async def test_someone_muted_as_audience_is_unmuted_when_they_go_elsewhere(world: World) -> None:
    await start(world, "request", "alex")
    assert not world.speaking("alex")
    await world.people["alex"].join_voice(world.stage)  # Discord keeps a server mute across channels
    await world.settle()
    state = world.env.backend.get_guild(world.guild.id).voice_states[world.people["alex"].id]
    assert state.channel_id == world.stage.id and not state.mute
    assert (await world.status(world.voice)).on_stage == []


async def test_a_mute_the_bot_did_not_make_is_left_alone(world: World) -> None:
    await world.connect("alex", world.voice)
    await world.server_mute("mo", "alex")  # a human moderator's server mute, no session
    await world.connect("bea", world.voice)
    elsewhere = world.guild.create_voice_channel("quiet-corner")
    await world.people["alex"].join_voice(elsewhere)
    await world.settle()
    assert not world.speaking("alex")
