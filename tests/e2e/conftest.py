"""Drive the console adapter in-process against a real SQLite database, and as a real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from adapters.console import Console, Roles, VirtualClock
from adapters.console.render import as_json, as_text

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Played:
    """What a script made the console print, as JSON objects and as readable lines."""

    json: list[dict[str, Any]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def events(self, name: str, to: str | None = None) -> list[dict[str, Any]]:
        """Return the printed objects of one event (optionally for one recipient)."""
        return [o for o in self.json if o["event"] == name and (to is None or o["to"] == to)]

    def errors(self, to: str | None = None) -> list[str]:
        """Return the error codes printed (optionally to one recipient), in order."""
        return [o["code"] for o in self.events("error", to)]

    def last(self, name: str, to: str | None = None) -> dict[str, Any]:
        found = self.events(name, to)
        assert found, f"no {name} event printed to {to}: {self.json}"
        return found[-1]


class Stage:
    """A console room on its own database: play scripts, read what was printed."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def play(self, script: str) -> Played:
        """Play a script (one action a line); return what this script printed."""
        played = Played()
        for line in script.splitlines():
            said = await self.console.play(line)
            for delivery in said.deliveries:
                played.json.append(json.loads(as_json(delivery)))
                played.text.append(as_text(delivery, said.events))
        return played

    async def status(self, who: str = "observer") -> dict[str, Any]:
        """Return the status answer for someone."""
        return (await self.play(f"{who}: /stage status")).last("status", who)


StageFactory = Callable[..., Awaitable[Stage]]


@pytest.fixture
async def stage_factory(tmp_path: Path) -> AsyncIterator[StageFactory]:
    """Make a console room on an empty SQLite file, built through the composition root.

    The same flows run on PostgreSQL through the real command in test_console_cli.py; one database
    per test there costs seconds, so the many in-process tests stay on SQLite.
    """
    from bot.bootstrap import open_stagedoor
    from bot.settings import Settings

    opened: list[Any] = []

    async def make(moderators: tuple[str, ...] = ("host",), admins: tuple[str, ...] = ("admin",)) -> Stage:
        assert not opened, "one console room per test: they would share the database"
        url = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
        clock = VirtualClock(time.time())
        app = await open_stagedoor(Settings().model_copy(update={"database_url": url}), clock)
        opened.append(app)
        console = Console(app.service, app.store, clock, Roles(frozenset(moderators), frozenset(admins)))
        await console.catch_up()
        return Stage(console)

    yield make
    for app in opened:
        await app.close()


@pytest.fixture
async def stage(stage_factory: StageFactory) -> Stage:
    """A console room where `host` is a moderator and `admin` an admin."""
    return await stage_factory()


def run_stagedoor(
    *args: str, stdin: bytes | str = b"", cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real `stagedoor` command (as `python -m bot.cli`) and return what it printed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
    environment["PYTHONPATH"] = str(REPO)
    environment.update(env or {})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=data,
        capture_output=True,
        cwd=cwd,
        env=environment,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        completed.args, completed.returncode, completed.stdout.decode(), completed.stderr.decode()
    )


def json_lines(output: str) -> list[dict[str, Any]]:
    """Parse every printed line as one JSON object (the contract of --json)."""
    return [json.loads(line) for line in output.splitlines()]
