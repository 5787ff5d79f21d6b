"""R2 on Slack: `/stage export [days]` sends an admin, only them, the channel's records as a CSV and a JSON file.

The files are written by the same code as `stagedoor export` (adapters/records/export.py), chunk by chunk
into temporary files: Slack's upload (files upload v2) needs each file's length before its bytes, and a
temporary file gives the length without holding a year of history in memory. The upload is Slack's three
steps: `files.getUploadURLExternal` (filename, length) for each file, a POST of the file's bytes to the URL
Slack returns (streamed from the temporary file), then one `files.completeUploadExternal` that shares both
files in the admin's DM with the app (`conversations.open`). Slack discards files that are never completed,
so a failure at any step leaves nothing posted: the admin gets one line saying what went wrong.

slack_sdk's `files_upload_v2` would do the same three steps, but it reads each file into memory whole and
its POST of the bytes skips the client's retry handlers; its two Web API methods are used as they are.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.persistence.sql import SqlStore, StoreUnavailable
from adapters.records.errors import ExportError, UnknownChannel
from adapters.records.export import FORMATS, export_chunks
from adapters.slack.client import error_code
from adapters.slack.kit import Message, words
from adapters.slack.notices import slack_failure
from core.room import RoomKey
from core.service import StoreBusy

log = logging.getLogger(__name__)

DAY = 86_400.0
DEFAULT_DAYS, MAX_DAYS = 30, 366  # a month unless asked; at most a year (the CLI exports any range)
EXTENSIONS = {"csv": "csv", "json": "jsonl"}
UPLOAD_TRIES = 3  # the bytes' POST: a 5xx, 429 or dropped connection is tried again, as the client's calls are
UPLOAD_BACKOFF = 0.5  # seconds before the second try; doubled for the third
UPLOAD_TIMEOUT = 120.0  # seconds for one file's bytes
RAW = {"Content-Type": "application/octet-stream"}  # Slack takes "raw bytes or ... multipart form encoded"

Chunks = Callable[[str], AsyncIterator[str]]  # format → the export's text chunks


def parse_days(text: str) -> int | str:
    """Return the days `/stage export` asks for, or what is wrong with them (a whole number 1 to MAX_DAYS)."""
    words_ = text.split()
    if not words_:
        return DEFAULT_DAYS
    if len(words_) > 1 or not words_[0].isdigit() or not 1 <= int(words_[0]) <= MAX_DAYS:
        return (
            f"`{text.strip()}` is not a number of days. Give a whole number from 1 to {MAX_DAYS}, for example "
            f"`/stage export 7`, or leave it out for the last {DEFAULT_DAYS} days."
        )
    return int(words_[0])


NOT_ADMIN = (
    ":no_entry_sign: Only admins can export this channel's records (not_admin). Ask a workspace admin or owner "
    "to run `/stage export`, or to make you an admin."
)
NO_DATABASE = (
    ":warning: Exports read the bot's database, and this bot runs without one. Run `stagedoor export` where it runs."
)
DATABASE_BUSY = ":warning: The bot's database could not be read just now, so nothing was sent. Try again in a minute."
NOTHING = ":information_source: Nothing has been recorded in <#{channel}> yet: start a session with `/stage start`."
ON_ITS_WAY = (
    ":package: Your export is on its way: the records of <#{channel}> for the last {days} days, as CSV and as "
    "JSON Lines, in your messages with the app."
)
COMMENT = "Records of <#{channel}>, the last {days} days: one row per event and per person per session (R2)."


class UploadRefused(Exception):
    """Slack's upload URL did not take a file's bytes."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Written:
    """One format of the export in a temporary file."""

    path: Path
    filename: str
    title: str
    length: int


async def write_files(chunks: Chunks, folder: Path, name: str) -> list[Written]:
    """Write each format of the export to its own file in `folder`; return them with their lengths."""
    written = []
    for fmt in FORMATS:
        filename = f"{name}.{EXTENSIONS[fmt]}"
        path = folder / filename
        length = 0
        with path.open("wb") as out:
            async for chunk in chunks(fmt):
                data = chunk.encode("utf-8")
                length += len(data)
                out.write(data)
        title = f"{name} ({'CSV' if fmt == 'csv' else 'JSON Lines'})"
        written.append(Written(path, filename, title, length))
    return written


async def post_bytes(url: str, file: Written, session: aiohttp.ClientSession) -> None:
    """POST a file's bytes, as raw bytes, to the upload URL Slack gave for it; Slack answers 200 when it took them."""
    for attempt in range(UPLOAD_TRIES):
        last = attempt == UPLOAD_TRIES - 1
        try:
            with file.path.open("rb") as body:  # streamed from the file, its length from the file's size
                async with session.post(url, data=body, headers=RAW) as response:
                    if response.status == 200:
                        return
                    reason = f"HTTP {response.status}"
                    if last or not (response.status == 429 or response.status >= 500):
                        raise UploadRefused(reason)
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            if last:
                raise UploadRefused(type(error).__name__) from None
        await asyncio.sleep(UPLOAD_BACKOFF * 2**attempt)


async def upload(client: AsyncWebClient, user: str, files: list[Written], comment: str) -> None:
    """Upload the files and share them, together, in the person's DM with the app (files upload v2)."""
    opened = await client.conversations_open(users=user)
    dm = str((opened.get("channel") or {}).get("id"))
    shared: list[dict[str, Any]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT)) as session:
        for file in files:
            got = await client.files_getUploadURLExternal(filename=file.filename, length=file.length)
            await post_bytes(str(got["upload_url"]), file, session)
            shared.append({"id": str(got["file_id"]), "title": file.title})
    # One completion for both: Slack shares them together, or neither (uncompleted uploads are discarded).
    await client.files_completeUploadExternal(files=shared, channel_id=dm, initial_comment=comment)


async def export_for(
    client: AsyncWebClient, store: SqlStore | None, key: RoomKey, user: str, days: int, now: float
) -> Message:
    """Send an admin the channel's export for the last `days` days; return the one line to answer them with."""
    if store is None:
        return words(NO_DATABASE)
    since = now - days * DAY

    def chunks(fmt: str) -> AsyncIterator[str]:
        return export_chunks(store, key, since, None, fmt, now)

    name = f"stagedoor-{key.channel}-last-{days}-days"
    with tempfile.TemporaryDirectory(prefix="stagedoor-export-") as folder:
        try:
            files = await write_files(chunks, Path(folder), name)
        except UnknownChannel:
            return words(NOTHING.format(channel=key.channel))
        except ExportError as error:
            return words(f":warning: The export cannot be made: {error.message}.")
        except (StoreBusy, StoreUnavailable) as error:
            log.warning("the database could not be read for an export in %s: %s", key, error)
            return words(DATABASE_BUSY)
        try:
            await upload(client, user, files, COMMENT.format(channel=key.channel, days=days))
        except SlackApiError as error:
            log.warning("Slack refused the export for %s in %s: %s", user, key, error_code(error))
            return words(slack_failure("upload the export", error_code(error)))
        except UploadRefused as error:
            log.warning("Slack's upload URL refused the export for %s in %s: %s", user, key, error.reason)
            return words(slack_failure("take the export's file", error.reason))
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("could not reach Slack to upload the export for %s: %s", user, type(error).__name__)
            return words(slack_failure("upload the export", "connection"))
    return words(ON_ITS_WAY.format(channel=key.channel, days=days))
