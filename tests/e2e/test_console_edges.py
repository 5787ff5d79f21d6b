"""Bad names and numbers through the real console, on SQLite and PostgreSQL: refused, exit 0, room unchanged."""

from __future__ import annotations

import hashlib

from tests.e2e.conftest import json_lines, run_stagedoor

# Letters that do not compress: PostgreSQL compresses index entries, so "x" * 3000 would still fit its b-tree.
LONG = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(47))[:3_000]


def test_a_3000_character_name_is_a_bad_argument_and_changes_nothing(database_url: str) -> None:
    setup = run_stagedoor(
        "console",
        "--json",
        "--db",
        database_url,
        "--admin",
        "host",
        stdin="host: /stage start\nana: /stage ask hi\nhost: /stage capacity 5\nobserver: /stage status\n",
    )
    assert setup.returncode == 0, setup.stderr
    before = json_lines(setup.stdout)[-1]
    assert before["event"] == "status"

    bad = [
        f"host: /stage invite {LONG}",
        f"host: /stage approve @{LONG}",
        f"host: /stage decline {LONG} not now",
        f"host: /stage moderators add {LONG}",
        f"host: /stage hand down {LONG}",
        f"{LONG}: /stage ask let me in",
        f"{LONG}: (arrives)",
        "host: /stage capacity ١٢",
        "host: /stage capacity 1_0",
        "host: /stage capacity +5",
        "host: /stage cooldown ５",
    ]
    done = run_stagedoor(
        "console",
        "--json",
        "--db",
        database_url,
        "--admin",
        "host",
        stdin="\n".join([*bad, "observer: /stage status"]) + "\n",
    )
    assert (done.returncode, done.stderr) == (0, "")
    out = json_lines(done.stdout)
    errors = [o for o in out if o["event"] == "error"]
    assert [o["code"] for o in errors] == ["bad_argument"] * len(bad)
    assert all("at most 80" in o["message"] for o in errors[:7])
    assert all("digits 0-9" in o["message"] for o in errors[7:])
    assert all(len(o["message"]) < 300 for o in errors)  # the long name is not echoed back
    assert [o["event"] for o in out] == ["error"] * len(bad) + ["status"]
    assert out[-1] == before  # the room is as it was: same stage, queue, capacity


def test_a_wait_in_other_digits_is_refused_by_the_console() -> None:
    done = run_stagedoor("console", "--json", stdin="(wait ٣٠)\n(wait 1_0)\n(wait 1e3)\n(wait 2.5)\n")
    assert done.returncode == 0, done.stderr
    assert [(o["event"], o.get("code")) for o in json_lines(done.stdout)] == [("error", "bad_argument")] * 3


def test_a_long_line_the_console_cannot_use_is_not_echoed_back_whole() -> None:
    done = run_stagedoor("console", "--json", stdin=f"host: /stage {LONG}\n{LONG}\nhost: ({LONG})\nhost: {LONG}\n")
    assert done.returncode == 0, done.stderr
    out = json_lines(done.stdout)
    assert [o["code"] for o in out] == ["bad_argument"] * 4
    assert all(len(o["message"]) < 400 for o in out)
