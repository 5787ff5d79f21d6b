"""Timed turns, the line's order and the records, end to end in the simulated Discord (Q4, Q5, T1, T4, R2)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from adapters.discord.runtime import room_key
from adapters.records.export import export_chunks
from tests.discord.test_line_buttons import turn_ends
from tests.discord.world import World, click, said, slash


def panel_edits(world: World) -> int:
    """How many times the bot has edited a message (the panel is the only message it edits)."""
    return sum(1 for r in world.env.http_requests if r.method == "PATCH" and "/messages/" in r.path)


async def exported(world: World, name: str = "ada") -> dict[str, bytes]:
    """Run /stage export as an admin; return its attachments by file extension."""
    result = await slash(world, name, "export")
    assert result.ephemeral
    return {a.filename.rsplit(".", 1)[1]: await a.read() for a in result.response.attachments}


def events_of(jsonl: bytes) -> list[dict[str, Any]]:
    return [r for r in map(json.loads, jsonl.decode().splitlines()) if r["record"] == "event"]


def seconds(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


async def test_T1_the_panel_counts_a_turn_down_on_its_own_and_is_edited_at_the_warning_not_every_second(
    world: World,
) -> None:
    for name in ("ada", "alex"):
        await world.connect(name)
    await slash(world, "ada", "line turn", seconds=120)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    await world.settle(2)
    end = (await world.status()).turns[world.id("alex")]
    assert turn_ends(world) == {world.id("alex"): int(end)}  # <t:…:R>: Discord shows "in 2 minutes" and counts
    quiet = panel_edits(world)
    await world.settle(60)  # a minute of the turn with nothing else happening
    assert panel_edits(world) == quiet  # the time left is Discord's countdown, not an edit a second
    await world.settle(35)  # past the warning (30 s before the end) and the bot's next tick
    assert any("ends in 30 s" in m.content for m in world.dms("alex"))
    assert panel_edits(world) == quiet + 1  # one edit at the warning
    assert turn_ends(world) == {world.id("alex"): int(end)}
    await world.settle(35)
    assert turn_ends(world) == {} and panel_edits(world) == quiet + 2  # and one when it ends


async def test_Q4_the_requester_who_becomes_first_in_line_is_told_by_dm_with_a_cancel_button(world: World) -> None:
    for name in ("mo", "alex", "bea", "cy"):
        await world.connect(name)
    await slash(world, "mo", "start", mode="request")
    await slash(world, "alex", "ask")
    await slash(world, "bea", "ask")

    def told(name: str) -> list[Any]:
        return [m for m in world.dms(name) if "You're next" in m.content]

    assert told("alex") == [] and told("bea") == []  # alex started first: request.created said so
    await slash(world, "mo", "decline", member=world.people["alex"])
    (next_up,) = told("bea")
    assert next_up.content.startswith(f"<#{world.stage.id}>: You're next")
    await slash(world, "cy", "ask")  # the line changes behind bea: she is not told again
    assert len(told("bea")) == 1
    await click(world, "bea", "Cancel request", next_up)
    assert [r["user"] for r in (await world.status()).requests] == [world.id("cy")]


async def test_Q5_fair_order_puts_whoever_spoke_least_first_and_next_serves_them(world: World) -> None:
    for name in ("ada", "alex", "bea"):
        await world.connect(name)
    await slash(world, "ada", "line order", order="fair")
    await slash(world, "ada", "start", mode="request")
    await slash(world, "alex", "ask")
    await slash(world, "ada", "approve", member=world.people["alex"])
    await world.accept_speak("alex")
    await world.settle(20)
    await slash(world, "ada", "remove", member=world.people["alex"])
    assert "number 1 in line" in said(await slash(world, "alex", "ask"))
    assert "number 1 in line" in said(await slash(world, "bea", "ask"))  # asked later, never spoke: first
    assert [r["user"] for r in (await world.status()).requests] == [world.id("bea"), world.id("alex")]
    await slash(world, "ada", "next")
    assert world.people["bea"].id in world.speak_invitations
    assert world.people["alex"].id not in world.speak_invitations


async def test_T4_timers_falling_due_between_ticks_fire_once_in_due_order_each_at_its_own_time(world: World) -> None:
    for name in ("ada", "alex", "bea"):
        await world.connect(name)
    await slash(world, "ada", "line turn", seconds=20)  # warned at 10 s, ended at 20 s
    await slash(world, "ada", "expiry", seconds=12)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    await slash(world, "ada", "invite", member=world.people["bea"])  # expires 12 s later, between the two
    await world.settle(40)  # the bot ticks every 5 s: the three fall due between ticks
    assert not world.speaking("alex") and world.row("bea") == "audience"  # both undone in Discord too
    await slash(world, "ada", "end")
    log = events_of((await exported(world))["jsonl"])
    at = {(e["event"], e["user"]): seconds(e["at"]) for e in log}
    alex, bea = world.id("alex"), world.id("bea")
    timers = [(e["event"], e["user"]) for e in log if e["event"] in ("turn.warning", "invitation.expired")]
    timers += [(e["event"], e["user"]) for e in log if e["event"] == "stage.left" and e["user"] == alex]
    assert sorted(timers, key=lambda t: at[t]) == [
        ("turn.warning", alex),
        ("invitation.expired", bea),
        ("stage.left", alex),
    ]
    assert len(timers) == len(set(timers))  # each fired once
    joined, invited = at[("stage.joined", alex)], at[("invitation.sent", bea)]
    assert abs(at[("turn.warning", alex)] - (joined + 10)) < 0.01  # logged at its own due time, not the tick's
    assert abs(at[("invitation.expired", bea)] - (invited + 12)) < 0.01
    assert abs(at[("stage.left", alex)] - (joined + 20)) < 0.01
    assert all(e["actor"] in (None, "") for e in log if (e["event"], e["user"]) in timers)  # timers have no actor


async def test_R2_the_attached_files_are_the_channels_export_byte_for_byte(world: World) -> None:
    for name in ("ada", "alex"):
        await world.connect(name)
    await slash(world, "ada", "start", mode="open")
    await slash(world, "alex", "join")
    await world.accept_speak("alex")
    await world.settle(12)
    await slash(world, "ada", "end")
    files = await exported(world)
    key = room_key(world.guild.id, world.stage.id)
    now = world.env.now().timestamp()  # the session ended: the figures no longer depend on "now"
    for extension, fmt in (("csv", "csv"), ("jsonl", "json")):
        chunks = [chunk async for chunk in export_chunks(world.app.store, key, None, None, fmt, now)]
        assert files[extension] == "".join(chunks).encode()
    assert [e["event"] for e in events_of(files["jsonl"])][0] == "session.started"
    other = {a.filename for a in (await slash(world, "ada", "export", channel=world.voice)).response.attachments}
    assert other == set()  # another channel's export is not this one's
