"""Open a database by URL and bring its schema up to date, failing with one clear line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

import migrations
from adapters.persistence.database import Database, EngineDatabase, SqliteDatabase

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",  # wait for another process's write instead of failing at once
    "PRAGMA synchronous=NORMAL",  # durable at checkpoints; WAL keeps the file consistent
    "PRAGMA foreign_keys=ON",
    "PRAGMA wal_autocheckpoint=10000",  # checkpoint every ~40 MB of log: hot pages are copied once, not per 4 MB
)
URL_HINT = "Set STAGEDOOR_DATABASE_URL to sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB."


class StoreUnavailable(Exception):
    """The database cannot be used; the message is one line: which URL, what went wrong, what to do."""


@dataclass
class OpenDatabase:
    """A database ready for the store: where to borrow connections, and the engine migrations use."""

    database: Database
    engine: AsyncEngine
    dialect: str  # "sqlite" or "postgresql"
    close_driver: Any = None


def one_line(error: BaseException) -> str:
    """Return the first line of an error's text, squeezed, without SQLAlchemy's "(driver.Error)" prefix."""
    text = str(error).strip().splitlines()
    line = " ".join(text[0].split()) if text else type(error).__name__
    return re.sub(r"^\([\w.]+\) ", "", line)


def describe(url: str | URL) -> str:
    """Return a URL fit to print: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return str(url).split("@")[-1]


def normalise_url(url: str) -> URL:
    """Parse a URL and choose the async driver for it (plain sqlite:// and postgresql:// are accepted)."""
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


async def open_database(url: str) -> OpenDatabase:
    """Connect to the database a URL names, or raise StoreUnavailable."""
    parsed = normalise_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return await _open_sqlite(parsed)
        return await _open_postgresql(parsed)
    except StoreUnavailable:
        raise
    except Exception as error:
        if parsed.get_backend_name() == "sqlite":
            hint = "Check the path (a SQLite file stagedoor may create and write), or choose another URL."
        else:
            hint = "Check that the server is running and the database and user exist, or choose another URL."
        raise StoreUnavailable(f"Cannot open the database {describe(parsed)}: {one_line(error)}. {hint}") from None


async def _open_sqlite(url: URL) -> OpenDatabase:
    path = url.database or ":memory:"
    if path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Autocommit at the driver: the store says BEGIN IMMEDIATE itself when it is about to write.
    driver = await aiosqlite.connect(path, isolation_level=None, uri=path.startswith("file:"))
    try:
        for pragma in SQLITE_PRAGMAS:
            await driver.execute(pragma)
    except BaseException:
        await driver.close()
        raise

    async def same_connection() -> aiosqlite.Connection:
        return driver

    # Migrations go through SQLAlchemy on the very same connection (so ":memory:" works too).
    engine = create_async_engine("sqlite+aiosqlite://", async_creator=same_connection, poolclass=StaticPool)

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return OpenDatabase(SqliteDatabase(driver), engine, "sqlite", close_driver=driver)


async def _open_postgresql(url: URL) -> OpenDatabase:
    engine = create_async_engine(url, connect_args={"timeout": 10})
    try:
        async with engine.connect():
            pass  # fail now, with the reason, rather than at the first command
    except BaseException:
        await engine.dispose()
        raise
    return OpenDatabase(EngineDatabase(engine), engine, "postgresql")


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config for the migrations package, wherever it is installed."""
    config = Config()
    # __path__ rather than __file__: right for an installed, an editable and a source-tree package alike.
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    config.attributes["connection"] = connection
    return config


async def upgrade_to_head(opened: OpenDatabase, url: str) -> None:
    """Apply every migration not yet applied, or raise StoreUnavailable."""
    try:
        async with opened.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    except Exception as error:
        raise StoreUnavailable(
            f"Cannot bring the database {describe(url)} up to date: {one_line(error)}. "
            "Point STAGEDOOR_DATABASE_URL at a stagedoor database (or an empty one) and run `stagedoor migrate`."
        ) from None
