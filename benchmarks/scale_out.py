"""Commands per second with 1, 2 and 4 bot processes sharing one database, over 100 rooms.

Each process is a real OS process (`python -m benchmarks.scale_out --worker …`) with its own store
and service and a few concurrent tasks; every task takes its own person round every room, in an
order of its own (ask, bring up, join, speak, remove: five committed commands, each its own
transaction), so any process writes any room, as replicas behind a load balancer do, and two
rarely meet in one. Processes start, open the store and load their rooms first; then all run for
the same wall-clock window and only the commands finished inside it count.

PostgreSQL is measured when given a URL (a scratch database: the rooms stay there, under the
platform "bench"); SQLite, one writer at a time by design, in a temporary file for reference.

    python -m benchmarks.scale_out [POSTGRES_URL] [--seconds S] [--rooms N] [--tasks T]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.persistence.sql import SqlStore
from core import commands as c
from core.events import ErrorReply
from core.room import RoomKey
from core.service import StageService, StoreBusy

PROCESSES = (1, 2, 4)
ROOMS = 100
TASKS = 4  # concurrent tasks per process
SECONDS = 5.0
QUICK_SECONDS = 2.0
HOST = c.Actor("host", moderator=True)
PLATFORM = "bench"
REPO = Path(__file__).resolve().parents[1]

Progress = Callable[[str], None]


def rooms(workspace: str, count: int) -> list[RoomKey]:
    """Name the benchmark's rooms in one workspace."""
    return [RoomKey(PLATFORM, workspace, f"room{n}") for n in range(count)]


def _cycle(guest: c.Actor) -> list[tuple[c.Command, tuple[c.Command, ...]]]:
    """One person's way through a request-mode stage: five commands that each change the room."""
    return [
        (c.AskToJoin(guest, "a question"), (c.Arrive(guest),)),
        (c.BringToStage(HOST, guest.user), ()),
        (c.JoinStage(guest), ()),
        (c.Speak(guest), ()),
        (c.RemoveFromStage(HOST, guest.user), ()),
    ]


async def _worker(url: str, workspace: str, count: int, index: int, tasks: int) -> None:
    """Run as one benchmark process: load the rooms, say ready, run the window it is given, print the count."""
    store = await SqlStore.open(url, migrate=False)
    service = StageService(store.unit_of_work, time.time)
    keys = rooms(workspace, count)
    try:
        for key in keys:  # load every room once: the window measures commands, not first loads
            await service.handle(key, c.Status(HOST))
        print(json.dumps({"ready": index}), flush=True)
        start, end = (float(part) for part in sys.stdin.readline().split())
        await asyncio.sleep(max(0.0, start - time.time()))

        async def task(number: int) -> tuple[int, int, int]:
            done = refused = busy = 0
            guest = c.Actor(f"p{index}t{number}")
            order = list(keys)
            random.Random(f"{index}-{number}").shuffle(order)  # every task its own way round: few collisions
            while True:
                for key in order:
                    for command, after in _cycle(guest):
                        try:
                            events = await service.handle(key, command, after=after)
                        except StoreBusy:
                            busy += 1
                            continue
                        if time.time() > end:
                            return done, refused, busy
                        done += 1
                        refused += any(isinstance(event, ErrorReply) for event in events)

        cpu = time.process_time()
        counts = await asyncio.gather(*(task(n) for n in range(tasks)))
        cpu = time.process_time() - cpu
        print(json.dumps({"commands": sum(n[0] for n in counts), "refused": sum(n[1] for n in counts),
                          "busy": sum(n[2] for n in counts), "cpu_seconds": cpu}), flush=True)  # fmt: skip
    finally:
        await store.close()


async def _prepare(url: str, workspace: str, count: int) -> None:
    """Open the rooms: a live request-mode session in each."""
    store = await SqlStore.open(url, migrate=True)
    try:
        service = StageService(store.unit_of_work, time.time)
        for key in rooms(workspace, count):
            await service.handle(key, c.StartSession(HOST, "request"))
    finally:
        await store.close()


