"""Shared fixtures.

Databases: `database_url` runs a test once on SQLite (a file in tmp_path) and once on
PostgreSQL (a fresh database per test on the server at STAGEDOOR_TEST_POSTGRES_URL).
Without a reachable server the PostgreSQL run is skipped with the reason; with
CI=true it fails instead, loudly.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import make_url

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_server_url() -> str:
    """Return the URL of the PostgreSQL server the tests may use (its database is only a way in)."""
    return os.environ.get("STAGEDOOR_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


async def _admin_connection(url: str):  # type: ignore[no-untyped-def]
    import asyncpg

    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
        timeout=5,
    )


# One database per test run and server, emptied before each test (much faster than CREATE DATABASE per test).
_run_databases: dict[str, str] = {}


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """Give the URL of an empty PostgreSQL database (skip, or under CI=true fail, if the server is unreachable)."""
    server = postgres_server_url()
    try:
        admin = await _admin_connection(server)
    except Exception as error:
        reason = f"PostgreSQL at {make_url(server).render_as_string(hide_password=True)} is unreachable: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{reason}; set STAGEDOOR_TEST_POSTGRES_URL to run the PostgreSQL tests")
    try:
        name = _run_databases.get(server)
        if name is None:
            name = f"stagedoor_test_{uuid.uuid4().hex[:12]}"
            await admin.execute(f'CREATE DATABASE "{name}"')
            _run_databases[server] = name
    finally:
        await admin.close()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    emptier = await _admin_connection(url)
    try:
        await emptier.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await emptier.close()
    yield url


async def _drop_run_databases() -> None:
    for server, name in _run_databases.items():
        admin = await _admin_connection(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the databases this run made."""
    if _run_databases:
        asyncio.run(_drop_run_databases())


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """Yield the URL of a new, empty PostgreSQL database, dropped after the test."""
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """Yield a URL for an empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stagedoor.db'}"
    else:
        async with fresh_postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database migrated once per run; adapter tests start from copies (migrating takes seconds)."""
    from adapters.persistence.sql import SqlStore

    path = tmp_path_factory.mktemp("template") / "stagedoor.db"

    async def migrate() -> None:
        store = await SqlStore.open(f"sqlite+aiosqlite:///{path}", migrate=True)
        await store.close()

    asyncio.run(migrate())
    return path


async def open_store(path: Path, template: Path):  # type: ignore[no-untyped-def]
    """Open the real SQL store on the SQLite file at `path`, first copying the migrated template there if absent."""
    from adapters.persistence.sql import SqlStore

    if not path.exists():
        shutil.copyfile(template, path)
    return await SqlStore.open(f"sqlite+aiosqlite:///{path}", migrate=False)
