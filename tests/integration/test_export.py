"""R2: a channel's export, read from the stored event log on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from adapters.persistence.history import PagedHistory
from adapters.records.errors import UnknownChannel, UnknownFormat
from adapters.records.export import COLUMNS, FIGURES, export_chunks, iso_time
from core import commands as c
from core.events import StageLeft, StatsReply
from core.room import RoomKey
from tests.integration.stage import ADMIN, HOST, ROOM, Process, arrive, start_process

ANN, BOB, CID = c.Actor("ann"), c.Actor("ben"), c.Actor("cid")


async def export(process: Process, fmt: str = "json", **kwargs: Any) -> str:
    """Return a whole export of the room as text."""
    since, until = kwargs.pop("since", None), kwargs.pop("until", None)
    room = kwargs.pop("room", ROOM)
    chunks = export_chunks(process.store, room, since, until, fmt, process.clock(), **kwargs)
    return "".join([chunk async for chunk in chunks])


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def people(found: list[dict[str, Any]], session: int) -> list[dict[str, Any]]:
    """Return one session's person records as a `stats` reply lists its people."""
    return [
        {"user": r["user"], **{k: r[k] for k in FIGURES}}
        for r in found
        if r["record"] == "person" and r["session"] == session
    ]


async def stats(process: Process) -> list[dict[str, Any]]:
    (reply,) = [e for e in await process.do(c.Stats(HOST)) if isinstance(e, StatsReply)]
    return reply.people


async def play_first_session(process: Process) -> None:
    """A session with a wait, a decline, a J7 invitation, a removal, a timed turn and an eviction."""
    clock = process.clock
    await arrive(process, "ann", "ben", "cid", "dee")
    await process.do(c.SetCapacity(ADMIN, "2"))
    await process.do(c.SetTurn(ADMIN, "60"))
    await process.do(c.StartSession(HOST, "request"))
    await process.do(c.AskToJoin(ANN, "first"))
    clock.now += 4.4
    await process.do(c.BringToStage(HOST, "ann"))
    await process.do(c.JoinStage(ANN))
    await process.do(c.AskToJoin(BOB))
    clock.now += 2.5
    await process.do(c.DeclineRequest(HOST, "ben", reason="later"))
    await process.do(c.AskToJoin(CID))
    clock.now += 7.0
    await process.do(c.Invite(HOST, "cid"))  # J7: answers cid's request
    await process.do(c.JoinStage(CID))
    await process.do(c.RaiseHand(c.Actor("dee")))
    # T1: ann's turn ends at 1064.4 and both warnings fall due before it, but the next tick comes at 1070,
    # late as a platform's periodic tick may be: each is still logged at its own due time (T4, R2).
    clock.now = 1070.0
    await process.do(c.Tick(c.Actor("")))
    clock.now += 3.0
    await process.do(c.RemoveFromStage(HOST, "cid"))
    await process.do(c.ChangeMode(HOST, "open"))
    await process.do(c.JoinStage(BOB))
    await process.do(c.JoinStage(ANN))
    clock.now += 12.3
    await process.do(c.JoinStage(CID))
    await process.do(c.JoinStage(c.Actor("dee")))  # the stage holds 2: the quietest makes room
    clock.now += 9.6
    await process.do(c.EndSession(HOST))


