"""A script played a chunk at a time prints, byte for byte, what it prints line by line (X3: durable first)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from adapters.console import Console, Roles, VirtualClock, play_lines
from adapters.console.render import as_json, deliveries
from adapters.console.runner import ROOM
from adapters.console.script import play_script
from adapters.persistence.sql import SqlStore, SqlUnitOfWork, StoreUnavailable
from benchmarks.console_rate import script
from core import commands as c
from core.events import ErrorReply, StatsReply, StatusReply
from core.service import StageService, StoreBusy

REPO = Path(__file__).resolve().parents[2]
ROLES = Roles(moderators=frozenset({"mod"}), admins=frozenset({"host"}))
START = 1_700_000_000.0
# Timed turns that warn and hand over on their own, invitations that expire, waits long and short:
# timers fire inside chunks, at the moments their lines would have met them.
TIMED = [
    "host: /stage turn 20",
    "host: /stage advance on",
    "host: /stage expiry 30",
    "host: /stage start request",
    *[
        line
        for n in range(40)
        for line in (
            f"p{n}: /stage ask turn {n}",
            "host: /stage next" if n % 3 else f"host: /stage approve p{n}",
            f"p{n}: /stage join",
            f"@p{n}: (speaks)",
            f"(wait {n % 7 * 4 + 1})",
            f"host: /stage invite q{n}",
            "host: /stage status" if n % 5 == 0 else "# a comment, then a blank line",
            "",
            f"q{n}: /stage decline" if n % 2 else "(wait 31)",
            f"p{n}: (leaves)",
            "nonsense without a colon",
            f"p{n}: /stage hand",
        )
    ],
    "host: /stage stats",
    "host: /stage end",
]


class FailingCommit:
    """Units of work over the real store whose `fail_at`-th commit raises `error` (a fault, once)."""

    def __init__(self, store: SqlStore, error: Exception, fail_at: int) -> None:
        self.store = store
        self.error = error
        self.fail_at = fail_at
        self.commits = 0

    def __call__(self) -> _Failing:
        return _Failing(self)


class _Failing:
    def __init__(self, owner: FailingCommit) -> None:
        self._owner = owner
        self._inner: SqlUnitOfWork = owner.store.unit_of_work()

    async def __aenter__(self) -> _Failing:
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._inner.__aexit__(kind, error, tb)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def commit(self) -> None:
        self._owner.commits += 1
        if self._owner.commits == self._owner.fail_at:
            raise self._owner.error
        await self._inner.commit()


async def _play(
    url: str,
    lines: list[str],
    json_lines: bool,
    by_line: bool,
    fault: Callable[[SqlStore], FailingCommit] | None = None,
    printed: list[str] | None = None,
) -> tuple[list[str], list[tuple[str, float, str | None, str]]]:
    """Play lines on a database (line by line, or as a script); return the output and the room's log."""
    printed = [] if printed is None else printed
    clock = VirtualClock(START)
    store = await SqlStore.open(url, migrate=True)
    try:
        unit_of_work = fault(store) if fault is not None else store.unit_of_work
        console = Console(StageService(unit_of_work, clock), store, clock, ROLES)
        try:
            await play_lines(console, lines, printed.append, json_lines, (lambda: None) if by_line else None)
        finally:
            log = [(i.event.name, i.at, i.actor, json.dumps(i.event.as_dict())) for i in await store.history(ROOM)]
    finally:
        await store.close()
    return printed, log


def _scripts() -> dict[str, list[str]]:
    return {
        "webinar": (REPO / "examples" / "webinar.stage").read_text().splitlines(),
        "townhall": (REPO / "examples" / "townhall.stage").read_text().splitlines(),
        "benchmark": script(700),  # past one chunk: several groups, each read back from the log
        "timed": TIMED,
    }


