"""The same rulebook flows on a stage channel and on a voice channel."""

from __future__ import annotations

import pytest
import simcord

from tests.discord.world import World, click, said, slash


@pytest.fixture(params=["stage", "voice"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def room(world: World, kind: str) -> simcord.ChannelHandle:
    return world.stage if kind == "stage" else world.voice


async def start(world: World, kind: str, mode: str, *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name, room(world, kind))
    await slash(world, "mo", "start", channel=room(world, kind), mode=mode)


async def press(world: World, kind: str, name: str, label: str):
    return await click(world, name, label, world.panel(room(world, kind)))


async def join(world: World, kind: str, name: str):
    """Join stage from the panel, through the get-ready step (voice) or Discord's accept (stage)."""
    answer = await press(world, kind, name, "Join stage")
    if kind == "voice" and "Get ready" in said(answer):
        answer = await click(world, name, "Join stage", answer.response.message)
    elif kind == "stage" and world.people[name].id in world.speak_invitations:
        await world.accept_speak(name)
    return answer


def joined(kind: str) -> str:
    """The answer to an open-mode Join stage: on a stage channel it waits for Discord's prompt (J1)."""
    return "Discord now shows you its invitation to speak" if kind == "stage" else "You are on stage"


async def status(world: World, kind: str):
    return await world.status(room(world, kind))


async def test_J1_J11_open_mode_and_moderators(world: World, kind: str) -> None:
    await start(world, kind, "open", "alex")
    assert joined(kind) in said(await join(world, kind, "alex"))
    assert world.speaking("alex")
    await slash(world, "mo", "mode", channel=room(world, kind), mode="invite")
    assert joined(kind) in said(await join(world, kind, "mo"))
    assert world.speaking("mo") and world.speaking("alex")  # M3: the stage stays


async def test_J2_J3_J4_J5_requests(world: World, kind: str) -> None:
    await start(world, kind, "request", "alex", "bea")
    assert "number 1" in said(await press(world, kind, "alex", "Ask to join stage"))
    assert "number 2" in said(await press(world, kind, "bea", "Ask to join stage"))
    await press(world, kind, "bea", "Cancel request")
    shown = await world.people["mo"].click(world.panel(room(world, kind)), label="Decline 1. alex")
    await world.people["mo"].submit_modal(shown, {"reason": "later, please"})
    await world.settle()
    assert "declined" in world.dms("alex")[-1].content
    await press(world, kind, "alex", "Ask to join stage")
    await press(world, kind, "mo", "Bring 1. alex")
    assert "invited to join the stage" in world.dms("alex")[-1].content
    assert "You are on stage" in said(await join(world, kind, "alex"))
    assert world.speaking("alex") and not world.speaking("bea")


async def test_J6_J10_invite_only(world: World, kind: str) -> None:
    await start(world, kind, "invite", "alex", "bea")
    assert "Invite only" in said(await press(world, kind, "alex", "Ask to join stage"))
    await press(world, kind, "alex", "Raise hand")
    await press(world, kind, "bea", "Raise hand")
    assert (await status(world, kind)).hands == [world.id("alex"), world.id("bea")]
    await slash(world, "mo", "invite", channel=room(world, kind), member=world.people["alex"])
    joined = await click(world, "alex", "Join stage", world.dms("alex")[-1])
    assert "You are on stage" in said(joined)
    if kind == "stage":
        await world.accept_speak("alex")
    assert world.speaking("alex")
    assert (await status(world, kind)).hands == [world.id("bea")]  # joining lowers the hand


async def test_J8_invitation_expiry(world: World, kind: str) -> None:
    await world.connect("ada", room(world, kind))
    await start(world, kind, "invite", "alex")
    await slash(world, "ada", "expiry", channel=room(world, kind), seconds=30)
    await slash(world, "mo", "invite", channel=room(world, kind), member=world.people["alex"])
    await world.settle(20)
    assert (await status(world, kind)).invitations == [world.id("alex")]
    await world.settle(15)
    assert (await status(world, kind)).invitations == []
    assert "expired" in world.dms("alex")[-1].content
    assert not world.speaking("alex")


async def test_L1_L2_L3_leaving(world: World, kind: str) -> None:
    await start(world, kind, "open", "alex", "bea", "cy")
    for name in ("alex", "bea", "cy"):
        await join(world, kind, name)
    await slash(world, "mo", "remove", channel=room(world, kind), member=world.people["alex"])
    assert not world.speaking("alex")
    await world.disconnect("bea")
    assert (await status(world, kind)).on_stage == [world.id("cy")]
    await slash(world, "mo", "end", channel=room(world, kind))
    assert (await status(world, kind)).on_stage == []
    if kind == "stage":
        assert not world.speaking("cy")  # back in the audience
    else:
        assert world.speaking("cy") and world.speaking("alex")  # a plain voice channel again


async def test_C3_eviction(world: World, kind: str) -> None:
    await world.connect("ada", room(world, kind))
    await start(world, kind, "open", "alex", "bea", "cy")
    await slash(world, "ada", "capacity", channel=room(world, kind), people=2)
    await join(world, kind, "alex")
    await join(world, kind, "bea")
    await world.settle(5)
    await world.unmute_self("alex")
    await join(world, kind, "cy")
    assert "you made room for" in world.dms("bea")[-1].content
    assert (await status(world, kind)).on_stage == [world.id("alex"), world.id("cy")]
    assert not world.speaking("bea") and world.speaking("alex")