async def test_R2_R1_the_export_s_figures_for_each_session_equal_the_stats_reply_for_it(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await play_first_session(process)
        first = await stats(process)
        assert [p["user"] for p in first] == ["ann", "cid", "ben", "dee"]
        logged = await process.store.history(ROOM)
        (ended,) = [e for e in logged if isinstance(e.event, StageLeft) and e.event.reason == "turn_ended"]
        assert (ended.at, ended.actor) == (1064.4, None)
        assert first[0]["stage_seconds"] > 60 and first[2]["declined"] == 1
        process.clock.now += 1000
        await process.do(c.StartSession(HOST, "open"))
        await process.do(c.JoinStage(BOB))
        process.clock.now += 41.7  # bob's stint is still running: both count it up to now
        second = await stats(process)

        found = records(await export(process))
        assert people(found, 1) == first
        assert (
            people(found, 2)
            == second
            == [{"user": "ben", "stage_seconds": 42, "joins": 1, "requests": 0, "declined": 0, "waited_seconds": 0}]
        )
        (live,) = {r["ended_at"] for r in found if r["record"] == "person" and r["session"] == 2}
        assert live is None
    finally:
        await process.close()


async def test_R2_every_logged_event_is_listed_with_its_time_actor_and_session(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.SetTurn(ADMIN, "90"))  # before any session: listed without one
        await play_first_session(process)
        logged = await process.store.history(ROOM)

        found = [r for r in records(await export(process)) if r["record"] == "event"]
        assert [(r["id"], r["at"], r["actor"], r["payload"]) for r in found] == [
            (item.id, iso_time(item.at), item.actor, item.event.as_dict()) for item in logged
        ]
        start = [r["event"] for r in found].index("session.started")
        assert {r["event"] for r in found[:start]} == {"settings.changed"}  # before any session: none named
        assert {r["session"] for r in found[:start]} == {None}
        assert {r["session"] for r in found[start:]} == {1}
        assert found[-1]["event"] == "session.ended"
    finally:
        await process.close()


async def test_R2_a_range_lists_its_events_and_counts_each_session_it_touches_over_the_whole_session(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    clock = process.clock
    try:
        await arrive(process, "ann", "ben")
        figures = []
        for gap in (100.0, 200.0, 300.0):  # three sessions, each with ann on stage for `gap` seconds
            await process.do(c.StartSession(HOST, "open"))
            clock.now += 1
            await process.do(c.JoinStage(ANN))
            clock.now += gap
            await process.do(c.EndSession(HOST))
            figures.append(await stats(process))
            clock.now += 1000
        logged = await process.store.history(ROOM)
        second_start, second_join = logged[4].at, logged[5].at

        # From inside the first session to the second session's start: the first's end, and the second whole.
        found = records(await export(process, since=logged[1].at + 1, until=second_join))
        events = [r for r in found if r["record"] == "event"]
        assert [r["id"] for r in events] == [logged[2].id, logged[3].id, logged[4].id]
        assert people(found, 1) == figures[0] and people(found, 2) == figures[1]
        assert people(found, 3) == []

        # Until the second session starts (until is excluded): only the first session.
        found = records(await export(process, until=second_start))
        assert [r["id"] for r in found if r["record"] == "event"] == [e.id for e in logged[:4]]
        assert {r["session"] for r in found if r["record"] == "person"} == {1}

        # After every session: nothing.
        assert await export(process, since=clock.now + 1) == ""
    finally:
        await process.close()


async def test_R2_the_csv_has_the_documented_columns_and_the_same_records_as_the_json(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await play_first_session(process)
        rows = list(csv.DictReader(io.StringIO(await export(process, "csv"), newline="")))
        found = records(await export(process, "json"))

        assert list(rows[0]) == list(COLUMNS)
        assert len(rows) == len(found)
        for row, record in zip(rows, found, strict=True):
            assert row["record"] == record["record"] and row["user"] == (record["user"] or "")
            if record["record"] == "event":
                assert json.loads(row["payload"]) == record["payload"] and row["at"] == record["at"]
                assert row["stage_seconds"] == ""
            else:
                assert [int(row[k]) for k in FIGURES] == [record[k] for k in FIGURES]
    finally:
        await process.close()


async def test_R2_an_unknown_channel_or_format_is_refused_before_anything_is_written(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        chunks = export_chunks(process.store, RoomKey("slack", "T1", "C404"), None, None, "csv", 0.0)
        with pytest.raises(UnknownChannel, match="no channel slack:T1:C404 in this database; check the key"):
            await chunks.__anext__()
        with pytest.raises(UnknownFormat, match="use csv or json"):
            await export_chunks(process.store, ROOM, None, None, "xml", 0.0).__anext__()
        # A channel with nothing logged yet exports a CSV header alone, and an empty JSON Lines file.
        quiet = RoomKey("slack", "T1", "quiet")
        await arrive(process, "ann", room=quiet)  # stored, with nothing logged
        assert await export(process, "csv", room=quiet) == ",".join(COLUMNS) + "\r\n"
        assert await export(process, "json", room=quiet) == ""
        history = PagedHistory(process.store)
        assert await history.room_id(RoomKey("slack", "T1", "C404")) is None
    finally:
        await process.close()


async def test_T4_R2_a_late_tick_logs_each_timer_s_events_at_its_own_due_time_by_nobody(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await arrive(process, "ann")
        await process.do(c.SetTurn(ADMIN, "60"))
        await process.do(c.StartSession(HOST, "open"))
        await process.do(c.JoinStage(ANN))  # at 1000: warned at 1030, off at 1060
        process.clock.now = 1500.0
        events = await process.do(c.Status(ANN))  # whoever acts next fires them, long after

        assert [e.name for e in events] == ["turn.warning", "stage.left", "status"]
        logged = [(item.at, item.actor, item.event.name) for item in await process.store.history(ROOM)][-2:]
        assert logged == [(1030.0, None, "turn.warning"), (1060.0, None, "stage.left")]
        assert (await stats(process))[0]["stage_seconds"] == 60
        assert people(records(await export(process)), 1) == await stats(process)
    finally:
        await process.close()
