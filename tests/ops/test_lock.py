"""The lock files pin what pyproject.toml asks for, with hashes, and the test run uses them."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.ops.files import ROOT, lock_pins

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(line) for line in PYPROJECT["project"]["dependencies"]]
TEST = [Requirement(line) for line in PYPROJECT["project"]["optional-dependencies"]["test"]]
BUILD = [Requirement(line) for line in PYPROJECT["build-system"]["requires"]]
LOCKS = {"requirements.lock": RUNTIME + BUILD, "requirements-test.lock": RUNTIME + TEST + BUILD}
REFRESH = "pyproject.toml and the lock files disagree: run scripts/lock and commit the lock files"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_dependency_of_pyproject_is_pinned_inside_its_range(lock: str) -> None:
    pins = lock_pins(ROOT / lock)
    problems = []
    for requirement in LOCKS[lock]:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement} is not in {lock}")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{lock} pins {pin.name}=={pin.version}, outside {requirement}")
    assert not problems, f"{REFRESH}: " + "; ".join(problems)


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pinned_line_carries_a_sha256_hash(lock: str) -> None:
    pins = lock_pins(ROOT / lock)
    assert pins
    unhashed = [pin.name for pin in pins.values() if not pin.hashes]
    assert not unhashed, f"{lock} has pins without a hash: {unhashed} (run scripts/lock)"
    assert all(h.startswith("sha256:") and len(h) == len("sha256:") + 64 for p in pins.values() for h in p.hashes)


def test_the_test_lock_pins_every_runtime_package_at_the_runtime_version() -> None:
    runtime, test = lock_pins(ROOT / "requirements.lock"), lock_pins(ROOT / "requirements-test.lock")
    differ = {name: (pin.version, test[name].version if name in test else None) for name, pin in runtime.items()}
    assert {name: versions for name, versions in differ.items() if versions[0] != versions[1]} == {}


def test_the_lock_reader_refuses_a_range_and_finds_a_missing_hash(tmp_path: Path) -> None:
    ranged = tmp_path / "ranged.lock"
    ranged.write_text("aiohttp>=3.9 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    with pytest.raises(ValueError, match="not an exact pin"):
        lock_pins(ranged)
    bare = tmp_path / "bare.lock"
    bare.write_text("aiohttp==3.9.0\n    # via stagedoor\n")
    assert lock_pins(bare)["aiohttp"].hashes == ()


def installed_version(name: str) -> str | None:
    """Return the installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def test_the_environment_running_these_tests_has_the_test_lock_versions() -> None:
    # scripts/test (and so CI) installs from requirements-test.lock; another version here means it did not.
    pins = lock_pins(ROOT / "requirements-test.lock").values()
    wrong = {pin.name: (pin.version, installed_version(pin.name)) for pin in pins}
    wrong = {name: versions for name, versions in wrong.items() if versions[0] != versions[1]}
    assert wrong == {}, f"(locked, installed) differ; run scripts/test to install from the lock: {wrong}"
