"""The platform data in the checkout is exactly the data its provenance table describes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.data import PLATFORM

README = PLATFORM / "README.md"
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<bytes>[\d,]+) \| `(?P<sha256>[0-9a-f]{64})` \|$", re.MULTILINE)


def recorded() -> dict[str, tuple[int, str]]:
    """Return each file's size and sha256 as the README's checksum table records them."""
    return {m["file"]: (int(m["bytes"].replace(",", "")), m["sha256"]) for m in ROW.finditer(README.read_text())}


def data_files() -> set[str]:
    return {path.name for path in PLATFORM.iterdir() if path.is_file() and path.name != "README.md"}


def test_every_data_file_matches_the_size_and_sha256_its_readme_records() -> None:
    table = recorded()
    wrong = []
    for name, (size, digest) in table.items():
        path: Path = PLATFORM / name
        assert path.is_file(), f"{name} is in the checksum table but not in {PLATFORM}"
        data = path.read_bytes()
        if (len(data), hashlib.sha256(data).hexdigest()) != (size, digest):
            wrong.append(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    assert not wrong, "update the checksum table in README.md (and say where the new copy came from): " + "; ".join(
        wrong
    )


def test_every_data_file_has_a_checksum_and_a_provenance_row() -> None:
    text = README.read_text()
    provenance = text.split("## Provenance", 1)[1].split("\n## ", 1)[0]
    assert data_files() == set(recorded()), "the checksum table and the folder list different files"
    missing = [name for name in sorted(data_files()) if f"| `{name}` |" not in provenance]
    assert not missing, f"no provenance row for {missing}"


def test_each_provenance_row_names_a_licence_or_says_it_is_not_stated() -> None:
    provenance = README.read_text().split("## Provenance", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in provenance.splitlines() if line.startswith("| `")]
    assert len(rows) == len(data_files())
    for row in rows:
        licence = row.rstrip(" |").rsplit(" | ", 1)[1]
        assert re.search(r"MIT|CC BY-SA 4\.0|not stated", licence), row
