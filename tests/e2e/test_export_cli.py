"""R2 through the real `stagedoor export` process, over a database the real `stagedoor console` played."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from adapters.records.export import COLUMNS, FIGURES
from tests.e2e.conftest import json_lines, run_stagedoor

CHANNEL = "console:local:stage"  # the console's one room
SCRIPT = """\
host: /stage turn 40
host: /stage start request
ann: (arrives)
ben: (arrives)
cid: (arrives)
ann: /stage ask first question
(wait 4)
host: /stage approve ann
ann: /stage join
ben: /stage ask me too
(wait 3)
host: /stage decline ben not today
cid: /stage hand
(wait 45)
cid: /stage ask
(wait 2)
host: /stage invite cid
cid: /stage join
(wait 12)
host: /stage end
host: /stage stats
"""


def played(tmp_path: Path, url: str) -> list[dict[str, Any]]:
    """Play the script into the database at `url`; return the `stats` people the console printed."""
    script = tmp_path / "session.stage"
    script.write_text(SCRIPT)
    done = run_stagedoor("console", "--json", "--db", url, "--admin", "host", "--script", str(script))
    assert done.returncode == 0, done.stderr
    (stats,) = [o for o in json_lines(done.stdout) if o["event"] == "stats"]
    return list(stats["people"])


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'stagedoor.db'}"


def test_R2_R1_stagedoor_export_writes_every_event_and_the_figures_stats_gave(
    database_url: str, tmp_path: Path
) -> None:
    people = played(tmp_path, database_url)
    assert [p["user"] for p in people] == ["ann", "cid", "ben"]
    assert people[0]["stage_seconds"] == 40  # T1: ann's turn ended on time, within a (wait N)
    out = tmp_path / "history.jsonl"

    done = run_stagedoor("export", "--db", database_url, "--channel", CHANNEL, "--format", "json", "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    found = [json.loads(line) for line in out.read_text().splitlines()]
    events = [r for r in found if r["record"] == "event"]
    assert [r["event"] for r in events][:2] == ["settings.changed", "session.started"]
    assert {"stage.joined", "request.declined", "turn.warning", "stage.left", "session.ended"} <= {
        r["event"] for r in events
    }
    assert all(r["at"].endswith("Z") for r in events) and {r["actor"] for r in events} >= {"host", "ann", None}
    figures = [{"user": r["user"], **{k: r[k] for k in FIGURES}} for r in found if r["record"] == "person"]
    assert figures == people


def test_R2_the_csv_export_goes_to_standard_output_with_its_header(sqlite_url: str, tmp_path: Path) -> None:
    people = played(tmp_path, sqlite_url)

    done = run_stagedoor("export", "--db", sqlite_url, "--channel", CHANNEL, "--format", "csv")

    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert list(rows[0]) == list(COLUMNS)
    persons = [r for r in rows if r["record"] == "person"]
    assert [(r["user"], int(r["stage_seconds"]), int(r["declined"])) for r in persons] == [
        (p["user"], p["stage_seconds"], p["declined"]) for p in people
    ]
    # Nothing in a range after the session: the header alone.
    later = run_stagedoor(
        "export", "--db", sqlite_url, "--channel", CHANNEL, "--format", "csv", "--since", "2999-01-01T00:00+02:00"
    )
    assert later.returncode == 0 and later.stdout == ",".join(COLUMNS) + "\r\n"


BAD_INPUT: list[tuple[list[str], str]] = [
    (["--channel", "console:local"], "is not PLATFORM:WORKSPACE:CHANNEL"),
    (["--channel", "slack:T1:C404"], "no channel slack:T1:C404 in this database"),
    (["--since", "yesterday"], "--since 'yesterday' is not an ISO 8601 date or time"),
    (["--until", "2026-13-01"], "--until '2026-13-01' is not an ISO 8601 date or time"),
    (["--since", "2026-03-02", "--until", "2026-03-01"], "give the earlier time as --since"),
    (["--format", "xml"], "the export format 'xml' is not known; use csv or json"),
    (["--out", "{tmp}/no/such/folder/out.csv"], "choose a file in a folder that exists"),
    (["--out", "{tmp}"], "it is a folder"),
]


@pytest.mark.parametrize(("options", "wanted"), BAD_INPUT, ids=[w.split(";")[0][:40] for _, w in BAD_INPUT])
def test_R2_bad_export_input_gets_one_line_exit_2_and_nothing_written(
    sqlite_url: str, tmp_path: Path, options: list[str], wanted: str
) -> None:
    played(tmp_path, sqlite_url)
    kept = tmp_path / "kept.csv"
    kept.write_text("an earlier export\n")
    given = {"--channel": CHANNEL, "--format": "csv", "--out": str(kept)}
    for name, value in zip(options[::2], options[1::2], strict=True):
        given[name] = value.replace("{tmp}", str(tmp_path))
    before = sorted(p.name for p in tmp_path.iterdir())

    done = run_stagedoor("export", "--db", sqlite_url, *[part for item in given.items() for part in item])

    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("stagedoor: ") and wanted in line
    assert kept.read_text() == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no partial or temporary file left


def test_R2_an_export_from_a_database_that_is_not_there_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"

    done = run_stagedoor("export", "--db", f"sqlite+aiosqlite:///{missing}", "--channel", CHANNEL, "--format", "json")

    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == f"stagedoor: there is no database at {missing}; give the bot's database with --db URL"
    assert not missing.exists()
