"""Open a database by URL and bring its schema up to date, failing with one clear line.

Alembic is imported only when a database needs it (an older revision, or one Alembic must explain):
a database at head, or an empty one, is dealt with by adapters/persistence/schema.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import aiosqlite

from adapters.persistence.database import Checkpointer, Database, EngineDatabase, SqliteDatabase
from adapters.persistence.errors import StoreUnavailable, is_read_only, one_line
from adapters.persistence.schema import at_head

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import URL, Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["DatabaseOptions", "OpenDatabase", "StoreUnavailable", "describe", "one_line", "open_database"]

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",  # wait for another process's write instead of failing at once (see lock_timeout)
    "PRAGMA synchronous=NORMAL",  # durable at checkpoints; WAL keeps the file consistent
    "PRAGMA foreign_keys=ON",
    "PRAGMA wal_autocheckpoint=10000",  # checkpoint every ~40 MB of log: hot pages are copied once, not per 4 MB
)
URL_HINT = "Set STAGEDOOR_DATABASE_URL to sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB."


@dataclass(frozen=True)
class DatabaseOptions:
    """How long the store waits before answering "busy" (STAGEDOOR_DB_LOCK_TIMEOUT, ..._STATEMENT_TIMEOUT)."""

    lock_timeout: float = 5.0  # seconds waiting for a lock another connection holds (SQLite: busy_timeout)
    statement_timeout: float = 30.0  # seconds one statement may run (PostgreSQL only)

    def postgresql_settings(self) -> dict[str, str]:
        """Return the per-connection server settings: every wait bounded, each statement planned once."""
        return {
            "lock_timeout": _milliseconds(self.lock_timeout),
            "statement_timeout": _milliseconds(self.statement_timeout),
            # The store's statements find rows by key or through an index whatever the values, so one plan
            # per prepared statement serves: PostgreSQL's "auto" planned the command's write afresh on
            # every execution (its arrays' sizes change), a quarter of a command's time.
            "plan_cache_mode": "force_generic_plan",
        }


def _milliseconds(seconds: float) -> str:
    return f"{max(1, round(seconds * 1000))}ms"  # 0 would mean "wait for ever" to PostgreSQL


class OpenDatabase:
    """A database ready for the store: where to borrow connections, and the engine migrations use.

    SQLite's store never uses the engine (its steps run on the sqlite3 connection), so it is made on
    first use: SQLAlchemy's async engine brings its ORM with it, ≈ 0.09 s of the console's start (issue 13).
    """

    def __init__(
        self,
        database: Database,
        dialect: str,
        *,
        engine: AsyncEngine | None = None,
        make_engine: Callable[[], AsyncEngine] | None = None,
        close_driver: aiosqlite.Connection | None = None,
    ) -> None:
        self.database = database
        self.dialect = dialect  # "sqlite" or "postgresql"
        self.close_driver = close_driver  # SQLite: the one connection, closed with the store
        self._engine = engine
        self._make_engine = make_engine

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy async engine, made now if it was not yet."""
        if self._engine is None:
            if self._make_engine is None:
                raise ValueError("an OpenDatabase needs an engine or a way to make one")
            self._engine = self._make_engine()
        return self._engine

    async def dispose_engine(self) -> None:
        """Close the engine's connections, if it was ever made."""
        if self._engine is not None:
            await self._engine.dispose()


# A plain SQLite file's URL: no query, no percent-escape, neither a "file:" URI nor ":memory:". The console's
# and most SQLite URLs are plain, and read here exactly as SQLAlchemy reads them (tests/integration/
# test_opening.py compares the two), so the SQLite store starts without importing SQLAlchemy (≈ 0.2 s);
# every other URL is SQLAlchemy's to read, as it always was.
_PLAIN_SQLITE = re.compile(r"(sqlite(?:\+aiosqlite)?):///([^?%]+)")


