"""Console lines per second: the real console (SQLite store, service, outbox) beside an in-memory one.

Both play the same generated script and must print the same lines (checked): the in-memory one
keeps the room in a dict and calls the rules directly, so the ratio says what storage, the
service and the outbox cost the console. Startup is the wall time of `stagedoor console` on an
empty script, interpreter included.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from adapters.console import Console, Roles, VirtualClock, play_lines
from adapters.console.parser import Action, Problem, Wait, parse_line
from adapters.console.render import as_json, as_text, deliveries
from adapters.console.runner import APP_NAME, LINE_STEP, ROOM
from adapters.console.words import Delivery, problem_reply
from adapters.persistence.sql import SqlStore
from core import commands as c
from core import rules
from core.events import Event
from core.limits import NAME_LIMIT
from core.room import Room
from core.rules.turns import run_timers
from core.service import StageService

ROLES = Roles(admins=frozenset({"host"}))
START = 1_700_000_000.0


def script(lines: int) -> list[str]:
    """Return a console script of about `lines` lines: guests ask, are brought up, speak and leave."""
    out = ["host: /stage capacity 3", "host: /stage start", "host: /stage join"]
    n = 0
    while len(out) < lines:
        guest = f"guest{n % 50}"
        out += [
            f"{guest}: /stage ask a question",
            f"host: /stage approve {guest}",
            f"{guest}: /stage join",
            f"{guest}: (speaks)",
            "host: /stage status",
            f"{guest}: /stage hand",
            "(wait 2)",
            f"host: /stage remove {guest}",
            f"{guest}: /stage dance",
        ]
        n += 1
    return out[:lines]


class MemoryConsole:
    """The console's output contract with the room in memory: parse, apply the rules, render."""

    def __init__(self, roles: Roles, clock: VirtualClock) -> None:
        self.roles = roles
        self.clock = clock
        self.room = Room(ROOM)
        self._introduced: set[str] = set()

    def play(self, text: str) -> tuple[list[Delivery], list[Event]]:
        """Apply one line; return its deliveries (state events first, then replies) and its events."""
        line = parse_line(text)
        if line is None:
            return [], []
        self.clock.advance(LINE_STEP)
        if isinstance(line, Problem):
            delivery = problem_reply(line)
            return [delivery], [delivery[1]]
        commands: list[c.Command] = []
        if isinstance(line, Wait):
            self.clock.advance(line.seconds)
            commands.append(c.Tick(c.Actor("")))
        else:
            commands += self._arrivals(line)
            command = line.build(self.roles.actor(line.actor))
            if isinstance(command, c.Targeted) and command.target == APP_NAME:
                command = replace(command, target_is_bot=True)
            commands.append(command)
        logged: list[Event] = []
        replies: list[Event] = []
        for command in commands:
            now = self.clock()
            while (due := self.room.timers.next_due()) is not None and due <= now:
                logged += run_timers(self.room, due)
            for event in rules.handle(self.room, command, now):
                (replies if event.is_reply else logged).append(event)
            self.room.clean()
        said = [d for event in logged for d in deliveries(event)] + [d for event in replies for d in deliveries(event)]
        return said, logged + replies

    def _arrivals(self, action: Action) -> list[c.Command]:
        arrivals: list[c.Command] = []
        for name in dict.fromkeys((action.actor, *action.names)):
            if name not in self._introduced and name != APP_NAME and len(name) <= NAME_LIMIT:
                arrivals.append(c.Arrive(c.Actor(name), if_new=True))
                self._introduced.add(name)
        return arrivals


def play_in_memory(lines: list[str], write: Callable[[str], None], json_lines: bool) -> None:
    """Play a script on the in-memory console, writing each delivery as the real console words it."""
    console = MemoryConsole(ROLES, VirtualClock(START))
    for text in lines:
        said, events = console.play(text)
        for delivery in said:
            write(as_json(delivery) if json_lines else as_text(delivery, events))


async def play_real(lines: list[str], write: Callable[[str], None], json_lines: bool, folder: Path) -> float:
    """Play a script on the real console (a fresh SQLite store, the service, the outbox); return the seconds."""
    clock = VirtualClock(START)
    store = await SqlStore.open(f"sqlite+aiosqlite:///{folder / 'console.db'}", migrate=True)
    try:
        service = StageService(store.unit_of_work, clock)
        started = time.perf_counter()
        await play_lines(Console(service, store, clock, ROLES), lines, write, json_lines)
        return time.perf_counter() - started
    finally:
        await store.close()


def _collector() -> tuple[list[str], Callable[[str], None]]:
    kept: list[str] = []
    return kept, kept.append


async def measure_console(lines: int = 2000, rounds: int = 3) -> dict[str, object]:
    """Measure both consoles on one script (best of `rounds`, readable lines) and check they print the same."""
    text = script(lines)
    same = True
    for json_lines in (False, True):  # the contract in both forms, before anything is timed
        with tempfile.TemporaryDirectory(prefix="stagedoor-bench-console-") as scratch:
            real_out, real_write = _collector()
            await play_real(text, real_write, json_lines, Path(scratch))
        memory_out, memory_write = _collector()
        play_in_memory(text, memory_write, json_lines)
        same = same and real_out == memory_out and bool(real_out)
    memory_best = real_best = float("inf")
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="stagedoor-bench-console-") as scratch:
            real_best = min(real_best, await play_real(text, _writer(), False, Path(scratch)))
        started = time.perf_counter()
        play_in_memory(text, _writer(), False)
        memory_best = min(memory_best, time.perf_counter() - started)
    real = lines / real_best
    memory = lines / memory_best
    return {
        "lines": lines,
        "real_lines_per_s": round(real, 1),
        "memory_lines_per_s": round(memory, 1),
        "ratio": round(real / memory, 3),
        "same_output": same,
    }


def _writer() -> Callable[[str], None]:
    """Return a writer to a text stream in memory, the same for both consoles."""
    sink = io.StringIO()

    def write(line: str) -> None:
        sink.write(line + "\n")

    return write


def startup_seconds(runs: int = 3) -> dict[str, float]:
    """Time `stagedoor console` on an empty script (best of `runs`), beside a bare interpreter start.

    `console_startup_s` gets a fresh temporary database each run (the schema made from the snapshot);
    `console_startup_at_head_s` opens a database already at the newest revision (one SELECT). The
    first, untimed run also leaves the compiled bytecode behind, as any run of an installed copy does.
    """
    with tempfile.TemporaryDirectory(prefix="stagedoor-bench-startup-") as scratch:
        empty = Path(scratch) / "empty.stage"
        empty.write_text("")
        console = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
        console += ["console", "--admin", "host", "--script", str(empty)]
        at_head = [*console, "--db", f"sqlite+aiosqlite:///{Path(scratch) / 'at-head.db'}"]
        env = {**os.environ, "STAGEDOOR_DATABASE_URL": ""}
        env.pop("STAGEDOOR_DATABASE_URL")
        # As a user's copy runs: its bytecode is compiled once (at install, or by the first run) and kept.
        # Where the environment forbids writing it, every run would time Python's compiler instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(at_head, env=env, cwd=scratch, check=True, capture_output=True)  # makes the database
        return {
            "console_startup_s": round(_best(console, env, scratch, runs), 3),
            "console_startup_at_head_s": round(_best(at_head, env, scratch, runs), 3),
            "python_startup_s": round(_best([sys.executable, "-c", "pass"], env, scratch, runs), 3),
        }


def _best(command: list[str], env: dict[str, str], cwd: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best
