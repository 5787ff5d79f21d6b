"""Moderators' notices carry the line's buttons the presenter offers with them (Q1, T2), checked at the click (A3).

With the default DISCORD_NOTIFY_MODERATORS=ping the notices are messages in the channel's chat that
ping the moderators' roles; anyone can see and press their buttons, so every press is checked then.
"""

from __future__ import annotations

import discord

from tests.discord.world import World, click, said, slash


def notices_saying(world: World, text: str) -> list[discord.Message]:
    """The bot's messages in the stage channel's chat that contain `text`."""
    return [m for m in world.stage.history() if m.author.bot and text in (m.content or "")]


def labels(message: discord.Message) -> list[str]:
    return [child.label or "" for row in message.components for child in row.children if hasattr(child, "label")]


async def timed_speaker(world: World, seconds: int, *, advance: bool = False) -> None:
    """ada sets turns of `seconds`, mo starts in request mode, alex asks, is brought up and accepts."""
    for name in ("ada", "mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "ada", "line turn", seconds=seconds)
    if advance:
        await slash(world, "ada", "line advance", switch="on")
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask")
    await slash(world, "mo", "approve", member=world.people["alex"])
    await world.accept_speak("alex")
    assert world.speaking("alex")


async def test_T1_T2_A3_a_turn_warning_pings_the_moderators_with_extend_buttons_checked_at_the_click(
    world: World,
) -> None:
    await timed_speaker(world, 60)
    await world.settle(37)  # the warning comes 30 s before the end, at the bot's next 5 s tick
    (warning,) = notices_saying(world, f"{world.mention('alex')}'s turn on stage ends in 30 s")
    assert warning.content.startswith("<@&")  # the moderators' role is pinged
    assert labels(warning) == ["+1 min", "+5 min"]
    assert any("Your turn on stage ends in 30 s" in m.content for m in world.dms("alex"))  # the speaker's own
    end = (await world.status()).turns[world.id("alex")]
    assert "Only moderators" in said(await click(world, "alex", "+1 min", warning))  # A3: anyone may press it
    assert (await world.status()).turns[world.id("alex")] == end
    assert "60 s more" in said(await click(world, "mo", "+1 min", warning))
    assert (await world.status()).turns[world.id("alex")] == end + 60


async def test_T2_an_extend_button_on_a_warning_for_a_turn_already_over_changes_nothing(world: World) -> None:
    await timed_speaker(world, 60)
    await world.settle(37)
    (warning,) = notices_saying(world, "turn on stage ends in 30 s")
    await world.settle(30)
    assert (await world.status()).on_stage == []
    late = said(await click(world, "mo", "+5 min", warning))
    assert f"{world.mention('alex')} is not on stage" in late
    assert (await world.status()).on_stage == [] and not world.speaking("alex")


async def test_Q1_A3_a_new_requests_ping_offers_next_speaker_which_serves_the_head_of_the_line(world: World) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask")
    await slash(world, "bea", "ask")
    (ping,) = notices_saying(world, f"{world.mention('bea')} wants to join the stage")
    assert labels(ping) == ["Bring to stage", "Decline request", "Next speaker"]
    assert "Only moderators" in said(await click(world, "bea", "Next speaker", ping))
    assert (await world.status()).invitations == []
    served = said(await click(world, "mo", "Next speaker", ping))  # on bea's ping, yet alex is first in line
    assert f"Invitation sent to {world.mention('alex')}" in served
    assert world.people["alex"].id in world.speak_invitations
    assert world.people["bea"].id not in world.speak_invitations


async def test_Q1_T1_a_turn_that_ends_tells_the_moderators_with_a_next_speaker_button(world: World) -> None:
    await timed_speaker(world, 60)
    await slash(world, "bea", "ask")
    await world.settle(70)
    (ended,) = notices_saying(world, f"{world.mention('alex')}'s turn is over")
    assert labels(ended) == ["Next speaker"]
    await click(world, "mo", "Next speaker", ended)
    assert world.people["bea"].id in world.speak_invitations


async def test_T3_with_auto_advance_a_turns_end_unsuppresses_the_next_in_line_and_pings_nobody(world: World) -> None:
    await timed_speaker(world, 60, advance=True)
    await slash(world, "bea", "ask")
    await world.settle(70)
    assert not world.speaking("alex")
    assert world.row("bea") == "invited"  # un-suppressed by the bot: Discord's accept prompt
    assert (await world.status()).invitations == [world.id("bea")]
    assert notices_saying(world, "turn is over") == []  # the freed place is already offered
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_T1_T2_with_dms_configured_the_warning_reaches_connected_moderators_with_its_buttons(
    world: World,
) -> None:
    world.app.options.notify_moderators = "dm"
    await timed_speaker(world, 40)
    await world.settle(27)  # a turn shorter than 60 s is warned at half
    (warning,) = [m for m in world.dms("mo") if "turn on stage ends in 20 s" in m.content]
    assert labels(warning) == ["+1 min", "+5 min"]
    end = (await world.status()).turns[world.id("alex")]
    assert "300 s more" in said(await click(world, "mo", "+5 min", warning))  # clicked in a DM: the room is the id's
    assert (await world.status()).turns[world.id("alex")] == end + 300