@dataclass(frozen=True)
class SqliteFile:
    """A SQLite database to open: the file name (or URI) sqlite3 is given, and the URL as messages show it."""

    path: str
    uri: bool  # `path` is a SQLite URI (file:...?mode=ro)
    shown: str


def plain_sqlite(url: str) -> SqliteFile | None:
    """Return the SQLite file a plain SQLite URL names, as SQLAlchemy would read it; None for any other URL."""
    found = _PLAIN_SQLITE.fullmatch(url)
    if found is None or found[2].startswith("file:") or found[2] == ":memory:":
        return None
    return SqliteFile(os.path.abspath(found[2]), False, "sqlite+aiosqlite:///" + found[2])


def describe(url: str | URL) -> str:
    """Return a URL fit to print: no password."""
    if isinstance(url, str) and plain_sqlite(url) is not None:
        return url  # what SQLAlchemy's rendering, unquoted, gives back for it
    from sqlalchemy import make_url

    try:
        parsed = make_url(url)
        shown = parsed.render_as_string(hide_password=True)
        # SQLite's "file:" URIs read better as typed than percent-encoded.
        return unquote(shown) if parsed.get_backend_name() == "sqlite" else shown
    except Exception:
        return str(url).split("@")[-1]


def normalise_url(url: str) -> URL:
    """Parse a URL and choose the async driver for it (plain sqlite:// and postgresql:// are accepted)."""
    from sqlalchemy import make_url

    try:
        parsed = make_url(url)
    except Exception as error:
        reason = one_line(error)
        raise StoreUnavailable(f"Cannot read the database URL '{describe(url)}': {reason}. {URL_HINT}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise StoreUnavailable(f"Cannot open the database {describe(url)}: '{backend}' is not supported. {URL_HINT}")


async def open_database(url: str, options: DatabaseOptions | None = None) -> OpenDatabase:
    """Connect to the database a URL names, or raise StoreUnavailable."""
    target: SqliteFile | URL = plain_sqlite(url) or normalise_url(url)  # SQLAlchemy reads every other URL
    options = options or DatabaseOptions()
    sqlite = isinstance(target, SqliteFile) or target.get_backend_name() == "sqlite"
    try:
        if isinstance(target, SqliteFile):
            return await _open_sqlite(target, options)
        if sqlite:
            return await _open_sqlite(_sqlite_file(target), options)
        return await _open_postgresql(target, options)
    except StoreUnavailable:
        raise
    except Exception as error:
        if sqlite:
            hint = "Check the path (a SQLite file stagedoor may create and write), or choose another URL."
        else:
            hint = "Check that the server is running and the database and user exist, or choose another URL."
        shown = target.shown if isinstance(target, SqliteFile) else describe(target)
        raise StoreUnavailable(f"Cannot open the database {shown}: {one_line(error)}. {hint}") from None


def sqlite_target(url: URL) -> tuple[str, bool]:
    """Return the filename to open and whether it is a SQLite URI (file:...?mode=ro keeps its query)."""
    from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

    if (url.database or "").startswith("file:") and "uri" not in url.query:
        url = url.update_query_dict({"uri": "true"})
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    return str(args[0]), bool(kwargs.get("uri", False))


def _sqlite_file(url: URL) -> SqliteFile:
    path, uri = sqlite_target(url)
    return SqliteFile(path, uri, describe(url))


async def _open_sqlite(target: SqliteFile, options: DatabaseOptions) -> OpenDatabase:
    path, uri = target.path, target.uri
    if path != ":memory:" and not uri:
        if Path(path).is_dir():
            raise StoreUnavailable(
                f"Cannot open the database {target.shown}: {path} is a directory, not a SQLite file. "
                "Name a file inside it (e.g. sqlite+aiosqlite:///DIR/stagedoor.db), or choose another URL."
            )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Autocommit at the driver: the store says BEGIN IMMEDIATE itself when it is about to write. The store
    # runs its steps on the loop's thread with the sqlite3 connection aiosqlite opened (handed back by the
    # factory), and migrations go through aiosqlite's thread on the very same connection.
    opened: list[sqlite3.Connection] = []
    driver = aiosqlite.connect(path, isolation_level=None, uri=uri, check_same_thread=False, factory=_recording(opened))
    try:
        await driver
    except BaseException:
        # aiosqlite stops its worker thread after a failed connect; wait for it while the loop still runs,
        # or the thread reports into a closed loop ("Event loop is closed") as the program exits.
        await asyncio.get_running_loop().run_in_executor(None, driver._thread.join, 5)
        raise
    try:
        journal = ""
        for pragma in SQLITE_PRAGMAS:
            if pragma.startswith("PRAGMA busy_timeout"):
                pragma = f"PRAGMA busy_timeout={max(1, round(options.lock_timeout * 1000))}"
            async with driver.execute(pragma) as cursor:
                row = await cursor.fetchone()
            if pragma.startswith("PRAGMA journal_mode") and row is not None:
                journal = str(row[0]).lower()
    except BaseException:
        await driver.close()
        raise
    # A database in memory has no log to checkpoint; a read-only one cannot be written back.
    checkpointer = Checkpointer(_rw_uri(path, uri)) if journal == "wal" and not _read_only(path, uri) else None

    async def same_connection() -> aiosqlite.Connection:
        return driver

    def make_engine() -> AsyncEngine:
        """Return an engine for Alembic (and schema checks) on the very same connection, so ":memory:" works too."""
        from sqlalchemy import event
        from sqlalchemy.ext.asyncio import create_async_engine
        from sqlalchemy.pool import StaticPool

        engine = create_async_engine("sqlite+aiosqlite://", async_creator=same_connection, poolclass=StaticPool)

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    database = SqliteDatabase(opened[0], target.shown, lock_timeout=options.lock_timeout, checkpointer=checkpointer)
    return OpenDatabase(database, "sqlite", make_engine=make_engine, close_driver=driver)


def _recording(opened: list[sqlite3.Connection]) -> type[sqlite3.Connection]:
    """Return a sqlite3 connection class that keeps each connection it makes in `opened`."""

    class Recorded(sqlite3.Connection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            opened.append(self)

    return Recorded


def _read_only(path: str, uri: bool) -> bool:
    return uri and "mode=ro" in path


def _rw_uri(path: str, uri: bool) -> str:
    """Return a URI that opens the same file for writing but never creates it (a vanished file stays gone)."""
    if uri:
        return path
    return "file:" + quote(str(Path(path).resolve())) + "?mode=rw"


async def _open_postgresql(url: URL, options: DatabaseOptions) -> OpenDatabase:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(
        url,
        # A connection the server ended (restart, pg_terminate_backend) is replaced as it is borrowed.
        pool_pre_ping=True,
        connect_args={"timeout": 10, "server_settings": options.postgresql_settings()},
    )
    try:
        async with engine.connect():
            pass  # fail now, with the reason, rather than at the first command
    except BaseException:
        await engine.dispose()
        raise
    return OpenDatabase(EngineDatabase(engine, describe(url)), "postgresql", engine=engine)


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config for the migrations package, wherever it is installed."""
    from alembic.config import Config

    import migrations

    config = Config()
    # __path__ rather than __file__: right for an installed, an editable and a source-tree package alike.
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    config.attributes["connection"] = connection
    return config


async def upgrade_to_head(opened: OpenDatabase, url: str) -> None:
    """Apply every migration not yet applied, or raise StoreUnavailable."""
    if await at_head(opened.dialect, lambda: opened.engine, opened.close_driver):
        return
    from alembic import command

    try:
        async with opened.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    except Exception as error:
        if is_read_only(error):
            hint = "It is read-only: give stagedoor a database it may write, or run `stagedoor migrate` where it can."
        else:
            hint = "Point STAGEDOOR_DATABASE_URL at a stagedoor database (or an empty one) and run `stagedoor migrate`."
        raise StoreUnavailable(
            f"Cannot bring the database {describe(url)} up to date: {one_line(error)}. {hint}"
        ) from None