@pytest.mark.parametrize("json_lines", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("name", sorted(_scripts()))
async def test_X3_a_script_played_in_chunks_prints_and_logs_exactly_what_playing_it_line_by_line_does(
    tmp_path: Path, name: str, json_lines: bool
) -> None:
    lines = _scripts()[name]
    by_line = await _play(f"sqlite+aiosqlite:///{tmp_path / 'lines.db'}", lines, json_lines, by_line=True)
    chunked = await _play(f"sqlite+aiosqlite:///{tmp_path / 'chunks.db'}", lines, json_lines, by_line=False)
    assert by_line[0], "the script printed something"
    assert chunked[0] == by_line[0]
    assert chunked[1] == by_line[1]  # the same events, at the same moments, by the same people


async def test_X3_chunks_on_postgresql_print_what_line_by_line_prints(database_url: str, tmp_path: Path) -> None:
    lines = TIMED
    reference = await _play(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}", lines, True, by_line=True)
    assert (await _play(database_url, lines, True, by_line=False)) == reference


async def test_X3_a_chunk_whose_group_is_only_tried_again_is_played_again_line_by_line_with_the_same_output(
    tmp_path: Path,
) -> None:
    lines = script(700)
    reference = await _play(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}", lines, True, by_line=True)

    def conflict(store: SqlStore) -> FailingCommit:  # the second chunk's commit loses a race, once
        return FailingCommit(store, StoreBusy("serialization failure"), fail_at=2)

    played = await _play(f"sqlite+aiosqlite:///{tmp_path / 'retried.db'}", lines, True, False, conflict)
    assert played == reference  # nothing applied twice, nothing at another line's moment


async def test_X3_a_chunk_that_cannot_commit_prints_nothing_of_itself_and_stops_with_the_stores_error(
    tmp_path: Path,
) -> None:
    lines = script(700)
    reference, _ = await _play(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}", lines, True, by_line=True)
    url = f"sqlite+aiosqlite:///{tmp_path / 'failing.db'}"
    printed: list[str] = []

    def lost(store: SqlStore) -> FailingCommit:  # the database fails during the second chunk's commit
        return FailingCommit(store, StoreUnavailable("The database stopped working"), fail_at=2)

    with pytest.raises(StoreUnavailable, match="stopped working"):
        await _play(url, lines, True, False, lost, printed)
    store = await SqlStore.open(url, migrate=True)
    try:
        log = await store.history(ROOM)
    finally:
        await store.close()
    assert printed and len(printed) < len(reference)  # the first chunk was printed, the second was not
    assert printed == reference[: len(printed)]
    # What was printed of the state is exactly what the log holds: the first chunk, nothing of the second.
    replies = {ErrorReply.name, StatusReply.name, StatsReply.name}
    assert [line for line in printed if json.loads(line)["event"] not in replies] == [
        as_json(delivery) for item in log for delivery in deliveries(item.event)
    ]


async def test_X3_events_another_process_logged_in_the_room_are_printed_with_the_line_that_reads_them(
    tmp_path: Path,
) -> None:
    lines = script(400)

    async def played(by_line: bool) -> list[str]:
        url = f"sqlite+aiosqlite:///{tmp_path / f'{by_line}.db'}"
        printed: list[str] = []
        clock = VirtualClock(START)
        store, other = await SqlStore.open(url, migrate=True), await SqlStore.open(url, migrate=True)
        try:
            console = Console(StageService(store.unit_of_work, clock), store, clock, ROLES)
            await console.catch_up()

            async def play(part: list[str]) -> None:
                if by_line:
                    saids = [[await console.play(line)] for line in part]
                else:
                    saids = [chunk async for chunk in play_script(console, part)]
                printed.extend(as_json(d) for chunk in saids for said in chunk for d in said.deliveries)

            await play(lines[:3])  # the session starts
            # Another process (a second console on the same database) raises a hand in the room.
            visitor = StageService(other.unit_of_work, lambda: START + 0.5)
            await visitor.handle(ROOM, c.RaiseHand(c.Actor("visitor")), after=[c.Arrive(c.Actor("visitor"))])
            await play(lines[3:])
            await console.settle()
        finally:
            await store.close()
            await other.close()
        return printed

    by_line = await played(True)
    assert any('"visitor"' in line for line in by_line)
    assert await played(False) == by_line
