"""scripts/start installs from requirements.lock into a fresh .venv once, and not again until something changed.

This runs the real script, with real pip and a real venv, in a copy of the checkout (the first install takes
the packages from pip's cache or the package index).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ops.files import ROOT

LEFT_OUT = shutil.ignore_patterns(
    ".venv", ".git", ".env", "data", "__pycache__", "*.egg-info", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    ".hypothesis", "build", "dist",
)  # fmt: skip


def run_start(checkout: Path) -> subprocess.CompletedProcess[str]:
    """Run scripts/start in the copy, as from a terminal-less shell with no platform tokens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "STAGEDOOR_", "VIRTUAL_ENV"))}
    return subprocess.run(
        ["bash", "scripts/start"], cwd=checkout, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def start(checkout: Path) -> subprocess.CompletedProcess[str]:
    """Run scripts/start in the copy and check that it played the console demo."""
    completed = run_start(checkout)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-3000:]
    assert "== examples/webinar.stage" in completed.stdout
    assert "session.started" in completed.stdout or "[everyone]" in completed.stdout
    return completed


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    copy = tmp_path / "stagedoor"
    shutil.copytree(ROOT, copy, ignore=LEFT_OUT, symlinks=True)
    return copy


def test_start_installs_once_then_skips_the_install_until_the_lock_or_pyproject_changes(checkout: Path) -> None:
    first = start(checkout)
    assert "Installing stagedoor into .venv from requirements.lock" in first.stdout
    stamp = checkout / ".venv" / ".stagedoor-installed"
    assert stamp.read_text().startswith("requirements.lock ")
    installed = sorted(p.name for p in (checkout / ".venv" / "lib").glob("python3*/site-packages/*"))
    assert any(name.startswith("slack_bolt") for name in installed)

    second = start(checkout)
    assert "Installing" not in second.stdout
    assert "up to date with requirements.lock" in second.stdout

    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# changed\n")
    third = start(checkout)
    assert "Installing stagedoor into .venv from requirements.lock" in third.stdout

    (checkout / "requirements.lock").write_text("not-a-package-of-any-index==0.0.1 --hash=sha256:" + "0" * 64 + "\n")
    broken = run_start(checkout)
    assert broken.returncode == 1
    assert "installing from requirements.lock failed" in broken.stderr
    assert not stamp.exists(), "a failed install leaves no stamp, so the next run tries again"