async def _run(url: str, processes: int, count: int, tasks: int, seconds: float) -> dict[str, Any]:
    """Measure one process count on fresh rooms; return its figures."""
    workspace = f"scale-{processes}-{uuid.uuid4().hex[:8]}"
    await _prepare(url, workspace, count)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
    environment["PYTHONPATH"] = str(REPO)
    argv = [sys.executable, "-m", "benchmarks.scale_out", url, "--worker", workspace, "--rooms", str(count)]
    started = [
        await asyncio.create_subprocess_exec(
            *argv, "--index", str(n), "--tasks", str(tasks), cwd=REPO, env=environment,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        for n in range(processes)
    ]  # fmt: skip
    try:
        for process in started:
            assert process.stdout is not None
            if not await process.stdout.readline():
                raise RuntimeError("a benchmark process ended before it was ready")
        begin = time.time() + 0.5
        for process in started:
            assert process.stdin is not None
            process.stdin.write(f"{begin} {begin + seconds}\n".encode())
            await process.stdin.drain()
        answers = []
        for process in started:
            assert process.stdout is not None
            line = await process.stdout.readline()
            if not line:
                raise RuntimeError("a benchmark process ended without its figures")
            answers.append(json.loads(line))
    finally:
        for process in started:
            if process.returncode is None:
                await asyncio.wait_for(process.wait(), 60)
    commands = sum(answer["commands"] for answer in answers)
    return {
        "processes": processes,
        "commands": commands,
        "commands_per_s": round(commands / seconds, 1),
        "refused": sum(answer["refused"] for answer in answers),
        "busy": sum(answer["busy"] for answer in answers),
        # The bot processes' own CPU per command: times commands/s, the cores they kept busy.
        "cpu_ms_per_command": round(1000 * sum(answer["cpu_seconds"] for answer in answers) / max(commands, 1), 2),
    }


async def measure_database(
    url: str, progress: Progress, *, rooms_count: int = ROOMS, tasks: int = TASKS, seconds: float = SECONDS
) -> list[dict[str, Any]]:
    """Measure 1, 2 and 4 processes on one database; each row carries its ratio to 1 process."""
    rows = []
    for processes in PROCESSES:
        progress(f"scale-out: {processes} process(es) on {url.split(':', 1)[0]}")
        rows.append(await _run(url, processes, rooms_count, tasks, seconds))
    single = rows[0]["commands_per_s"] or 1.0
    for row in rows:
        row["ratio"] = round(row["commands_per_s"] / single, 2)
    return rows


async def measure_scale_out(
    postgres: str | None, progress: Progress, *, seconds: float = SECONDS, rooms_count: int = ROOMS, tasks: int = TASKS
) -> dict[str, Any]:
    """Measure on PostgreSQL (when given) and on a temporary SQLite file; return the figures."""
    figures: dict[str, Any] = {"rooms": rooms_count, "tasks_per_process": tasks, "seconds": seconds}

    async def measure(url: str) -> list[dict[str, Any]]:
        return await measure_database(url, progress, rooms_count=rooms_count, tasks=tasks, seconds=seconds)

    figures["postgresql"] = await measure(postgres) if postgres else None
    with tempfile.TemporaryDirectory(prefix="stagedoor-scale-") as scratch:
        figures["sqlite"] = await measure(f"sqlite+aiosqlite:///{Path(scratch) / 'stagedoor.db'}")
    return figures


def scale_out_lines(figures: dict[str, Any]) -> list[str]:
    """Render the figures as a table per database."""
    lines = [
        f"scale-out: commands/s over {figures['rooms']} rooms, {figures['tasks_per_process']} tasks a process, "
        f"{figures['seconds']:g} s each"
    ]
    for name, label in (("postgresql", "PostgreSQL"), ("sqlite", "SQLite (one writer at a time; for reference)")):
        rows = figures.get(name)
        if rows is None:
            lines.append(f"{label}: skipped (give a PostgreSQL URL to measure it)")
            continue
        lines.append(f"{label}:")
        lines.append(f"  {'processes':>9}  {'commands/s':>10}  {'vs 1':>5}  {'busy':>5}  {'bot CPU ms/command':>18}")
        for row in rows:
            lines.append(
                f"  {row['processes']:>9}  {row['commands_per_s']:>10,.1f}  {row['ratio']:>5.2f}  {row['busy']:>5}"
                f"  {row['cpu_ms_per_command']:>18.2f}"
            )
    return lines


def progress_to_stderr(line: str) -> None:
    """Say how far the measurement has got, on stderr (the figures go to stdout)."""
    print(line, file=sys.stderr, flush=True)


def run(postgres: str | None, *, quick: bool = False, as_json: bool = False) -> int:
    """Measure, print the table (unless `as_json`) and the JSON; return the exit code."""
    seconds = QUICK_SECONDS if quick else SECONDS
    figures = asyncio.run(measure_scale_out(postgres, progress_to_stderr, seconds=seconds))
    if not as_json:
        print("\n".join(scale_out_lines(figures)))
        print()
    print(json.dumps({"scale_out": figures}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.scale_out`: measure, or (with --worker) be one of the measured processes."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_out", description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="PostgreSQL URL (a scratch database); without it only SQLite")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="length of each measured window")
    parser.add_argument("--rooms", type=int, default=ROOMS)
    parser.add_argument("--tasks", type=int, default=TASKS, help="concurrent tasks per process")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--worker", metavar="WORKSPACE", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        asyncio.run(_worker(args.url, args.worker, args.rooms, args.index, args.tasks))
        return 0
    figures = asyncio.run(
        measure_scale_out(args.url, progress_to_stderr, seconds=args.seconds, rooms_count=args.rooms, tasks=args.tasks)
    )
    if not args.json:
        print("\n".join(scale_out_lines(figures)))
        print()
    print(json.dumps({"scale_out": figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
