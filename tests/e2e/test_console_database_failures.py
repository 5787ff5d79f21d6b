"""The real console when its database cannot be used: one line on stderr and exit 2, or it recovers."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import make_url

from tests.conftest import postgres_server_url
from tests.e2e.conftest import REPO, run_stagedoor

START = "host: /stage start\n"
STARTED = "started a session"


class LiveConsole:
    """A `stagedoor console` process fed one line at a time, its output read as it comes."""

    def __init__(self, url: str, env: dict[str, str] | None = None) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
        environment.update({"PYTHONPATH": str(REPO), **(env or {})})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "console", "--moderator", "host", "--db", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=environment,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._lines.put(raw.decode())

    def say(self, line: str, expect: str) -> None:
        """Send one line and wait (bounded) until the console prints a line containing `expect`."""
        self.send(line)
        deadline = time.monotonic() + 30
        seen = []
        while time.monotonic() < deadline:
            try:
                printed = self._lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            seen.append(printed)
            if expect in printed:
                return
        state = "it exited" if self.process.poll() is not None else "it is still running"
        raise AssertionError(f"the console never printed {expect!r}; it printed {seen} and {state}")

    def send(self, line: str) -> None:
        """Send one line without waiting for an answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode())
        self.process.stdin.flush()

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        """Close standard input; return the exit code and everything printed on stderr."""
        assert self.process.stdin is not None and self.process.stderr is not None
        with contextlib.suppress(BrokenPipeError):  # it may have stopped already
            self.process.stdin.close()
        code = self.process.wait(timeout)
        return code, self.process.stderr.read().decode()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def one_line(stderr: str) -> str:
    """Assert stderr is exactly one line and no traceback; return it."""
    assert "Traceback" not in stderr and "Event loop is closed" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("stagedoor: ")
    return lines[0]


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database, timeout=5
    )


@pytest.fixture
async def own_postgres_database() -> AsyncIterator[str]:
    """Yield the URL of a PostgreSQL database of this test's own (it may be dropped), dropped after."""
    server = postgres_server_url()
    name = f"stagedoor_drop_{uuid.uuid4().hex[:12]}"
    try:
        admin = await _connect(server)
    except Exception as error:
        pytest.skip(f"PostgreSQL is unreachable: {error}")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


# -- SQLite ----------------------------------------------------------------------------


def test_a_read_only_sqlite_database_is_one_line_and_exit_2_and_keeps_what_it_held(tmp_path: Path) -> None:
    path = tmp_path / "stagedoor.db"
    made = run_stagedoor("console", "--moderator", "host", "--db", f"sqlite+aiosqlite:///{path}", stdin=START)
    assert made.returncode == 0 and STARTED in made.stdout
    # Opened read-only by SQLite itself: chmod would not stop root, who runs these tests.
    read_only = f"sqlite+aiosqlite:///file:{path}?mode=ro"
    refused = run_stagedoor("console", "--moderator", "host", "--db", read_only, stdin="host: /stage end\n")
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert "read-only" in line and str(path) in line and "Give stagedoor a database it may write" in line
    after = run_stagedoor(
        "console", "--moderator", "host", "--db", f"sqlite+aiosqlite:///{path}", stdin="host: /stage status\n"
    )
    assert "A session is live" in after.stdout


def test_a_sqlite_path_that_is_a_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "stagedoor.db"
    folder.mkdir()
    refused = run_stagedoor("console", "--db", f"sqlite+aiosqlite:///{folder}", stdin=START)
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert "is a directory" in line and str(folder) in line


def test_a_sqlite_file_that_cannot_be_opened_prints_no_worker_thread_traceback(tmp_path: Path) -> None:
    # Read-only opening of a file that is not there fails inside the driver's own connect.
    missing = tmp_path / "nowhere" / "stagedoor.db"
    for _ in range(4):  # the traceback came from a race with the program's exit: give it chances to show
        refused = run_stagedoor("console", "--db", f"sqlite+aiosqlite:///file:{missing}?mode=ro", stdin=START)
        assert refused.returncode == 2
        assert "unable to open database file" in one_line(refused.stderr)


def test_a_lock_timeout_that_is_not_a_positive_number_is_one_line_and_exit_2() -> None:
    refused = run_stagedoor("console", stdin=START, env={"STAGEDOOR_DB_LOCK_TIMEOUT": "0"})
    assert refused.returncode == 2
    assert "STAGEDOOR_DB_LOCK_TIMEOUT" in one_line(refused.stderr)


# -- PostgreSQL -----------------------------------------------------------------------


@pytest.mark.postgres
async def test_a_room_locked_past_the_lock_timeout_is_one_busy_line_and_exit_2_and_changes_nothing(
    postgres_url: str,
) -> None:
    console = LiveConsole(postgres_url, env={"STAGEDOOR_DB_LOCK_TIMEOUT": "0.5"})
    holder = await _connect(postgres_url)
    try:
        console.say(START, STARTED)
        async with holder.transaction():
            await holder.execute("SELECT id FROM rooms FOR UPDATE")  # another process holds the room
            started = time.monotonic()
            console.send("host: /stage end\n")
            code, stderr = console.finish()
            waited = time.monotonic() - started
        assert code == 2
        line = one_line(stderr)
        assert "busy" in line and "try again" in line.lower()
        assert waited < 10, waited  # STAGEDOOR_DB_LOCK_TIMEOUT reached the connection: not the 5 s default, 8 times
        assert await holder.fetchval("SELECT live FROM rooms") is True
    finally:
        console.kill()
        await holder.close()


@pytest.mark.postgres
async def test_a_read_only_postgresql_database_is_one_line_and_exit_2(own_postgres_database: str) -> None:
    url = own_postgres_database
    assert run_stagedoor("migrate", "--db", url).returncode == 0
    admin = await _connect(postgres_server_url())
    try:
        name = make_url(url).database
        await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        refused = run_stagedoor("console", "--moderator", "host", "--db", url, stdin=START)
    finally:
        await admin.close()
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert "read-only" in line and "read-only transaction" in line


@pytest.mark.postgres
async def test_the_console_goes_on_after_the_server_ends_its_connections(postgres_url: str) -> None:
    console = LiveConsole(postgres_url)
    admin = await _connect(postgres_url)
    try:
        console.say(START, STARTED)
        for number, ask in enumerate(("ann", "ben"), start=1):
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert ended >= 1
            console.say(f"{ask}: /stage ask\n", f"you are number {number} in line")
        code, stderr = console.finish()
        assert (code, stderr) == (0, "")
    finally:
        console.kill()
        await admin.close()


@pytest.mark.postgres
async def test_a_database_dropped_while_the_console_runs_is_one_line_and_exit_2(own_postgres_database: str) -> None:
    url = own_postgres_database
    console = LiveConsole(url)
    admin = await _connect(postgres_server_url())
    try:
        console.say(START, STARTED)
        await admin.execute(f'DROP DATABASE "{make_url(url).database}" WITH (FORCE)')
        console.send("host: /stage end\n")
        code, stderr = console.finish()
        assert code == 2
        line = one_line(stderr)
        assert "stopped working" in line and "does not exist" in line
    finally:
        console.kill()
        await admin.close()
