"""Issue 13: the console loads only what it uses — no platform library, and Alembic only for an older database."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence import snapshot
from adapters.persistence.connect import alembic_config
from tests.e2e.conftest import REPO

# What `stagedoor run` needs and the console does not; Alembic and its templates only upgrade old databases.
NOT_FOR_THE_CONSOLE = {"alembic", "mako", "migrations", "discord", "slack_bolt", "slack_sdk", "aiohttp", "asyncpg"}
SCRIPT = "host: /stage start\nana: /stage ask hello\nhost: /stage status\n"
# `stagedoor` in a process that, once it has finished, writes the names of every module it imported.
PROBE = """
import json, sys
from bot.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted({name.split(".")[0] for name in sys.modules}), out)
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


def test_issue13_the_console_on_a_fresh_database_imports_neither_alembic_nor_any_platform_library(
    tmp_path: Path,
) -> None:
    ended, imported = _console(tmp_path)
    assert (ended.returncode, ended.stderr) == (0, "")
    assert "[ana] You asked to join the stage" in ended.stdout
    assert imported & NOT_FOR_THE_CONSOLE == set()
    assert {"sqlalchemy", "aiosqlite", "adapters"} <= imported  # the probe does see what the console loads


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
