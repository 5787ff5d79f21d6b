"""The line, timed turns and records through the console: every new subcommand, timers across waits and restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console.parser import Action, Problem, parse_line
from core import commands as c
from tests.e2e.conftest import REPO, Stage, json_lines, run_stagedoor

TOWNHALL = REPO / "examples" / "townhall.stage"
HOST = c.Actor("host", moderator=True)


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("host: /stage next", c.NextSpeaker(HOST)),
        ("host: /stage uninvite @ana", c.Uninvite(HOST, "ana")),
        ("host: /stage hands down", c.LowerAllHands(HOST)),
        ("host: /stage HANDS Down", c.LowerAllHands(HOST)),
        ("host: /stage extend ana 30", c.ExtendTurn(HOST, "ana", seconds="30")),
        ("host: /stage extend @ana", c.ExtendTurn(HOST, "ana", seconds="")),
        ("host: /stage stats", c.Stats(HOST)),
        ("host: /stage turn 90", c.SetTurn(HOST, "90")),
        ("host: /stage advance on", c.SetAdvance(HOST, "on")),
        ("host: /stage order fair", c.SetOrder(HOST, "fair")),
    ],
)
def test_Q1_Q2_Q3_T1_T2_T3_Q5_R1_each_new_subcommand_reads_as_its_command(line: str, command: c.Command) -> None:
    parsed = parse_line(line)
    assert isinstance(parsed, Action)
    assert parsed.build(HOST) == command


def test_Q3_hands_with_another_word_is_a_usage_problem() -> None:
    assert isinstance(parse_line("host: /stage hands up"), Problem)


def test_Q1_Q2_Q3_Q4_Q5_T1_T2_T3_R1_the_townhall_example_plays_its_whole_flow_as_json() -> None:
    done = run_stagedoor("console", "--json", "--admin", "host", "--script", str(TOWNHALL))
    assert (done.returncode, done.stderr) == (0, "")
    out = json_lines(done.stdout)
    assert [o for o in out if o["event"] == "error"] == []
    assert {"to": "host", "event": "settings.changed", "setting": "order", "value": "fair", "by": "host"} in out
    assert {"to": "host", "event": "settings.changed", "setting": "advance", "value": True, "by": "host"} in out
    assert {"to": "ana", "event": "turn.warning", "user": "ana", "seconds_left": 30} in out
    assert {"to": "moderators", "event": "stage.left", "user": "ana", "reason": "turn_ended", "by": None} in out
    assert {"to": "ben", "event": "request.approved", "user": "ben", "by": None} in out  # T3
    assert [o["user"] for o in out if o["event"] == "request.next"] == ["cleo", "dan"]  # Q4: told to them only
    assert {"to": "ben", "event": "turn.extended", "user": "ben", "seconds": 30, "by": "host"} in out
    status = next(o for o in out if o["event"] == "status")
    assert [r["user"] for r in status["requests"]] == ["cleo", "dan", "ana"]  # Q5: ana has had 60 s on stage
    assert {"to": "erin", "event": "invitation.cancelled", "user": "erin", "reason": "withdrawn", "by": "host"} in out
    lowered = [(o["user"], o["by"]) for o in out if o["event"] == "hand.lowered" and o["to"] == "moderators"]
    assert lowered[:2] == [("finn", "host"), ("gus", "host")]
    live, last = [o for o in out if o["event"] == "stats"]
    assert live["live"] is True and last["live"] is False and live["people"] == last["people"]
    figures = {p["user"]: p for p in live["people"]}
    assert figures["ben"] == {
        "user": "ben", "stage_seconds": 90, "joins": 1, "requests": 1, "declined": 0, "waited_seconds": 30
    }  # fmt: skip
    assert figures["ana"]["stage_seconds"] == 60 and figures["ana"]["requests"] == 2
    assert [p["user"] for p in live["people"]][:3] == ["host", "ben", "ana"]


def test_R1_the_townhall_example_reads_as_chat_lines() -> None:
    done = run_stagedoor("console", "--admin", "host", "--script", str(TOWNHALL))
    assert (done.returncode, done.stderr) == (0, "")
    assert "[ana] Your turn on stage ends in 30 s." in done.stdout
    assert "[cleo] You're next: your request is first in line." in done.stdout
    assert "[erin] host withdrew your invitation to join the stage." in done.stdout
    assert "  ben: 90 s on stage, joined 1, asked 1, declined 0, waited 30 s" in done.stdout


async def test_T4_every_timer_due_in_one_wait_fires_within_it_in_due_order(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage turn 40\nadmin: /stage expiry 15\nhost: /stage start open\nann: /stage join\n"
        "(wait 5)\nhost: /stage invite bob\n(wait 1000)"
    )
    timed = [(o["event"], o["user"]) for o in played.json if o["to"] == "moderators"][-3:]
    assert timed == [("turn.warning", "ann"), ("invitation.expired", "bob"), ("stage.left", "ann")]
    assert (await stage.play("(wait 1000)")).json == []


async def test_T1_T2_bad_turn_and_extend_input_is_refused_with_the_rulebook_codes(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage turn 90000\nadmin: /stage turn soon\nhost: /stage turn 60\n"
        "admin: /stage advance maybe\nadmin: /stage order random\nhost: /stage start open\nann: /stage join\n"
        "host: /stage extend ann 0\nhost: /stage extend ann -5\nhost: /stage extend ann x\n"
        "host: /stage extend ann 86401\nhost: /stage extend bob 10\nann: /stage extend ann 10\n"
        "host: /stage uninvite ann\nhost: /stage next\nann: /stage next\nann: /stage stats\n"
        "ann: /stage hands down\nhost: /stage hands down"
    )
    assert played.errors() == [
        "bad_argument", "bad_argument", "not_admin", "bad_argument", "bad_argument",
        "bad_argument", "bad_argument", "bad_argument", "bad_argument", "not_on_stage", "not_moderator",
        "no_invitation", "no_request", "not_moderator", "not_moderator", "not_moderator", "no_change",
    ]  # fmt: skip
    assert all(o["message"].strip() for o in played.events("error"))


def test_T1_T4_a_turn_started_in_one_console_run_ends_on_time_in_the_next(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}"
    first = run_stagedoor(
        "console", "--json", "--db", db, "--admin", "host",
        stdin="host: /stage turn 300\nhost: /stage start open\nann: /stage join\n(wait 275)\n",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert [o["event"] for o in json_lines(first.stdout) if o["to"] == "ann"][-1] == "turn.warning"
    # Each run's clock is wall time at its start plus its waits: the first run's 275 s are still ahead here.
    second = run_stagedoor("console", "--json", "--db", db, "--admin", "host", stdin="(wait 330)\n")
    assert second.returncode == 0, second.stderr
    assert [(o["to"], o["event"], o.get("reason")) for o in json_lines(second.stdout)] == [
        ("ann", "stage.left", "turn_ended"),
        ("moderators", "stage.left", "turn_ended"),
    ]  # the warning the first run gave is not given again


@pytest.mark.postgres
def test_T1_T3_R1_the_townhall_plays_the_same_on_postgresql(postgres_url: str) -> None:
    on_sqlite = run_stagedoor("console", "--json", "--admin", "host", "--script", str(TOWNHALL))
    on_postgres = run_stagedoor("console", "--json", "--db", postgres_url, "--admin", "host", "--script", str(TOWNHALL))
    assert on_postgres.returncode == 0, on_postgres.stderr
    assert json_lines(on_postgres.stdout) == json_lines(on_sqlite.stdout)
