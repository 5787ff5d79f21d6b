"""stagedoor is MIT-licensed, and its package metadata says so."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_licence_file_is_the_mit_licence_of_the_stagedoor_authors() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the stagedoor authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_the_package_declares_mit_as_an_spdx_expression_with_a_setuptools_that_reads_it() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    # A plain string is an SPDX expression only from setuptools 77 on; older ones refuse to build it.
    (setuptools,) = [r for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    floor = re.fullmatch(r"setuptools>=(\d+)(?:\.\d+)*", setuptools)
    assert floor is not None and int(floor[1]) >= 77, setuptools
    assert not any("License ::" in c for c in pyproject["project"].get("classifiers", [])), "use the expression only"
