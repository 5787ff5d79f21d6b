"""CI runs the README's test command, and that command installs from the lock."""

from __future__ import annotations

import re

from tests.ops.files import ROOT


def commands(path: str) -> list[str]:
    """Return a shell script's lines that are not blank or comments."""
    lines = (ROOT / path).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_ci_runs_exactly_the_test_command_the_readme_gives() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "```sh\n./scripts/test\n```" in readme
    assert commands(".ci/run")[-1] == "exec bash scripts/test"


def test_scripts_test_and_start_install_only_from_the_locks_with_hashes() -> None:
    assert "install_locked requirements-test.lock" in commands("scripts/test")
    assert "install_locked requirements.lock requirements-test.lock" in commands("scripts/start")
    installs = [line for line in commands("scripts/_venv.sh") if "pip install" in line]
    assert installs and all(
        re.search(r"--require-hashes -r \"\$lock\"", line) or "--no-deps --no-build-isolation -e ." in line
        for line in installs
    ), installs
    for script in ("scripts/test", "scripts/start"):
        assert not [line for line in commands(script) if "pip install" in line], f"{script} installs outside the lock"
