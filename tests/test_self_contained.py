"""The project needs nothing outside its own checkout: no file reads a folder beside it, and tests pass from a copy.

A clone has only the tracked files, in a directory whose parent holds nothing else of the project's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("tests", "scripts", ".ci", "bot", "adapters", "core", "benchmarks", "migrations", "docs")
# A path into a "shared" folder beside or above the checkout, spelled as text or as pathlib joins.
OUTSIDE = re.compile(r'\.\./shared|parent(s\[[0-9]\])?\s*/\s*"shared"|"shared"\s*/')
# Enough of the suite to load every piece of copied platform data and the rules page, and quick to run.
SLICE = (
    "tests/data",
    "tests/unit/test_every_rule_is_tested.py",
    "tests/slack/test_manifest.py",
    "tests/slack/test_huddle.py",
    "tests/discord/test_invite_and_limits.py",
)


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".db"):
                files.append(path)
    return files


def test_the_pattern_catches_each_way_of_reaching_a_shared_folder_outside_the_checkout() -> None:
    shared = '"' + "shared" + '"'  # spelled in pieces so that this file itself stays clean
    offenders = [
        'open("../" "shared/platform/x.json")'.replace('" "', ""),
        f'Path(__file__).parents[2] / ".." / {shared} / "platform"',
        f"HERE.parents[2] / {shared} / 'spec'",
        f"Path(__file__).parent / {shared}",
    ]
    assert all(OUTSIDE.search(line) for line in offenders)
    assert not OUTSIDE.search('"is_ext_shared_channel": False,  # the engine may have closed the shared connection')


def test_no_file_in_the_project_reads_a_shared_folder_outside_the_checkout() -> None:
    found = []
    for path in scanned_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "these read outside the checkout; keep the data in the project instead:\n" + "\n".join(found)


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"not a git checkout, so there is no list of tracked files to copy ({error})")
    return [name for name in listed.split("\0") if name]


def test_a_slice_of_the_suite_passes_from_a_copy_of_the_tracked_files_with_nothing_beside_it(tmp_path: Path) -> None:
    clone = tmp_path / "stagedoor"
    for name in tracked_files():
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not in a clone either
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stagedoor"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    where = subprocess.run(
        [sys.executable, "-c", "import core, tests.data; print(core.__file__); print(tests.data.PLATFORM)"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    assert all(Path(line).is_relative_to(clone) for line in where.stdout.split()), where.stdout

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SLICE],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = run.stdout.strip().splitlines()[-1:] if run.stdout.strip() else []
    assert run.returncode == 0, f"from a copy of the tracked files:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    assert summary and " passed" in summary[0] and "skipped" not in summary[0], summary
