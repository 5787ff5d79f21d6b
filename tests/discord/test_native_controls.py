"""Discord's own controls and the panel agree: whichever someone uses, the stage is the same."""

from __future__ import annotations

from tests.discord.world import World, click, said, slash


async def start(world: World, mode: str, *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name)
    await slash(world, "mo", "start", mode=mode)


async def test_J1_native_raise_hand_in_open_mode_shows_discords_prompt_and_accepting_joins(world: World) -> None:
    await start(world, "open", "alex")
    await world.raise_hand("alex")
    assert world.people["alex"].id in world.speak_invitations  # the bot's un-suppress: Discord's prompt
    assert (await world.status()).on_stage == []  # on stage once they accept it, as with Join stage
    await world.accept_speak("alex")
    assert world.speaking("alex")
    assert (await world.status()).on_stage == [world.id("alex")]


async def test_J2_native_raise_hand_in_request_mode_is_a_request(world: World) -> None:
    await start(world, "request", "alex")
    await world.raise_hand("alex")
    status = await world.status()
    assert [item["user"] for item in status.requests] == [world.id("alex")]
    assert any(f"{world.mention('alex')} wants to join the stage (number 1 in line)." in line for line in world.chat())
    again = await click(world, "alex", "Ask to join stage")
    assert "already pending (position 1)" in said(again)  # the button and Discord's hand agree


async def test_J3_lowering_discords_hand_in_request_mode_cancels_the_request(world: World) -> None:
    await start(world, "request", "alex")
    await world.raise_hand("alex")
    await world.lower_hand("alex")
    assert (await world.status()).requests == []


async def test_J10_native_raise_hand_in_invite_mode_is_a_raised_hand(world: World) -> None:
    await start(world, "invite", "alex")
    await world.raise_hand("alex")
    status = await world.status()
    assert status.hands == [world.id("alex")] and status.requests == []
    await world.lower_hand("alex")
    assert (await world.status()).hands == []


async def test_J11_a_stage_moderator_becoming_a_speaker_in_discord_joins_the_stage(world: World) -> None:
    await start(world, "invite")
    await world.become_speaker("mo")
    assert world.row("mo") == "speaker"
    assert (await world.status()).on_stage == [world.id("mo")]


async def test_L2_move_to_audience_in_discord_takes_them_off_the_stage(world: World) -> None:
    await start(world, "open", "alex")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    await world.move_to_audience("mo", "alex")
    assert (await world.status()).on_stage == []


async def test_L2_leaving_the_stage_channel_while_on_stage(world: World) -> None:
    await start(world, "open", "alex")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    await world.disconnect("alex")
    assert (await world.status()).on_stage == []
    await world.connect("alex")
    assert not world.speaking("alex")


async def test_A3_an_invitation_to_speak_by_someone_who_is_not_a_moderator_is_undone_and_explained(
    world: World,
) -> None:
    await start(world, "request", "alex", "hal")
    await world.disconnect("mo")  # no moderator in the channel: hal (Mute Members only) is not one
    await world.invite_to_speak("hal", "alex")
    assert world.row("alex") == "audience"
    status = await world.status()
    assert status.on_stage == [] and status.invitations == []
    assert "Join by request" in world.dms("alex")[-1].content


async def test_the_bots_own_changes_are_not_mistaken_for_peoples(world: World) -> None:
    """Removed right after joining: the late echo of the join must not put them back."""
    await start(world, "open", "alex")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    await world.people["mo"].select(
        world.panel(), [world.people["alex"]], custom_id=f"sdp:remove:{world.guild.id}:{world.stage.id}"
    )
    await world.settle()
    assert (await world.status()).on_stage == []
    assert not world.speaking("alex")
