"""/stage next, uninvite, hands-down, extend, stats and /stage line …, via real discord.py (Q1-Q5, T1-T3, R1)."""

from __future__ import annotations

from tests.discord.world import World, said, slash


async def test_Q1_next_on_a_stage_channel_brings_up_the_head_of_the_line_with_discords_prompt(world: World) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask")
    await slash(world, "bea", "ask")
    served = await slash(world, "mo", "next")
    assert f"Invitation sent to {world.mention('alex')}" in said(served)
    assert world.people["alex"].id in world.speak_invitations  # un-suppressed: Discord's accept prompt
    assert world.people["bea"].id not in world.speak_invitations
    await world.accept_speak("alex")
    assert (await world.status()).on_stage == [world.id("alex")]


async def test_Q1_next_invites_the_earliest_discord_hand_by_unsuppressing_it_into_discords_prompt(
    world: World,
) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="invite")
    await world.raise_hand("bea")  # Discord's own hand (request to speak), before alex's
    await world.raise_hand("alex")
    assert (await world.status()).hands == [world.id("bea"), world.id("alex")]
    await slash(world, "mo", "next")
    assert world.row("bea") == "invited"  # suppress false, timestamp set: Discord's "invited to speak" prompt
    assert world.row("alex") == "hand"
    assert (await world.status()).invitations == [world.id("bea")]
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")] and world.speaking("bea")


async def test_Q1_next_with_nobody_waiting_says_what_to_do_and_changes_nothing(world: World) -> None:
    await world.connect("mo")
    await slash(world, "mo", "start", mode="request")
    answer = said(await slash(world, "mo", "next"))
    assert "Nobody is waiting" in answer and "/stage invite" in answer
    assert (await world.status()).invitations == []


async def test_Q2_uninvite_withdraws_the_invitation_and_resuppresses(world: World) -> None:
    for name in ("mo", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="invite")
    await slash(world, "mo", "invite", member=world.people["alex"])
    assert world.people["alex"].id in world.speak_invitations
    offered = await world.people["mo"].autocomplete(world.stage, "stage uninvite", "member", "")
    assert [choice["value"] for choice in offered] == [world.id("alex")]
    withdrawn = await slash(world, "mo", "uninvite", member=world.people["alex"])
    assert world.mention("alex") in said(withdrawn)
    assert (await world.status()).invitations == []
    assert world.people["alex"].id not in world.speak_invitations  # suppressed again: the prompt is gone
    again = said(await slash(world, "mo", "uninvite", member=world.people["alex"]))
    assert f"{world.mention('alex')} has no pending invitation to withdraw" in again


async def test_Q3_hands_down_lowers_every_hand(world: World) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="invite")
    await slash(world, "alex", "hand")
    await slash(world, "bea", "hand")
    assert len((await world.status()).hands) == 2
    await slash(world, "mo", "hands-down")
    assert (await world.status()).hands == []


async def test_A3_a_participant_cannot_run_the_line(world: World) -> None:
    for name in ("mo", "alex", "bea"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "bea", "ask")
    for command in ("next", "hands-down", "stats"):
        assert "Only moderators" in said(await slash(world, "alex", command))
    assert (await world.status()).invitations == []


async def test_T1_T2_a_turn_set_by_an_admin_is_extended_and_then_ends_on_its_own(world: World) -> None:
    for name in ("ada", "alex"):
        await world.connect(name)
    assert "Only admins" in said(await slash(world, "alex", "line turn", seconds=60))
    await slash(world, "ada", "line turn", seconds=60)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    extended = await slash(world, "ada", "extend", member=world.people["alex"], seconds=30)
    assert "30 s more" in said(extended)
    await world.settle(70)
    assert (await world.status()).on_stage == [world.id("alex")]  # 60 + 30 s: still on
    await world.settle(25)
    assert (await world.status()).on_stage == []
    assert not world.speaking("alex")  # back in the audience on Discord too


async def test_T3_Q5_admins_switch_auto_advance_and_fair_order(world: World) -> None:
    await world.connect("ada")
    assert "Auto-advance is on" in said(await slash(world, "ada", "line advance", switch="on"))
    assert "least time on stage this session first" in said(await slash(world, "ada", "line order", order="fair"))
    await slash(world, "ada", "start", mode="request")
    for name in ("alex", "bea"):
        await world.connect(name)
    await slash(world, "alex", "ask")
    await slash(world, "bea", "ask")
    await slash(world, "ada", "approve", member=world.people["alex"])
    await world.accept_speak("alex")
    await slash(world, "ada", "remove", member=world.people["alex"])
    assert world.people["bea"].id in world.speak_invitations  # the freed place went to the next in line


async def test_R1_stats_answers_only_the_moderator_with_an_embed(world: World) -> None:
    for name in ("mo", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    await world.settle(10)
    answer = await slash(world, "mo", "stats")
    assert answer.ephemeral
    (embed,) = answer.response.embeds
    assert "live session" in (embed.description or "")
    people = next(f.value for f in embed.fields if f.name == "People")
    assert world.mention("alex") in people and "s on stage" in people
