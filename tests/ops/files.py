"""Readers for the packaging files under test: the Dockerfile, compose.yaml, the lock files."""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str] | None:
        """Return the JSON (exec) form of the arguments, or None when they are in shell form."""
        try:
            value = json.loads(self.arguments)
        except ValueError:
            return None
        return value if isinstance(value, list) else None


def dockerfile_instructions(path: Path = ROOT / "Dockerfile") -> list[Instruction]:
    """Parse a Dockerfile into its instructions: comments dropped, continued lines joined."""
    instructions: list[Instruction] = []
    pending = ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_env(instructions: list[Instruction]) -> dict[str, str]:
    """Return the variables the Dockerfile's ENV instructions set (KEY=VALUE form)."""
    env: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.arguments):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def compose(path: Path = ROOT / "compose.yaml") -> dict[str, Any]:
    """Load compose.yaml as plain data."""
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


def interpolate(value: str, environment: dict[str, str]) -> str:
    """Expand ${VAR} and ${VAR:-default} the way Compose does ($$ is a literal $)."""

    def expand(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        found = environment.get(match["name"], "")
        return found if found else (match["default"] or "")

    return _VARIABLE.sub(expand, value)


def environment_of(service: dict[str, Any], outside: dict[str, str] | None = None) -> dict[str, str]:
    """Return a service's `environment`, interpolated from the given outside variables."""
    raw = service.get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    variables = dict(os.environ) if outside is None else outside
    return {key: interpolate(str(value), variables) for key, value in raw.items()}


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: tuple[str, ...]


def lock_pins(path: Path) -> dict[str, Pin]:
    """Parse a pip-compile lock file into its pins, by canonical name; raise ValueError on a line that is not one."""
    pins: dict[str, Pin] = {}
    entries = re.sub(r"\\\n", " ", path.read_text())
    for line in entries.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!_-]+)", requirement)
        if match is None:
            raise ValueError(f"{path.name}: not an exact pin: {line!r}")
        hashes = tuple(option.removeprefix("--hash=") for option in options if option.startswith("--hash="))
        if len(hashes) != len(options):
            raise ValueError(f"{path.name}: unexpected options in {line!r}")
        pins[canonicalize_name(match[1])] = Pin(match[1], match[2], hashes)
    return pins
