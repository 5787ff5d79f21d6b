"""`stagedoor bench --quick` measures the store beside its limits and the console, in the documented shape.

Timings are reported, never asserted: these tests check the JSON's shape, the targets it names,
that the in-memory console prints exactly what the real one prints, and that PostgreSQL's scratch
database is dropped again.
"""

from __future__ import annotations

import argparse
import json
import os

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import make_url

from adapters.console import VirtualClock
from adapters.console.runner import ROOM
from benchmarks.__main__ import main
from benchmarks.console_rate import ROLES, MemoryConsole, play_in_memory, script
from benchmarks.report import limit_lines, measure_limits
from tests.conftest import postgres_server_url


def _args(**options: object) -> argparse.Namespace:
    defaults: dict[str, object] = {
        "quick": True,
        "no_persisted": False,
        "no_limits": False,
        "no_console": False,
        "postgres": None,
    }
    return argparse.Namespace(**(defaults | options))


def test_quick_bench_reports_sqlite_beside_sqlite3_direct_with_its_targets_and_pages_per_command() -> None:
    figures, problems = measure_limits(_args(no_console=True), lambda line: None)
    assert problems == {}
    sqlite = figures["sqlite"]
    for key in (
        "sqlite3_direct_commits_per_s",
        "aiosqlite_bare_commits_per_s",
        "one_client_commands_per_s",
        "many_clients_commands_per_s",
        "many_rooms_commands_per_s",
    ):
        assert sqlite[key] > 0
    assert sqlite["clients"] == 100
    assert sqlite["targets"] == {"one_client": 0.25, "many_clients": 0.5}
    assert set(sqlite["ratios"]) == {"one_client", "many_clients", "many_rooms", "bare_aiosqlite"}
    assert sqlite["ratios"]["one_client"] == pytest.approx(
        sqlite["one_client_commands_per_s"] / sqlite["sqlite3_direct_commits_per_s"], abs=0.002
    )
    pages = sqlite["wal_pages_per_command"]
    assert pages["one_client"] is None or pages["one_client"] > 0  # a command writes at least one page
    assert isinstance(sqlite["meets_targets"], bool) and figures["postgresql"] is None
    text = "\n".join(limit_lines(figures, problems))
    assert "sqlite3-direct" in text and "target >= 0.25" in text and "target >= 0.5" in text


def test_the_in_memory_console_prints_what_the_real_console_prints_and_the_bench_says_so() -> None:
    figures, problems = measure_limits(_args(no_persisted=True), lambda line: None)
    assert problems == {}
    console = figures["console"]
    assert console["same_output"] is True
    assert console["real_lines_per_s"] > 0 and console["memory_lines_per_s"] > 0
    assert console["target_ratio"] == 0.5 and console["target_startup_s"] == 0.5
    assert console["console_startup_s"] > console["python_startup_s"] > 0


def test_the_generated_console_script_exercises_refusals_timers_and_status() -> None:
    lines = script(60)
    said: list[str] = []
    play_in_memory(lines, said.append, False)
    assert any(line.startswith("[guest0] Sorry:") for line in said)  # `/stage dance` is refused
    assert any("on stage:" in line for line in said)  # status shows the roster
    assert MemoryConsole(ROLES, VirtualClock(0)).room.key == ROOM


@pytest.mark.postgres
async def test_quick_bench_measures_postgresql_in_a_scratch_database_it_drops() -> None:
    from benchmarks.near_limit import measure_postgresql

    url = postgres_server_url()
    figures = await measure_postgresql(url, True, lambda line: None)
    assert figures["asyncpg_bare_commits_per_s"] > 0 and figures["one_client_commands_per_s"] > 0
    assert figures["target"] == 0.8 and isinstance(figures["meets_target"], bool)
    server = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        left = await server.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'stagedoor_bench_%'")
    finally:
        await server.close()
    assert f"stagedoor_bench_{os.getpid()}" not in {row["datname"] for row in left}


def test_bench_json_carries_the_limits_beside_the_core_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--json", "--no-persisted"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert "console" in figures and figures["console"]["same_output"] is True
