"""/stage reads well in Discord: every option says what it is for, targets autocomplete from the room,
and the commands reach Discord only when they changed or when an operator syncs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import simcord

from adapters.discord.sync import differs, push
from bot.cli import main
from tests.discord.world import World, bot_for, said, slash

PLACEHOLDER = "…"  # what discord.py sends for an option nobody described


def synced_commands(env: simcord.Env) -> list[dict[str, Any]]:
    """The /stage definitions as Discord received them in the last sync."""
    puts = [r for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert puts, "the commands were never synced"
    body: list[dict[str, Any]] = puts[-1].json
    return body


def options_of(command: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    out = []
    for option in command.get("options") or []:
        name = f"{path} {option['name']}".strip()
        if option["type"] in (1, 2):  # a subcommand or a group: its own options follow
            out += options_of(option, name)
        else:
            out.append((name, option))
    return out


def sync_puts(env: simcord.Env) -> int:
    return sum(1 for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))


async def test_every_option_of_every_subcommand_has_a_description(world: World, env: simcord.Env) -> None:
    (stage,) = synced_commands(env)
    options = options_of(stage)
    assert len(options) >= 20
    undescribed = [name for name, option in options if option["description"] in ("", PLACEHOLDER)]
    assert undescribed == []
    local = [command.to_dict(env.bot.tree) for command in env.bot.tree.get_commands()]
    assert not differs(local, [stage])  # what Discord shows is what the code describes


async def test_J3_approve_and_decline_autocomplete_from_the_queue(world: World) -> None:
    for name in ("mo", "alex", "bea", "cy"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask")
    await slash(world, "bea", "ask")
    mo = world.people["mo"]
    offered = await mo.autocomplete(world.stage, "stage approve", "member", "")
    assert [(c["name"], c["value"]) for c in offered] == [("1. alex", world.id("alex")), ("2. bea", world.id("bea"))]
    typed = await mo.autocomplete(world.stage, "stage decline", "member", "BE")
    assert [c["value"] for c in typed] == [world.id("bea")]
    brought = await slash(world, "mo", "approve", member=offered[1]["value"])  # picking bea sends her id
    assert "Invitation sent" in said(brought) and world.id("bea") in (await world.status()).invitations


async def test_J4_invite_autocompletes_the_audience_with_raised_hands_first_and_remove_the_stage(world: World) -> None:
    for name in ("mo", "alex", "bea", "cy"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="invite")
    await slash(world, "cy", "hand")
    await slash(world, "mo", "invite", member=world.people["bea"])
    mo = world.people["mo"]
    audience = [c["value"] for c in await mo.autocomplete(world.stage, "stage invite", "member", "")]
    assert audience[0] == world.id("cy")  # the raised hand first
    assert world.id("alex") in audience and world.id("bea") not in audience  # bea is invited already
    await slash(world, "mo", "join")
    await world.accept_speak("mo")  # J1: on stage once Discord's prompt is accepted
    on_stage = [c["value"] for c in await mo.autocomplete(world.stage, "stage remove", "member", "")]
    assert on_stage == [world.id("mo")]


async def test_a_typed_name_nobody_has_is_answered_with_what_to_do(world: World) -> None:
    for name in ("mo", "alex"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    answered = said(await world.people["mo"].slash(world.stage, "stage remove", member="nobody-here"))
    assert "couldn't find “nobody-here”" in answered and "Pick someone from the list" in answered
    typed = said(await world.people["mo"].slash(world.stage, "stage invite", member="alex"))  # an exact name works
    assert "Invitation sent" in typed


async def test_a_restart_with_unchanged_commands_does_not_sync_them_again(world: World, env: simcord.Env) -> None:
    assert sync_puts(env) == 1  # the first start: Discord had none
    await env.restart_bot(bot_for(world.app))
    assert sync_puts(env) == 1
    assert any(r.method == "GET" and r.path.endswith("/commands") for r in env.http_requests)


async def test_a_changed_definition_is_synced_at_the_next_start(world: World, env: simcord.Env) -> None:
    bot = bot_for(world.app)
    await env.restart_bot(bot)
    stage = bot.tree.get_commands()[0]
    stage.description = "Run the stage (a newer wording)"
    assert await push(bot.tree, world.app.options, only_if_changed=True)
    assert synced_commands(env)[0]["description"] == "Run the stage (a newer wording)"


async def test_the_sync_command_sends_the_commands_even_when_unchanged(world: World, env: simcord.Env) -> None:
    before = sync_puts(env)
    assert await push(env.bot.tree, world.app.options, only_if_changed=False)
    assert sync_puts(env) == before + 1


def test_stagedoor_discord_sync_without_a_token_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["discord", "sync"]) == 2
    refused = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in refused and "Traceback" not in refused


def test_what_discord_adds_to_a_stored_command_is_not_a_change_but_a_new_option_is() -> None:
    local = [{"name": "stage", "description": "Run it", "contexts": [0], "options": [{"name": "a", "type": 1}]}]
    stored = [
        {
            "id": "1",
            "application_id": "2",
            "version": "3",
            "default_member_permissions": None,
            "integration_types": [0],
            "nsfw": False,
            **local[0],
        }
    ]
    assert not differs(local, stored)
    assert differs([{**local[0], "options": [{"name": "a", "type": 1}, {"name": "b", "type": 1}]}], stored)
    assert differs([{**local[0], "description": "Run it well"}], stored)
