"""Processes that start at once on an empty database all migrate it, one after another, and all start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.connect import alembic_config
from tests.integration.stage import empty_postgres_schema

REPO = Path(__file__).resolve().parents[2]
PROCESSES = 6


def _start_together(url: str) -> list[subprocess.CompletedProcess[str]]:
    """Start `stagedoor migrate --db URL` several times at once; return how each ended."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
    environment["PYTHONPATH"] = str(REPO)
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "migrate", "--db", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=environment,
        )
        for _ in range(PROCESSES)
    ]
    ended = []
    for process in started:
        out, err = process.communicate(timeout=120)
        ended.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return ended


async def _versions(url: str) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_processes_started_at_once_on_an_empty_postgresql_database_all_migrate_it_and_exit_0(
    postgres_url: str,
) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    for _ in range(3):  # each round is a fresh race on an empty database
        await empty_postgres_schema(postgres_url)
        ended = _start_together(postgres_url)
        failures = [(p.returncode, p.stderr.strip()) for p in ended if p.returncode != 0]
        assert failures == []
        assert all("the database is up to date" in p.stdout for p in ended)
        assert await _versions(postgres_url) == [head]


async def test_processes_started_at_once_on_a_new_sqlite_file_all_migrate_it_and_exit_0(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stagedoor.db'}"
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    ended = _start_together(url)
    assert [(p.returncode, p.stderr.strip()) for p in ended if p.returncode != 0] == []
    assert await _versions(url) == [head]
