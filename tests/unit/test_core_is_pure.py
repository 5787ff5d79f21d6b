"""core/ is pure: it imports only the standard library and itself, and is handed the time."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
SOURCES = sorted(CORE.rglob("*.py"))
CLOCK_READS = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "time_ns"), ("time", "monotonic"), ("time", "monotonic_ns"),
    ("time", "perf_counter"), ("time", "perf_counter_ns"), ("time", "localtime"), ("time", "gmtime"),
    ("loop", "time"),
}  # fmt: skip
CLOCK_NAMES = {"now", "utcnow", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns"}


def imported_roots(tree: ast.AST) -> set[str]:
    """Return the top-level package of every absolute import in a module."""
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def dynamic_imports(tree: ast.AST) -> list[str]:
    """Return every import the import statements would not show: `__import__`, `importlib`, `import_module`."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("__import__", "import_module"):
                found.append(f"line {node.lineno}: {name}()")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: imports {module}" for module in modules if module.startswith("importlib")]
    return found


def clock_reads(tree: ast.AST) -> list[str]:
    """Return every call in a module that reads the clock."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                owner = func.value
                owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
                if (owner_name, func.attr) in CLOCK_READS or func.attr in CLOCK_NAMES:
                    found.append(f"line {node.lineno}: {owner_name}.{func.attr}()")
            elif isinstance(func, ast.Name) and func.id in CLOCK_NAMES | {"time"}:
                found.append(f"line {node.lineno}: {func.id}()")
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            names = {alias.name for alias in node.names}
            if names & (CLOCK_NAMES | {"time", "datetime"}):
                found.append(f"line {node.lineno}: from {node.module} import {', '.join(sorted(names))}")
    return found


def test_core_has_modules_to_check() -> None:
    names = {path.relative_to(CORE).as_posix() for path in SOURCES}
    assert names >= {"rules/__init__.py", "rules/joining.py", "room.py", "events.py", "service.py"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_core_imports_only_the_standard_library_and_itself(path: Path) -> None:
    outside = imported_roots(ast.parse(path.read_text(), str(path))) - set(sys.stdlib_module_names) - {"core"}
    assert not outside, f"{path.name} imports {sorted(outside)}: core/ must stay standard-library only"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_core_imports_only_by_import_statements_the_check_can_see(path: Path) -> None:
    found = dynamic_imports(ast.parse(path.read_text(), str(path)))
    assert not found, f"{path.name} imports dynamically ({found}); write a plain import statement"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_core_never_reads_the_clock_itself(path: Path) -> None:
    reads = clock_reads(ast.parse(path.read_text(), str(path)))
    assert not reads, f"{path.name} reads the clock ({reads}); take `now` or a clock as a parameter"


def test_the_checks_themselves_catch_offenders() -> None:
    offender = ast.parse("import sqlalchemy\nfrom datetime import datetime\nimport time\ndatetime.now()\ntime.time()")
    assert imported_roots(offender) - set(sys.stdlib_module_names) == {"sqlalchemy"}
    assert len(clock_reads(offender)) == 3
    hidden = ast.parse("import importlib\nfrom importlib import import_module\n__import__('x')\nimport_module('y')")
    assert len(dynamic_imports(hidden)) == 4
