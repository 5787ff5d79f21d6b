"""An interaction is answered within Discord's 3 seconds however slow the store, and every failure is answered.

Discord refuses a first answer after 3 s (10062 Unknown Interaction; simcord enforces the same
deadline) and a second first answer (40060). So anything touching the store defers first, with
an ephemeral "thinking", and the answer follows; an unexpected error is answered too.
"""

from __future__ import annotations

import simcord

from core import commands as c
from tests.discord.conftest import App
from tests.discord.faults import DEFERRED, acknowledgements, failing, first_answers, slow_service
from tests.discord.world import World, click, said, slash

SLOW = 3.5  # seconds a slow command takes: past Discord's 3 s window


async def start(world: World, mode: str, *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name)
    await slash(world, "mo", "start", mode=mode)


async def test_J2_a_request_through_a_slow_store_is_answered_after_a_defer(
    world: World, env: simcord.Env, app: App
) -> None:
    await start(world, "request", "alex")
    slow = slow_service(env, SLOW)
    slow.slow = 1
    asked = await world.people["alex"].slash(world.stage, "stage ask", note="a question")
    await world.settle(SLOW + 1)
    assert first_answers(env)[-1] == DEFERRED
    assert "number 1 in line" in said(asked)
    assert [r["user"] for r in (await world.status()).requests] == [world.id("alex")]


async def test_J1_a_click_through_a_slow_store_is_answered_after_a_defer(
    world: World, env: simcord.Env, app: App
) -> None:
    await start(world, "open", "alex")
    slow = slow_service(env, SLOW)
    slow.slow = 1
    joined = await world.people["alex"].click(world.panel(), label="Join stage")
    await world.settle(SLOW + 1)
    assert first_answers(env)[-1] == DEFERRED
    assert "Discord now shows you its invitation to speak" in said(
        joined
    )  # J1 on a stage channel: Discord's prompt next


async def test_an_unexpected_error_in_a_command_is_answered_only_to_the_typer(world: World, env: simcord.Env) -> None:
    await start(world, "request", "alex")
    failing(env, c.AskToJoin)
    failed = await slash(world, "alex", "ask")
    text = said(failed)
    assert "Something went wrong on stagedoor's side" in text and "try again" in text
    assert "RuntimeError" not in text and "injected" not in text
    assert "number 1 in line" in said(await slash(world, "alex", "ask"))  # the next try works


async def test_an_unexpected_error_in_a_click_is_answered_only_to_the_clicker(world: World, env: simcord.Env) -> None:
    await start(world, "request", "alex")
    failing(env, c.AskToJoin)
    failed = await click(world, "alex", "Ask to join stage")
    assert "Something went wrong on stagedoor's side" in said(failed)
    assert not any("Something went wrong" in line for line in world.chat())


async def test_J5_an_unexpected_error_in_the_decline_form_is_answered_to_the_moderator(
    world: World, env: simcord.Env
) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    form = await world.people["mo"].click(world.panel(), label="Decline 1. alex")
    assert form.modal is not None  # the form is the first answer: nothing was deferred before it
    failing(env, c.DeclineRequest)
    submitted = await world.people["mo"].submit_modal(form, {"reason": "out of time"})
    await world.settle()
    assert "Something went wrong on stagedoor's side" in said(submitted)
    assert [r["user"] for r in (await world.status()).requests] == [world.id("alex")]


async def test_no_interaction_is_acknowledged_twice(world: World, env: simcord.Env, app: App) -> None:
    await start(world, "request", "alex", "bea")
    await click(world, "alex", "Ask to join stage")
    await slash(world, "bea", "ask")
    await slash(world, "mo", "status")
    failing(env, c.BringToStage)
    await click(world, "mo", "Bring 1. alex")  # fails after the defer: answered by a follow-up
    slow = slow_service(env, SLOW)
    slow.slow = 1
    await world.people["mo"].click(world.panel(), label="Bring 2. bea")
    await world.settle(SLOW + 2)
    acked = acknowledgements(env)
    assert acked and max(acked.values()) == 1
