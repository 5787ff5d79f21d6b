"""Run `stagedoor` as its own process, the way a self-hoster or a container runs it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0  # a bounded wait for a process to come up or go down (a busy CI runner is slow)


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**settings: str) -> dict[str, str]:
    """Return this environment without any stagedoor, Slack or Discord setting, plus the given ones."""
    prefixes = ("STAGEDOOR_", "SLACK_", "DISCORD_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(prefixes)}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


class Process:
    """A running `stagedoor` process with its stderr collected line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, words: str, timeout: float = WAIT) -> str:
        """Return the first stderr line holding `words`; fail if the process ends or time runs out first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if words in line:
                    return line
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.02)
        raise AssertionError(f"no line with {words!r}; stderr so far:\n{self.stderr}")

    def signal(self, which: signal.Signals) -> None:
        self.process.send_signal(which)

    async def exit_code(self, timeout: float = WAIT) -> int:
        """Wait (bounded) for the process to end and return its exit code."""
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the process did not end within {timeout} s; stderr:\n{self.stderr}") from None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._reader, 5)
        return code

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()


async def launch(cwd: Path, env: Mapping[str, str], *args: str, prelude: str | None = None) -> Process:
    """Start `stagedoor ARGS` (python -m bot.cli) in `cwd`; `prelude` is Python run first in that process."""
    if prelude is None:
        command = [sys.executable, "-m", "bot.cli", *args]
    else:
        code = f"{prelude}\nimport sys\nfrom bot.cli import main\nsys.exit(main({list(args)!r}))"
        command = [sys.executable, "-c", code]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=cwd,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    return Process(process)


async def get(url: str) -> tuple[int, Any]:
    """GET a URL; return the status and the body (JSON when it is JSON)."""
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        if answer.content_type == "application/json":
            return answer.status, await answer.json()
        return answer.status, await answer.text()


async def wait_until_ready(url: str, process: Process, timeout: float = WAIT) -> Any:
    """Poll /readyz until it answers 200; fail if the process ends or time runs out."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if process.process.returncode is not None:
            raise AssertionError(f"the process ended ({process.process.returncode}):\n{process.stderr}")
        with contextlib.suppress(aiohttp.ClientError):
            status, last = await get(url)
            if status == 200:
                return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never became ready (last answer {last}); stderr:\n{process.stderr}")
