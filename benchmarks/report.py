"""Run the near-the-limit measurements for `stagedoor bench` and word their figures beside the targets."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import Any

CONSOLE_TARGET = 0.5  # of the in-memory console's lines per second
STARTUP_TARGET = 0.5  # seconds for `stagedoor console` on an empty script

Progress = Callable[[str], None]


def measure_limits(args: argparse.Namespace, progress: Progress) -> tuple[dict[str, Any], dict[str, str]]:
    """Measure SQLite (and PostgreSQL when a URL is given) beside their limits, and the console; keep failures."""
    quick = bool(getattr(args, "quick", False))
    figures: dict[str, Any] = {}
    problems: dict[str, str] = {}
    store = not getattr(args, "no_persisted", False) and not getattr(args, "no_limits", False)

    def attempt(name: str, measure: Callable[[], Any]) -> None:
        progress(f"{name}: measuring")
        try:
            figures[name] = measure()
        except Exception as error:  # report it beside the other figures rather than lose them
            problems[name] = f"{type(error).__name__}: {error}"
            figures[name] = None

    if store:
        from benchmarks.near_limit import measure_sqlite

        attempt("sqlite", lambda: asyncio.run(measure_sqlite(quick, progress)))
        url = getattr(args, "postgres", None)
        if url:
            from benchmarks.near_limit import measure_postgresql

            attempt("postgresql", lambda: asyncio.run(measure_postgresql(url, quick, progress)))
            from benchmarks.limits import postgresql_round_trips

            attempt("postgresql_trips", lambda: asyncio.run(postgresql_round_trips(url, 100 if quick else 500)))
        else:
            figures["postgresql"] = None
    if not getattr(args, "no_console", False):
        attempt("console", lambda: _console(quick))
    return figures, problems


def _console(quick: bool) -> dict[str, Any]:
    from benchmarks.console_rate import measure_console, startup_seconds

    figures: dict[str, Any] = asyncio.run(measure_console(lines=200 if quick else 2000, rounds=1 if quick else 3))
    figures.update(startup_seconds(runs=1 if quick else 3))
    figures["target_ratio"] = CONSOLE_TARGET
    figures["target_startup_s"] = STARTUP_TARGET
    figures["meets_targets"] = figures["ratio"] >= CONSOLE_TARGET and figures["console_startup_s"] < STARTUP_TARGET
    return figures


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def limit_lines(figures: dict[str, Any], problems: dict[str, str]) -> list[str]:
    """Render the figures as readable lines, each ratio beside its target."""
    lines: list[str] = []
    sqlite = figures.get("sqlite")
    if sqlite:
        ratios, targets, pages = sqlite["ratios"], sqlite["targets"], sqlite["wal_pages_per_command"]
        direct = sqlite["sqlite3_direct_commits_per_s"]
        lines += [
            f"SQLite limit: {direct:,.1f} sqlite3-direct commits/s (WAL, synchronous=NORMAL); "
            f"aiosqlite bare {sqlite['aiosqlite_bare_commits_per_s']:,.1f}/s = {ratios['bare_aiosqlite']:.2f}x",
            f"  1 client:    {sqlite['one_client_commands_per_s']:,.1f} commands/s with delivery = "
            f"{ratios['one_client']:.2f}x direct (target >= {targets['one_client']}: "
            f"{_verdict(ratios['one_client'] >= targets['one_client'])}); WAL pages/command {pages['one_client']}",
            f"  {sqlite['clients']} clients: {sqlite['many_clients_commands_per_s']:,.1f} commands/s on one room = "
            f"{ratios['many_clients']:.2f}x direct (target >= {targets['many_clients']}: "
            f"{_verdict(ratios['many_clients'] >= targets['many_clients'])}); "
            f"WAL pages/command {pages['many_clients']}",
            f"  {sqlite['clients']} clients on {sqlite['clients']} rooms: "
            f"{sqlite['many_rooms_commands_per_s']:,.1f} commands/s = {ratios['many_rooms']:.2f}x direct (no target)",
        ]
    postgresql = figures.get("postgresql")
    if postgresql:
        ratios = postgresql["ratios"]
        lines += [
            f"PostgreSQL: {postgresql['asyncpg_bare_commits_per_s']:,.1f} bare asyncpg commits/s; "
            f"1 client {postgresql['one_client_commands_per_s']:,.1f} commands/s with delivery = "
            f"{ratios['one_client']:.2f}x (target >= {postgresql['target']}: {_verdict(postgresql['meets_target'])}); "
            f"{postgresql['clients']} clients {postgresql['many_clients_commands_per_s']:,.1f}/s = "
            f"{ratios['many_clients']:.2f}x"
        ]
    trips = figures.get("postgresql_trips")
    if trips:
        messages = trips["command_messages"]
        lines += [
            f"PostgreSQL round trips per command: {trips['command']} (measured over {trips['commands']} commands; "
            f"{trips['with_pump']} with the pump delivering them, {trips['delivery_drained']} more to deliver "
            f"a backlog); statements sent per command: {messages.get('E', 0) + messages.get('Q', 0)}, "
            f"prepared: {messages.get('P', 0)}"
        ]
    console = figures.get("console")
    if console:
        lines += [
            f"console: {console['real_lines_per_s']:,.1f} lines/s beside {console['memory_lines_per_s']:,.1f} in memory"
            f" = {console['ratio']:.2f}x (target >= {console['target_ratio']}: "
            f"{_verdict(console['ratio'] >= console['target_ratio'])}); same output: {console['same_output']}",
            f"  startup {console['console_startup_s']:.3f} s (python alone {console['python_startup_s']:.3f} s; "
            f"target < {console['target_startup_s']} s: {_verdict(console['console_startup_s'] < STARTUP_TARGET)})",
        ]
    lines += [f"{name}: failed: {problem}" for name, problem in problems.items()]
    return lines
