"""Whatever is typed, the console answers with well-formed deliveries and never stops (fixed example budget)."""

from __future__ import annotations

import asyncio
import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console import Console, Roles, VirtualClock
from adapters.console.render import as_json, as_text
from adapters.persistence.memory import MemoryStore
from core.service import StageService

NAMES = st.sampled_from(["host", "admin", "ana", "@ana", "ben", "Ben", "", "@", "zoë"])
WORDS = st.sampled_from(
    [
        "start",
        "end",
        "mode",
        "default",
        "capacity",
        "cameras",
        "cooldown",
        "expiry",
        "join",
        "ask",
        "cancel",
        "approve",
        "decline",
        "invite",
        "remove",
        "hand",
        "hand down",
        "status",
        "moderators add",
        "moderators remove",
        "dance",
        "",
        "HAND",
        "Start",
    ]
)
ARGS = st.one_of(
    st.sampled_from(["", "open", "invite", "webinar", "ana", "@ben", "0", "-1", "2", "99999", "x" * 250, "ana why"]),
    st.text(max_size=30),
)
LINES = st.one_of(
    st.builds(lambda n, w, a: f"{n}: /stage {w} {a}", NAMES, WORDS, ARGS),
    st.builds(lambda n, h: f"{n}: ({h})", NAMES, st.sampled_from(["arrives", "leaves", "speaks", "wait 5", "sings"])),
    st.builds(lambda s: f"(wait {s})", st.sampled_from(["1", "0.5", "601", "-3", "soon", ""])),
    st.text(max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, min_size=1, max_size=25))
def test_any_lines_give_well_formed_deliveries(lines: list[str]) -> None:
    async def play() -> None:
        store = MemoryStore()
        clock = VirtualClock(time.time())
        console = Console(
            StageService(store.unit_of_work, clock), store, clock, Roles(frozenset({"host"}), frozenset({"admin"}))
        )
        for line in lines:
            said = await console.play(line)
            for delivery in said.deliveries:
                shown = json.loads(as_json(delivery))
                assert list(shown)[:2] == ["to", "event"]
                assert isinstance(shown["to"], str) and shown["to"]
                if shown["event"] == "error":
                    assert shown["code"] and shown["message"]
                assert as_text(delivery, said.events).startswith("[")

    asyncio.run(play())
