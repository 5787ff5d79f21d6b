"""The packages keep their shape: no import cycles, short modules, adapters apart from bot/ and on core's limits."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "adapters", "bot", "benchmarks")
MAX_LINES = 400


@dataclass(frozen=True)
class Import:
    """One import statement's target inside the project, with where it was written."""

    importer: str
    imported: str
    line: int


def module_names(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Map every module's dotted name to its file (a package's name to its __init__.py)."""
    names: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names[".".join(parts)] = path
    return names


def imports_of(name: str, tree: ast.AST, known: Mapping[str, object], is_package: bool) -> list[Import]:
    """Return every project module a module imports, wherever the import sits (functions, TYPE_CHECKING)."""
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(name, node.level, node.module, is_package)
            # `from x import y` imports module x.y when y is a module, else the name y from module x.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            module = nearest_known(target, known)
            if module is not None and module != name:
                found.append(Import(name, module, node.lineno))
    return found


def resolve_relative(name: str, level: int, module: str | None, is_package: bool) -> str:
    """Return the absolute module a (possibly relative) `from ... import` names."""
    if level == 0:
        return module or ""
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


def nearest_known(target: str, known: Mapping[str, object]) -> str | None:
    """Return the project module a dotted import target lands in, or None for the standard library and others."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph(modules: Mapping[str, Path]) -> list[Import]:
    """Return every import between project modules."""
    edges: list[Import] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        edges += imports_of(name, tree, modules, path.name == "__init__.py")
    return edges


def cyclic_groups(edges: Iterable[tuple[str, str]]) -> list[frozenset[str]]:
    """Return every group of modules that reach each other through imports (Tarjan's strongly connected components)."""
    graph = adjacency(edges)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[frozenset[str]] = []

    def connect(node: str) -> None:  # recursion is fine: the import graph is a few hundred modules at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph[node]):
            if neighbour not in index:
                connect(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group: set[str] = set()
            member = ""
            while member != node:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
            if len(group) > 1 or node in graph[node]:
                groups.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups, key=min)


def adjacency(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Return each module's imported modules."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    return graph


def cycle_within(group: frozenset[str], graph: Mapping[str, set[str]]) -> list[str]:
    """Return a shortest cycle through the group's first module, staying inside the group."""
    start = min(group)
    paths: dict[str, list[str]] = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for neighbour in sorted(graph[node] & group):
                if neighbour == start:
                    return [*paths[node], start]
                if neighbour not in paths:
                    paths[neighbour] = [*paths[node], neighbour]
                    following.append(neighbour)
        frontier = following
    raise AssertionError(f"{sorted(group)} is strongly connected but has no cycle through {start}")


def describe(cycle: list[str], lines: Mapping[tuple[str, str], int]) -> str:
    """Write a cycle as `a (line n) -> b (line m) -> a`."""
    steps = [f"{source} (line {lines[source, target]})" for source, target in zip(cycle, cycle[1:], strict=False)]
    return " -> ".join([*steps, cycle[-1]])


def package_of(module: str) -> str:
    """Return the top-level package of a dotted module name."""
    return module.split(".")[0]


def line_count(path: Path) -> int:
    """Return how many lines a file has."""
    return len(path.read_text().splitlines())


LIMIT_WORDS = {"max_length", "min_length", "max_value", "min_value"}


def literal_limits(tree: ast.AST) -> list[str]:
    """Return every limit written as a number where a form or option states one (core.limits names them)."""
    found: list[str] = []

    def number(node: ast.AST | None) -> bool:
        return isinstance(node, ast.Constant) and type(node.value) is int

    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in LIMIT_WORDS and number(node.value):
            found.append(f"line {node.value.lineno}: {node.arg}={ast.unparse(node.value)}")
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in LIMIT_WORDS and number(value):
                    found.append(f"line {value.lineno}: {key.value!r}: {ast.unparse(value)}")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).split(".")[-1] == "Range":
            kind, *bounds = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            typed = [  # a text option's minimum of 0 means "no minimum", not a limit core states
                ast.unparse(bound)
                for place, bound in enumerate(bounds)
                if number(bound) and not (place == 0 and ast.unparse(kind) == "str" and ast.unparse(bound) == "0")
            ]
            if typed:
                found.append(f"line {node.lineno}: {', '.join(typed)} in {ast.unparse(node)}")
    return found


