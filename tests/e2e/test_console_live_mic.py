"""C5 through the console: `NAME: (mic on)` and `NAME: (mic off)` in, who a full stage moves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console.parser import Action, parse_line
from core import commands as c
from tests.e2e.conftest import Stage, json_lines, run_stagedoor

FULL_OPEN_STAGE = "admin: /stage capacity 2\nhost: /stage start open\nann: /stage join\nbob: /stage join\n"


@pytest.mark.parametrize(
    ("line", "on"),
    [("ann: (mic on)", True), ("ann: (mic off)", False), ("@ann: ( MIC  On )", True), ("ann:(mic   off)", False)],
)
def test_C5_mic_lines_are_the_platform_reporting_a_mic_going_on_or_off(line: str, on: bool) -> None:
    parsed = parse_line(line)
    assert isinstance(parsed, Action) and parsed.actor == "ann"
    assert parsed.build(c.Actor("ann")) == c.MicChanged(c.Actor("ann"), on=on)


async def test_C5_a_mic_line_prints_nothing(stage: Stage) -> None:
    played = await stage.play(FULL_OPEN_STAGE + "ann: (mic on)\nann: (mic off)\ncid: (mic on)")
    assert [o["event"] for o in played.json][-2:] == ["stage.joined", "stage.joined"]  # bob's join, then silence


async def test_C5_a_live_mic_keeps_its_speaker_and_the_mic_going_off_is_their_last_activity(stage: Stage) -> None:
    played = await stage.play(FULL_OPEN_STAGE + "ann: (mic on)\nbob: (speaks)\ncid: /stage join")
    assert played.last("stage.joined", "cid")["evicted"] == "bob"  # ann joined first and never spoke: her mic is live
    played = await stage.play("cid: (speaks)\nann: (mic off)\ndee: /stage join")
    assert played.last("stage.joined", "dee")["evicted"] == "cid"  # ann's mic went off after cid spoke
    assert (await stage.status())["on_stage"] == ["ann", "dee"]


async def test_C5_a_mic_off_for_a_mic_already_off_is_no_activity(stage: Stage) -> None:
    played = await stage.play(FULL_OPEN_STAGE + "bob: (speaks)\nann: (mic off)\ncid: /stage join")
    assert played.last("stage.joined", "cid")["evicted"] == "ann"


async def test_C5_a_mic_turned_on_in_the_audience_is_off_once_on_stage(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage capacity 2\nhost: /stage start open\nann: /stage join\n"
        "bob: (mic on)\nbob: /stage join\nann: (speaks)\ncid: /stage join"
    )
    assert played.last("stage.joined", "cid")["evicted"] == "bob"


async def test_C5_an_unknown_happening_lists_the_mic_lines(stage: Stage) -> None:
    played = await stage.play("ann: (mic sideways)")
    error = played.last("error", "ann")
    assert error["code"] == "bad_argument"
    assert "(mic on)" in error["message"] and "(mic off)" in error["message"]


def test_C5_the_mic_survives_between_console_runs_on_one_database(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}"
    script = FULL_OPEN_STAGE.replace("admin:", "host:") + "ann: (mic on)\n"
    first = run_stagedoor("console", "--json", "--db", db, "--admin", "host", stdin=script)
    assert first.returncode == 0, first.stderr
    second = run_stagedoor(
        "console", "--json", "--db", db, "--admin", "host", stdin="bob: (speaks)\ncid: /stage join\n"
    )
    assert second.returncode == 0, second.stderr
    joined = [o for o in json_lines(second.stdout) if o["event"] == "stage.joined" and o["to"] == "cid"]
    assert joined == [{"to": "cid", "event": "stage.joined", "user": "cid", "evicted": "bob"}]
