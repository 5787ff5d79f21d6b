"""The real `stagedoor` command: the console contract end to end, exit codes, persistence, the example."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.e2e.conftest import REPO, json_lines, run_stagedoor

WEBINAR = REPO / "examples" / "webinar.stage"


def test_webinar_example_plays_the_whole_flow_as_json() -> None:
    done = run_stagedoor("console", "--json", "--admin", "host", "--script", str(WEBINAR))
    assert (done.returncode, done.stderr) == (0, "")
    out = json_lines(done.stdout)
    assert all(next(iter(o)) == "to" for o in out)
    # The one refusal is on purpose: in invite-only mode dan cannot ask and is told to raise a hand (J6).
    assert [(o["to"], o["code"]) for o in out if o["event"] == "error"] == [("dan", "mode_forbids")]
    events = [(o["event"], o["to"]) for o in out]
    assert ("session.started", "room") in events
    first_status = next(o for o in out if o["event"] == "status")
    assert [r["user"] for r in first_status["requests"]] == ["ana", "ben", "cleo"]
    assert first_status["requests"][0]["note"] == "I'd like to show our demo"
    declined = next(o for o in out if o["event"] == "request.declined" and o["to"] == "ben")
    assert declined["reason"] == "We'll take open questions at the end"
    assert {"to": "ana", "event": "request.approved", "user": "ana", "by": "host"} in out
    evicted = next(o for o in out if o["event"] == "stage.left" and o["reason"] == "evicted")
    assert (evicted["user"], evicted["by"]) == ("ana", "cleo")
    assert {"to": "moderators", "event": "stage.joined", "user": "cleo", "evicted": "ana"} in out
    assert {"to": "room", "event": "mode.changed", "mode": "invite", "by": "host"} in out
    assert {"to": "ben", "event": "hand.raised", "user": "ben", "by": "host"} in out
    last_status = [o for o in out if o["event"] == "status"][-1]
    assert (last_status["mode"], last_status["on_stage"], last_status["hands"]) == (
        "invite",
        ["host", "cleo"],
        ["ben", "dan"],
    )
    assert out[-1] == {"to": "room", "event": "session.ended", "by": "host"}


def test_standard_input_runs_in_utf8_and_separate_runs_never_share_state() -> None:
    first = run_stagedoor(
        "console",
        "--json",
        "--moderator",
        "@hôte",
        env={"LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
        stdin="hôte: /stage start\nZoë: /stage ask ¿una pregunta? 🎤\n",
    )
    assert (first.returncode, first.stderr) == (0, "")
    assert json_lines(first.stdout)[-1] == {
        "to": "moderators",
        "event": "request.created",
        "user": "Zoë",
        "position": 1,
        "note": "¿una pregunta? 🎤",
    }
    # Without --db the next run starts from nothing; refused actions are events and the exit code stays 0.
    second = run_stagedoor(
        "console", "--json", stdin="x: /stage status\nalice: /stage start\nnonsense\nbob: /stage dance\n"
    )
    assert second.returncode == 0
    out = json_lines(second.stdout)
    assert (out[0]["event"], out[0]["live"]) == ("status", False)
    assert [(o["to"], o["code"]) for o in out[1:]] == [
        ("alice", "not_moderator"),
        ("room", "bad_argument"),
        ("bob", "bad_argument"),
    ]


def test_db_keeps_the_session_across_runs(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stage.db'}"
    first = run_stagedoor(
        "console",
        "--json",
        "--db",
        url,
        "--admin",
        "host",
        stdin="host: /stage start\nhost: /stage moderators add mia\nalice: /stage ask hi\nbob: /stage hand\n",
    )
    assert first.returncode == 0, first.stderr
    second = run_stagedoor("console", "--json", "--db", url, stdin="mia: /stage status\nmia: /stage approve alice\n")
    assert second.returncode == 0, second.stderr
    out = json_lines(second.stdout)
    status = out[0]
    assert (status["live"], status["requests"], status["hands"]) == (
        True,
        [{"user": "alice", "position": 1, "note": "hi"}],
        ["bob"],
    )
    # Only this run's events are printed: nothing from the first run is delivered again.
    assert [o["event"] for o in out] == ["status", "request.approved", "request.approved"]


def test_unreachable_database_directory_stops_with_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    done = run_stagedoor("console", "--db", f"sqlite+aiosqlite:///{blocked}/sub/stage.db", stdin="x: /stage status\n")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_input_that_is_not_text_exits_non_zero(tmp_path: Path) -> None:
    script = tmp_path / "binary.stage"
    script.write_bytes(b"host: /stage start\n\x00\xff\xfe garbage\n")
    done = run_stagedoor("console", "--json", "--moderator", "host", "--script", str(script))
    assert done.returncode == 2 and done.stdout == ""
    assert "not a text" in done.stderr
    piped = run_stagedoor("console", "--json", stdin=b"x: /stage status\n\xff\xfe\n")
    assert piped.returncode == 2
    assert "not text" in piped.stderr


def test_unusable_options_exit_non_zero(tmp_path: Path) -> None:
    assert run_stagedoor("console", "--bogus").returncode == 2
    missing = run_stagedoor("console", "--script", str(tmp_path / "missing.stage"))
    assert missing.returncode == 2 and "cannot read the script" in missing.stderr


def test_run_without_tokens_points_at_the_console() -> None:
    done = run_stagedoor("run", cwd=REPO / "examples")
    assert done.returncode != 0
    assert "no platform is configured" in done.stderr and "stagedoor console" in done.stderr


def test_migrate_brings_a_fresh_database_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    assert run_stagedoor("migrate", "--db", url).returncode == 0
    assert (tmp_path / "fresh.db").exists()
    assert run_stagedoor("migrate", "--db", "nosuchdb://x").returncode == 2


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    settings = {str(field.validation_alias) for field in Settings.model_fields.values()}
    assert settings - documented == set()


def test_discord_invite_url_needs_the_application_id() -> None:
    missing = run_stagedoor("discord", "invite-url", cwd=REPO / "examples")
    assert missing.returncode == 2
    assert "DISCORD_APPLICATION_ID" in missing.stderr and "Traceback" not in missing.stderr
    done = run_stagedoor("discord", "invite-url", cwd=REPO / "examples", env={"DISCORD_APPLICATION_ID": "1234567"})
    assert done.returncode == 0
    assert done.stdout.startswith("https://discord.com/") and "client_id=1234567" in done.stdout


def test_interactive_terminal_gets_a_welcome_and_a_prompt() -> None:
    leader, follower = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console", "--moderator", "host"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=environment,
    )
    os.close(follower)
    os.write(leader, b"host: /stage start open\n")
    os.write(leader, b"\x04")  # Ctrl-D: end of input
    out, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, err
    text = out.decode()
    assert text.startswith("stagedoor console.")
    assert "> " in text
    assert "[everyone] host started a session. The stage is in Everyone on stage mode." in text


@pytest.mark.postgres
def test_webinar_and_persistence_on_postgresql(postgres_url: str) -> None:
    first = run_stagedoor("console", "--json", "--db", postgres_url, "--admin", "host", "--script", str(WEBINAR))
    assert first.returncode == 0, first.stderr
    out = json_lines(first.stdout)
    assert {"to": "moderators", "event": "stage.joined", "user": "cleo", "evicted": "ana"} in out
    second = run_stagedoor(
        "console",
        "--json",
        "--db",
        postgres_url,
        "--admin",
        "host",
        stdin="host: /stage start\nana: /stage ask again\nx: /stage status\n",
    )
    assert second.returncode == 0, second.stderr
    status = json_lines(second.stdout)[-1]
    # The first run's channel settings (capacity 2, webinar default) are still there.
    assert (status["live"], status["capacity"], status["mode"]) == (True, 2, "request")
    assert status["requests"] == [{"user": "ana", "position": 1}]


def test_run_with_an_unusable_database_stops_with_one_line() -> None:
    done = run_stagedoor(
        "run",
        cwd=REPO / "examples",
        env={"DISCORD_TOKEN": "not-a-real-token", "STAGEDOOR_DATABASE_URL": "nosuchdb://x"},
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("stagedoor: ")


def test_bench_passes_its_options_to_the_benchmarks() -> None:
    done = run_stagedoor("bench", "--quick", "--no-persisted", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["quick"] is True and [size["people"] for size in report["core"]["sizes"]][0] == 10
    assert run_stagedoor("console", "--quick").returncode == 2  # other commands still refuse unknown options


def test_the_installed_stagedoor_script_runs_the_console() -> None:
    script = Path(sys.executable).parent / "stagedoor"
    if not script.exists():
        pytest.skip("stagedoor is not installed in this environment (pip install -e .)")
    done = subprocess.run(
        [str(script), "console", "--json", "--moderator", "host"],
        input="host: /stage start\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json_lines(done.stdout) == [{"to": "room", "event": "session.started", "mode": "request", "by": "host"}]