MODULES = module_names(ROOT, PACKAGES)
EDGES = import_graph(MODULES)
FIRST_LINE = {(edge.importer, edge.imported): edge.line for edge in reversed(EDGES)}
GROUPS = cyclic_groups(FIRST_LINE)
ADAPTER_SOURCES = sorted(path for name, path in MODULES.items() if package_of(name) == "adapters")


def test_the_packages_have_modules_to_check() -> None:
    assert {"core.room", "core.service", "adapters.platform", "bot.cli", "benchmarks.core"} <= set(MODULES)
    assert ("bot.cli", "bot.settings") in FIRST_LINE


def test_no_module_imports_itself_back_through_any_chain_of_imports() -> None:
    graph = adjacency(FIRST_LINE)
    cycles = [
        f"{describe(cycle_within(group, graph), FIRST_LINE)}  [all of {', '.join(sorted(group))} reach each other]"
        for group in GROUPS
    ]
    assert not cycles, "import cycles (break them by passing in what is needed):\n" + "\n".join(cycles)


@pytest.mark.parametrize("path", sorted(MODULES.values()), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_source_module_is_longer_than_the_limit(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    lines = line_count(path)
    assert lines <= MAX_LINES, f"{relative} has {lines} lines (limit {MAX_LINES}): split it by concern"


def test_adapters_never_import_bot() -> None:
    reaching = [
        f"{edge.importer} (line {edge.line}) imports {edge.imported}"
        for edge in EDGES
        if package_of(edge.importer) == "adapters" and package_of(edge.imported) == "bot"
    ]
    assert not reaching, "adapters import bot/ (pass settings down instead): " + ", ".join(reaching)


@pytest.mark.parametrize("path", ADAPTER_SOURCES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_adapters_take_their_form_limits_from_core(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    found = literal_limits(ast.parse(path.read_text(), str(path)))
    assert not found, f"{relative} types limits in ({found}); import them from core.limits"


def test_the_limit_check_catches_numbers_and_passes_names() -> None:
    offender = ast.parse(
        "f(max_length=200)\n{'max_length': 200}\ndef g(a: app_commands.Range[int, 1, 10000], "
        "b: Range[str, 0, 200]): ...\n"
    )
    assert len(literal_limits(offender)) == 4
    clean = ast.parse("f(max_length=NOTE_LIMIT)\n{'max_length': NOTE_LIMIT}\ng: Range[str, 0, NOTE_LIMIT]\n")
    assert literal_limits(clean) == []


def test_the_import_walk_sees_function_local_type_checking_and_relative_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import b\n")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..c import thing\n")
    (package / "c.py").write_text("import os\nimport pkg.a\n")
    (package / "d.py").write_text("from pkg import a, sub\nfrom pkg.sub.b import f\n")
    lines = {(edge.importer, edge.imported): edge.line for edge in import_graph(module_names(tmp_path, ["pkg"]))}
    assert lines == {
        ("pkg.sub", "pkg.sub.b"): 1,
        ("pkg.a", "pkg.sub.b"): 3,
        ("pkg.sub.b", "pkg.c"): 2,
        ("pkg.c", "pkg.a"): 2,
        ("pkg.d", "pkg.a"): 1,
        ("pkg.d", "pkg.sub"): 1,
        ("pkg.d", "pkg.sub.b"): 2,
    }


def test_the_cycle_check_names_each_cycle_with_its_import_lines() -> None:
    lines = {("a", "b"): 3, ("b", "c"): 2, ("c", "a"): 7, ("c", "d"): 1, ("d", "e"): 1, ("e", "d"): 4}
    groups = cyclic_groups(lines)
    assert groups == [frozenset("abc"), frozenset("de")]
    assert describe(cycle_within(groups[0], adjacency(lines)), lines) == "a (line 3) -> b (line 2) -> c (line 7) -> a"
    assert cyclic_groups([("x", "y"), ("y", "z")]) == []
    assert cyclic_groups([("x", "x")]) == [frozenset("x")]
