"""Issue 13: the console loads only what it uses — no platform library, and Alembic only for an older database."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence import snapshot
from adapters.persistence.connect import alembic_config
from tests.conftest import fresh_postgres_database
from tests.e2e.conftest import REPO

# What `stagedoor run` needs and the console does not; Alembic and its templates only upgrade old databases.
NOT_FOR_THE_CONSOLE = {"alembic", "mako", "migrations", "discord", "slack_bolt", "slack_sdk", "aiohttp", "asyncpg"}
# SQLite's store runs its statements' compiled text on the sqlite3 connection and reads plain SQLite URLs
# itself: no SQLAlchemy module at all (the probe lists each package's own name, so "sqlalchemy" is any of them).
NOT_ON_SQLITE = {"sqlalchemy", "sqlmodel"}
SCRIPT = "host: /stage start\nana: /stage ask hello\nhost: /stage status\n"
# `stagedoor` in a process that, once it has finished, writes the names of every module it imported
# (each package's own name, and every module's full name).
PROBE = """
import json, sys
from bot.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted({name.split(".")[0] for name in sys.modules} | set(sys.modules)), out)
sys.exit(code)
"""


def _console(tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Play SCRIPT on `stagedoor console --admin host OPTIONS`; return how it ended and what it imported."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
    environment["PYTHONPATH"] = str(REPO)
    imported = tmp_path / "imported.json"
    ended = subprocess.run(
        [sys.executable, "-c", PROBE, str(imported), "console", "--admin", "host", *options],
        input=SCRIPT,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=60,
    )
    return ended, set(json.loads(imported.read_text(encoding="utf-8")))


def test_issue13_the_console_on_a_fresh_database_imports_neither_alembic_nor_sqlalchemy_nor_any_platform_library(
    tmp_path: Path,
) -> None:
    ended, imported = _console(tmp_path)
    assert (ended.returncode, ended.stderr) == (0, "")
    assert "[ana] You asked to join the stage" in ended.stdout
    assert imported & NOT_FOR_THE_CONSOLE == set()
    assert imported & NOT_ON_SQLITE == set()
    # The probe does see what the console loads, submodules too.
    assert {"aiosqlite", "adapters", "adapters.persistence.sqlite_sql"} <= imported


def test_issue13_the_console_on_an_up_to_date_database_imports_neither_alembic_nor_any_platform_library(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}"
    first, _ = _console(tmp_path, "--db", url)
    assert first.returncode == 0
    again, imported = _console(tmp_path, "--db", url)
    assert (again.returncode, again.stderr) == (0, "")
    assert "already" in again.stdout  # the second run found the first run's session and request
    assert imported & NOT_FOR_THE_CONSOLE == set()


def test_issue13_the_console_on_sqlite_imports_no_sqlalchemy_module_at_all_making_or_reopening_its_database(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}"
    made, imported_making = _console(tmp_path, "--db", url)
    assert (made.returncode, made.stderr) == (0, "")
    again, imported_again = _console(tmp_path, "--db", url)
    assert (again.returncode, again.stderr) == (0, "")
    assert "already" in again.stdout  # the second run found what the first one stored
    assert imported_making & NOT_ON_SQLITE == set()
    assert imported_again & NOT_ON_SQLITE == set()
    assert {"aiosqlite", "adapters.persistence.sqlite_sql"} <= imported_again  # the probe sees submodules too


@pytest.mark.postgres
def test_issue13_the_console_on_postgresql_still_runs_on_sqlalchemy_and_asyncpg_and_keeps_its_session(
    tmp_path: Path,
) -> None:
    async def database() -> str:
        async with fresh_postgres_database() as url:
            return url  # emptied now; this test is the only one using it until the next test empties it again

    url = asyncio.run(database())
    first, imported = _console(tmp_path, "--db", url)
    assert (first.returncode, first.stderr) == (0, "")
    assert "[ana] You asked to join the stage" in first.stdout
    again, _ = _console(tmp_path, "--db", url)
    assert (again.returncode, again.stderr) == (0, "")
    assert "already" in again.stdout  # the second run found what the first one stored
    assert {"sqlalchemy.engine", "sqlalchemy.ext.asyncio", "asyncpg"} <= imported
    assert imported & {"alembic", "discord", "slack_bolt", "aiohttp"} == set()


def test_issue13_the_console_on_a_database_of_an_older_revision_upgrades_it_through_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}"

    async def at_0005() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0005"))
        await engine.dispose()

    async def versions() -> list[str]:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            found = list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
        await engine.dispose()
        return found

    asyncio.run(at_0005())
    ended, imported = _console(tmp_path, "--db", url)
    assert (ended.returncode, ended.stderr) == (0, "")
    assert "alembic" in imported
    assert asyncio.run(versions()) == [snapshot.HEAD]
