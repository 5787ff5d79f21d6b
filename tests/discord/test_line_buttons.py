"""The line's panel controls: Next speaker, Withdraw invitation, Lower all hands, +1 / +5 min (Q1-Q3, T1, T2)."""

from __future__ import annotations

import re

from tests.discord.world import World, click, said, slash

ENDS = re.compile(r"<@(\d+)> — ends <t:(\d+):R>")


def labels(world: World) -> list[str]:
    return [child.label for row in world.panel().components for child in row.children if getattr(child, "label", None)]


def turn_ends(world: World) -> dict[str, int]:
    field = next((f.value for f in world.panel().embeds[0].fields if f.name == "Turns"), "")
    return {user: int(at) for user, at in ENDS.findall(field)}


async def test_Q1_A3_next_speaker_on_the_panel_invites_the_head_of_the_line_only_for_a_moderator(
    world: World,
) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    assert "Next speaker" not in labels(world)  # nobody waiting: nothing to serve
    await slash(world, "alex", "ask")
    await slash(world, "bea", "ask")
    assert "Next speaker" in labels(world)
    assert "Only moderators" in said(await click(world, "bea", "Next speaker"))  # A3 at the click
    assert world.people["alex"].id not in world.speak_invitations
    served = await click(world, "mo", "Next speaker")
    assert f"Invitation sent to {world.mention('alex')}" in said(served)
    assert world.people["alex"].id in world.speak_invitations  # Discord's accept prompt on the stage channel


async def test_Q2_withdraw_invitation_on_the_panel_takes_back_the_oldest_invitation(world: World) -> None:
    for name in ("mo", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="invite")
    await slash(world, "mo", "invite", member=world.people["alex"])
    assert "Withdraw invitation · alex" in labels(world)
    assert "Only moderators" in said(await click(world, "alex", "Withdraw invitation · alex"))
    assert (await world.status()).invitations == [world.id("alex")]
    await click(world, "mo", "Withdraw invitation · alex")
    assert (await world.status()).invitations == []
    assert world.people["alex"].id not in world.speak_invitations
    assert not any(label.startswith("Withdraw invitation") for label in labels(world))


async def test_Q3_lower_all_hands_on_the_panel(world: World) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="invite")
    await click(world, "alex", "Raise hand")
    await click(world, "bea", "Raise hand")
    await click(world, "mo", "Lower all hands")
    assert (await world.status()).hands == []
    assert "Lower all hands" not in labels(world)


async def test_T1_T2_the_panel_shows_when_a_turn_ends_and_its_extend_buttons_add_time(world: World) -> None:
    for name in ("ada", "alex"):
        await world.connect(name)
    await slash(world, "ada", "line turn", seconds=120)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    await world.settle(2)
    first = turn_ends(world)[world.id("alex")]
    assert abs(first - (world.env.now().timestamp() + 118)) <= 3
    assert "Only moderators" in said(await click(world, "alex", "+1 min · alex"))
    assert turn_ends(world)[world.id("alex")] == first
    assert "60 s more" in said(await click(world, "ada", "+1 min · alex"))
    await world.settle(2)
    assert turn_ends(world)[world.id("alex")] == first + 60
    await click(world, "ada", "+5 min · alex")
    await world.settle(2)
    assert turn_ends(world)[world.id("alex")] == first + 360


async def test_T1_a_turn_ended_by_the_timer_moves_the_speaker_back_and_leaves_the_panel(world: World) -> None:
    for name in ("ada", "alex"):
        await world.connect(name)
    await slash(world, "ada", "line turn", seconds=60)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    assert world.speaking("alex")
    edits_before = sum(1 for r in world.env.http_requests if r.method == "PATCH" and "/messages/" in r.path)
    await world.settle(65)
    assert not world.speaking("alex")  # suppressed again, as a removal is
    assert (await world.status()).on_stage == []
    assert turn_ends(world) == {} and not any(label.startswith("+1 min") for label in labels(world))
    edits = sum(1 for r in world.env.http_requests if r.method == "PATCH" and "/messages/" in r.path) - edits_before
    assert edits < 30  # the panel is edited when the turn changes, not every second


async def test_T1_on_a_voice_channel_a_turn_ended_by_the_timer_server_mutes_the_speaker_again(world: World) -> None:
    for name in ("ada", "alex"):
        await world.connect(name, world.voice)
    await slash(world, "ada", "line turn", channel=world.voice, seconds=60)
    await slash(world, "ada", "start", channel=world.voice, mode="open")
    ready = await click(world, "alex", "Join stage", world.panel(world.voice))
    await click(world, "alex", "Join stage", ready.response.message)
    assert world.speaking("alex")
    await world.settle(65)
    assert not world.speaking("alex")  # server-muted, as a removal is
    assert (await world.status(world.voice)).on_stage == []
