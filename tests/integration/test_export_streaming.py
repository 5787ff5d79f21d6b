"""R2: a year of sessions is exported page by page, written as it is read, never held whole."""

from __future__ import annotations

import json
from typing import Any

from adapters.persistence import mapping
from adapters.persistence.history import PagedHistory
from adapters.records.export import ROWS_PER_CHUNK, export_chunks
from core import commands as c
from core import rules
from core.room import Room
from tests.integration.stage import ROOM, arrive, start_process

DAYS = 365
SPEAKERS = ("ann", "ben", "cid", "dee")
DAY = 86_400.0


def a_year_of_sessions(room_id: int) -> list[dict[str, Any]]:
    """Log a daily session for a year through the real rules: each speaker asks, is brought up, speaks, leaves."""
    room = Room(ROOM)
    host = c.Actor("host", moderator=True)
    rows: list[dict[str, Any]] = []

    def run(command: c.Command, at: float) -> None:
        events = [e for e in rules.handle(room, command, at) if not e.is_reply]
        rows.extend(mapping.event_params(e, room_id, at, command.actor.user or None) for e in events)

    for user in ("host", *SPEAKERS):
        run(c.Arrive(c.Actor(user)), 0.0)
    for day in range(DAYS):
        at = day * DAY
        run(c.StartSession(host, "request"), at)
        for index, user in enumerate(SPEAKERS):
            run(c.AskToJoin(c.Actor(user)), at + 1)
            run(c.BringToStage(host, user), at + 2 + index)  # waits 1, 2, 3 and 4 s
            run(c.JoinStage(c.Actor(user)), at + 10)
        for index, user in enumerate(SPEAKERS):
            run(c.Leave(c.Actor(user)), at + 10 + 60 * (index + 1))  # 60, 120, 180 and 240 s on stage
            run(c.Arrive(c.Actor(user)), at + 300)
        run(c.EndSession(host), at + 400)
    return rows


async def test_R2_a_year_of_sessions_is_read_in_bounded_pages_and_written_as_it_is_read(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await arrive(process, "host")  # the room's row
        history = PagedHistory(process.store, page_size=100)
        room_id = await history.room_id(ROOM)
        assert room_id is not None
        rows = a_year_of_sessions(room_id)
        async with process.store.connection() as connection:
            await connection.finish(lambda run: run.many(process.store.statements.append_event, rows))
        total = len(rows)
        assert total > 6_000

        chunks = export_chunks(process.store, ROOM, None, None, "json", DAYS * DAY, history=history)
        first = await chunks.__anext__()
        # One chunk out, and only the pages it needed were read: the rest of the year is still in the database.
        assert len(first.splitlines()) == ROWS_PER_CHUNK
        assert history.pages_read <= ROWS_PER_CHUNK // history.page_size + 1
        assert history.rows_read <= history.pages_read * history.page_size < total // 20

        people: list[dict[str, Any]] = []
        sizes: list[int] = []

        def take(chunk: str) -> None:
            lines = chunk.splitlines()
            sizes.append(len(lines))
            people.extend(r for r in map(json.loads, lines) if r["record"] == "person")

        take(first)
        async for chunk in chunks:
            take(chunk)
        events = sum(sizes) - len(people)

        assert history.rows_read == total == events
        assert history.largest_page == history.page_size
        assert history.pages_read == total // history.page_size + 1
        assert max(sizes) <= ROWS_PER_CHUNK
        assert len(people) == DAYS * len(SPEAKERS)
        assert {p["session"] for p in people} == set(range(1, DAYS + 1))
        last = [{k: p[k] for k in ("user", "stage_seconds", "waited_seconds")} for p in people if p["session"] == DAYS]
        assert last == [
            {"user": "dee", "stage_seconds": 240, "waited_seconds": 4},
            {"user": "cid", "stage_seconds": 180, "waited_seconds": 3},
            {"user": "ben", "stage_seconds": 120, "waited_seconds": 2},
            {"user": "ann", "stage_seconds": 60, "waited_seconds": 1},
        ]
    finally:
        await process.close()


async def test_R2_a_range_late_in_a_long_log_reads_only_from_its_start(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await arrive(process, "host")
        history = PagedHistory(process.store, page_size=50)
        room_id = await history.room_id(ROOM)
        assert room_id is not None
        rows = a_year_of_sessions(room_id)
        async with process.store.connection() as connection:
            await connection.finish(lambda run: run.many(process.store.statements.append_event, rows))

        since, until = (DAYS - 2) * DAY + 30, (DAYS - 1) * DAY  # inside the next-to-last session, to its end
        text = "".join(
            [chunk async for chunk in export_chunks(process.store, ROOM, since, until, "json", 0.0, history=history)]
        )
        found = [json.loads(line) for line in text.splitlines()]

        assert {r["session"] for r in found} == {DAYS - 1}
        assert len([r for r in found if r["record"] == "person"]) == len(SPEAKERS)
        per_session = len(rows) // DAYS
        assert history.rows_read <= 2 * per_session + history.page_size  # not the year before it
    finally:
        await process.close()
