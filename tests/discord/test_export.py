"""/stage export [days]: an admin, only them, gets the channel's records as a CSV and a JSON Lines file (R2)."""

from __future__ import annotations

import csv
import io
import json

import discord
import pytest

from tests.discord.world import World, said, slash


async def _session(world: World) -> None:
    for name in ("ada", "alex"):
        await world.connect(name)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    await world.settle(30)
    await slash(world, "ada", "end")


async def test_R2_an_admin_gets_the_records_as_two_files_shown_only_to_them(world: World) -> None:
    await _session(world)
    result = await slash(world, "ada", "export")
    assert result.ephemeral
    files = {a.filename: a for a in result.response.attachments}
    assert sorted(files) == [
        f"stagedoor-{world.guild.id}-{world.stage.id}.csv",
        f"stagedoor-{world.guild.id}-{world.stage.id}.jsonl",
    ]
    rows = list(csv.DictReader(io.StringIO((await files[sorted(files)[0]].read()).decode())))
    lines = [json.loads(line) for line in (await files[sorted(files)[1]].read()).decode().splitlines()]
    assert [r["event"] for r in rows if r["record"] == "event"] == [r["event"] for r in lines if r["record"] == "event"]
    assert "session.started" in [r["event"] for r in rows]
    alex = next(r for r in lines if r["record"] == "person" and r["user"] == world.id("alex"))
    assert 25 <= alex["stage_seconds"] <= 35  # R1's figure, from the same log


async def test_R2_someone_who_is_not_an_admin_is_told_who_may_export(world: World) -> None:
    await _session(world)
    result = await slash(world, "alex", "export")
    assert "Only admins can export" in said(result) and not result.response.attachments


async def test_R2_a_channel_with_nothing_recorded_says_how_to_start(world: World) -> None:
    await world.connect("ada")  # to the stage channel: the voice channel has never seen anyone
    assert "Nothing has been recorded" in said(await slash(world, "ada", "export", channel=world.voice, days=7))


async def test_R2_an_export_larger_than_the_servers_upload_limit_says_what_to_do(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _session(world)
    # A server's upload limit, as discord.py keeps it by boost tier; made tiny so a short log exceeds it.
    monkeypatch.setattr(discord.Guild, "filesize_limit", property(lambda self: 512))
    result = await slash(world, "ada", "export", days=1)
    assert "larger than" in said(result) and "/stage export days:N" in said(result)
    assert not result.response.attachments
