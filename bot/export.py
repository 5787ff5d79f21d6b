"""`stagedoor export`: a channel's history and R1 figures (R2) to a file or standard output."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.settings import Settings

if TYPE_CHECKING:
    from core.room import RoomKey

__all__ = ["add_export", "run_export"]


class ExportRefused(Exception):
    """A one-line reason the export was not made (the CLI prints it and exits 2)."""


def add_export(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Describe `stagedoor export` and its options."""
    export: argparse.ArgumentParser = commands.add_parser(
        "export",
        help="write a channel's history and per-session figures as CSV or JSON Lines (R2)",
        description="Dates are ISO 8601 (2026-03-01, 2026-03-01T09:30, 2026-03-01T09:30+01:00), UTC unless an "
        "offset is given; --since is included, --until excluded, and a bare --until date takes in that whole day.",
    )
    export.add_argument("--channel", required=True, metavar="PLATFORM:WORKSPACE:CHANNEL", help="the channel's key")
    export.add_argument("--since", metavar="DATE", help="first moment to export (default: the beginning)")
    export.add_argument("--until", metavar="DATE", help="moment to stop before (default: now)")
    export.add_argument("--format", required=True, metavar="csv|json", help="csv, or json for JSON Lines")
    export.add_argument("--out", metavar="FILE", help="write to FILE (replaced only once complete); default stdout")
    export.add_argument("--db", metavar="URL", help="database URL (default: STAGEDOOR_DATABASE_URL or data/)")
    return export


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Check every option, then stream the export; refuse with one line and write nothing if any is wrong."""
    from adapters.persistence.sql import StoreUnavailable
    from adapters.records.errors import ExportError, UnknownFormat
    from adapters.records.export import FORMATS
    from adapters.records.options import parse_channel, parse_range
    from core.service import StoreBusy

    try:
        key = parse_channel(args.channel)
        since, until = parse_range(args.since, args.until)
        if args.format not in FORMATS:
            raise UnknownFormat(args.format)
        url = args.db or settings.resolved_database_url
        _require_sqlite_file(url)
        with _Output(args.out) as output:
            asyncio.run(_export(url, settings, key, since, until, args.format, output.stream))
            output.keep()
    except ExportError as error:
        raise ExportRefused(str(error)) from None
    except (StoreBusy, StoreUnavailable) as error:
        raise ExportRefused(str(error)) from None
    return 0


def _require_sqlite_file(url: str) -> None:
    """Refuse a SQLite path with no database there: an export never creates one."""
    from adapters.persistence.connect import plain_sqlite, sqlite_target

    plain = plain_sqlite(url)  # the usual SQLite URL, read without importing SQLAlchemy
    if plain is not None:
        path, uri = plain.path, plain.uri
    else:
        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(url)
        except Exception:  # the store's own opening says what is wrong with a URL
            return
        if parsed.get_backend_name() != "sqlite":
            return
        path, uri = sqlite_target(parsed)
    if path != ":memory:" and not uri and not Path(path).is_file():
        raise ExportRefused(f"there is no database at {path}; give the bot's database with --db URL")


async def _export(
    url: str, settings: Settings, key: RoomKey, since: float | None, until: float | None, format: str, out: TextIO
) -> None:
    from adapters.persistence.sql import SqlStore
    from adapters.records.export import export_chunks
    from bot.bootstrap import database_options

    store = await SqlStore.open(url, migrate=True, options=database_options(settings))
    try:
        chunks: AsyncIterator[str] = export_chunks(store, key, since, until, format, time.time())
        async for chunk in chunks:
            out.write(chunk)
        out.flush()
    finally:
        await store.close()


class _Output:
    """Standard output, or a temporary file beside --out that replaces it only when the export is complete."""

    def __init__(self, path: str | None) -> None:
        self._path = Path(path) if path is not None else None
        self._temporary: Path | None = None
        self._kept = False
        self.stream: TextIO = sys.stdout

    def __enter__(self) -> _Output:
        from adapters.records.errors import Unwritable

        if self._path is None:
            return self
        if self._path.is_dir():
            raise Unwritable(str(self._path), "it is a folder")
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self._path.name}.", dir=self._path.parent or Path("."))
        except OSError as error:
            raise Unwritable(str(self._path), error.strerror or str(error)) from None
        self._temporary = Path(name)
        self.stream = open(handle, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in __exit__)
        return self

    def keep(self) -> None:
        """Say the export is complete, so the file takes its place."""
        self._kept = True

    def __exit__(self, *exc_info: object) -> None:
        from adapters.records.errors import Unwritable

        if self._temporary is None:
            return
        self.stream.close()
        try:
            if self._kept:
                os.replace(self._temporary, self._path)  # type: ignore[arg-type]
                return
        except OSError as error:
            raise Unwritable(str(self._path), error.strerror or str(error)) from None
        finally:
            if self._temporary.exists():
                self._temporary.unlink()
