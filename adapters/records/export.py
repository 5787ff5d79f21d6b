"""R2: a channel's history and per-session R1 figures, as CSV or JSON Lines chunks, streamed.

One code path for every place an export is asked for: the `stagedoor export`
command now, the Slack and Discord `/stage export` later. `export_chunks(store,
key, since, until, format, now)` yields text chunks as the log is read, page by
page, so nothing grows with the size of the history but one session's people.

What is written (docs/records.md): one record per logged event in [since, until),
and, after each session's last event, one record per person of that session with
the figures `stats` gives (R1), folded from the session's whole log.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from adapters.persistence.history import DEFAULT_PAGE, PagedHistory
from adapters.persistence.sql import SqlStore
from adapters.records.errors import UnknownChannel, UnknownFormat
from core.events import SessionStarted
from core.history import SessionLog, person_of
from core.room import RoomKey

__all__ = ["COLUMNS", "FORMATS", "export_chunks", "export_records", "iso_time"]

FORMATS = ("csv", "json")
# The CSV header, in order; an event row leaves the figures empty, a person row the event's columns.
COLUMNS = (
    "record", "session", "id", "at", "ended_at", "actor", "event", "user", "payload",
    "stage_seconds", "joins", "requests", "declined", "waited_seconds",
)  # fmt: skip
FIGURES = ("stage_seconds", "joins", "requests", "declined", "waited_seconds")
ROWS_PER_CHUNK = 200  # records joined into one chunk: fewer, larger writes without holding much


def iso_time(at: float | None) -> str | None:
    """Return a logged time as ISO 8601 in UTC, to the millisecond (None stays None)."""
    if at is None:
        return None
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _person_records(session: SessionLog, now: float) -> Iterable[dict[str, Any]]:
    ended = iso_time(session.ended_at)
    for figures in session.people(now if session.ended_at is None else session.ended_at):
        yield {
            "record": "person",
            "session": session.number,
            "at": iso_time(session.started_at),
            "ended_at": ended,
            **figures,
        }


async def export_records(
    history: PagedHistory, key: RoomKey, since: float | None, until: float | None, now: float
) -> AsyncIterator[dict[str, Any]]:
    """Yield the export's records for a channel and range, oldest first, reading the log lazily.

    A session overlapping the range has its figures counted over its whole log; a session
    still live when the log ends counts a running stint up to `now`, as `stats` would.
    """
    room_id = await history.room_id(key)
    if room_id is None:
        raise UnknownChannel(key.platform, key.workspace, key.channel)
    start = await history.start(room_id, since)
    number = start.sessions
    session: SessionLog | None = None
    async for page in history.events(room_id, start.after):
        before = since is not None and page.at < since  # read only to count a session running at `since`
        after = until is not None and page.at >= until  # read only to finish counting a session
        if isinstance(page.event, SessionStarted):
            if after:
                break  # a session starting after the range is not this export's
            if session is not None:  # a start without an end before it: close the figures there
                for record in _person_records(session, page.at):
                    yield record
            number += 1
            session = SessionLog(number, page.at)
        elif session is None and after:
            break  # past the range, with no session left to count
        if session is not None:
            session.apply(page.at, page.event)
        if not before and not after:
            yield {
                "record": "event",
                "session": session.number if session is not None else None,
                "id": page.id,
                "at": iso_time(page.at),
                "actor": page.actor,
                "event": page.event.name,
                "user": person_of(page.event),
                "payload": page.event.as_dict(),
            }
        if session is not None and not session.live:
            for record in _person_records(session, now):
                yield record
            session = None
    if session is not None:  # still live (or live at the end of the range): figures up to now
        for record in _person_records(session, now):
            yield record


def _csv_text(records: list[dict[str, Any]], header: bool) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, extrasaction="raise", lineterminator="\r\n")
    if header:
        writer.writeheader()
    for record in records:
        row = dict(record)
        if "payload" in row:
            row["payload"] = json.dumps(row["payload"], ensure_ascii=False, sort_keys=True)
        writer.writerow(row)
    return buffer.getvalue()


def _json_text(records: list[dict[str, Any]], header: bool) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


_ENCODERS: dict[str, Callable[[list[dict[str, Any]], bool], str]] = {"csv": _csv_text, "json": _json_text}


async def export_chunks(
    store: SqlStore,
    key: RoomKey,
    since: float | None,
    until: float | None,
    format: str,
    now: float,
    *,
    page_size: int = DEFAULT_PAGE,
    history: PagedHistory | None = None,
) -> AsyncIterator[str]:
    """Yield a channel's export as text chunks (CSV with a header, or JSON Lines) as the log is read."""
    encode = _ENCODERS.get(format)
    if encode is None:
        raise UnknownFormat(format)
    reader = history or PagedHistory(store, page_size)
    batch: list[dict[str, Any]] = []
    header = format == "csv"
    async for record in export_records(reader, key, since, until, now):
        batch.append(record)
        if len(batch) >= ROWS_PER_CHUNK:
            yield encode(batch, header)
            batch, header = [], False
    if batch or header:  # a CSV export of nothing is still its header
        yield encode(batch, header)
