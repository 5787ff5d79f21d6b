"""The real `stagedoor` command: --version, bench --help, the demo `run` suggests, the console's welcome."""

from __future__ import annotations

import os
import pty
import re
import shlex
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from tests.e2e.conftest import REPO, run_stagedoor


def test_version_prints_the_installed_package_version() -> None:
    done = run_stagedoor("--version")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"stagedoor {version('stagedoor')}\n"
    assert re.fullmatch(r"stagedoor \d+\.\d+\.\d+\S*\n", done.stdout)


def test_bench_help_lists_the_benchmarks_own_options() -> None:
    done = run_stagedoor("bench", "--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: stagedoor bench")
    for option, words in (("--quick", "a fast smoke run"), ("--json", "only the JSON"), ("--no-persisted", "SQLite")):
        line = next(line for line in done.stdout.splitlines() if line.strip().startswith(option))
        assert words in line
    typo = run_stagedoor("bench", "--quik")
    assert typo.returncode == 2 and "unrecognized arguments: --quik" in typo.stderr


def test_the_demo_that_run_suggests_works_as_printed_from_the_repository(tmp_path: Path) -> None:
    hint = run_stagedoor("run", cwd=tmp_path)
    assert hint.returncode == 2
    printed = re.search(r"without a platform account: (.+)$", hint.stderr, re.MULTILINE)
    assert printed, hint.stderr
    program, *arguments = shlex.split(printed.group(1))
    assert program == "stagedoor"
    demo = run_stagedoor(*arguments, cwd=REPO)
    assert (demo.returncode, demo.stderr) == (0, "")
    refusals = [line for line in demo.stdout.splitlines() if "] Sorry: " in line]
    # The example's one refusal is its lesson (dan cannot ask in invite only, J6); nobody is refused a role.
    assert refusals == [
        "[dan] Sorry: The stage is in Invite only mode, so you can't ask to join. "
        "Raise your hand with /stage hand so moderators see you."
    ]
    assert "[everyone] host started a session." in demo.stdout


def interactive(*arguments: str, typed: bytes) -> str:
    """Run `stagedoor console` on a terminal, type the lines, end with Ctrl-D; return what it printed."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console", *arguments],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**environment, "PYTHONPATH": str(REPO)},
    )
    os.close(follower)
    os.write(leader, typed + b"\x04")
    out, err = process.communicate(timeout=60)
    os.close(leader)
    assert (process.returncode, err) == (0, b"")
    return out.decode()


def test_a_bare_console_explains_roles_and_says_how_to_rerun_with_an_admin() -> None:
    text = interactive(typed=b"host: /stage start\n")
    assert text.startswith("stagedoor console.")
    roles = text.index("`--moderator NAME`")
    assert roles < text.index("`--admin NAME`") < text.index("stagedoor console --admin host")
    assert roles < text.index("`host: /stage start`")
    # What the welcome warns of: without roles nobody can start a session.
    assert "[host] Sorry: Only moderators can start a session." in text


def test_the_rerun_the_welcome_suggests_lets_host_start_a_session() -> None:
    text = interactive("--admin", "host", typed=b"host: /stage start\n")
    assert "Moderators here: host (admin). Try `host: /stage start`" in text
    assert "No role was given" not in text
    assert "[everyone] host started a session." in text and "Sorry" not in text


def test_the_welcome_suggests_commands_for_the_moderator_actually_named() -> None:
    text = interactive("--moderator", "mia", typed=b"")
    assert text.index("`--moderator NAME`") < text.index("`mia: /stage start`")
    assert "`mia: /stage approve alex`" in text and "`host:" not in text
