"""Compare rendered words with the checked-in expected files; STAGEDOOR_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

UPDATE = "STAGEDOOR_UPDATE_GOLDEN"
HERE = Path(__file__).resolve().parent


def updating() -> bool:
    """Say whether this run rewrites the expected files instead of checking them."""
    return os.environ.get(UPDATE, "") not in ("", "0")


def check(path: Path, actual: str) -> None:
    """Fail with a diff when `actual` differs from the file at `path` (or rewrite the file when updating)."""
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path.relative_to(HERE)} is missing; run the golden tests with {UPDATE}=1 to write it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), "expected", "rendered"
        )
        raise AssertionError(
            f"{path.relative_to(HERE)} differs from what is rendered now; if the change is meant, "
            f"rerun with {UPDATE}=1 and review the diff:\n" + "".join(diff)
        )
