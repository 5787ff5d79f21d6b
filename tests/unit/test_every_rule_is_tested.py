"""Every rule in the rulebook the core implements has a unit test named with its id."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

HERE = Path(__file__).parent
RULEBOOK = HERE.parents[2] / "shared" / "spec" / "stage-rules.md"
CORE_RULES = [f"M{n}" for n in range(1, 6)] + [f"J{n}" for n in range(1, 13)] + [f"C{n}" for n in range(1, 5)]
CORE_RULES += [f"L{n}" for n in range(1, 4)] + [f"A{n}" for n in range(1, 6)] + ["X1", "X2"]


def rule_ids_in_test_names() -> set[str]:
    """Return every rule id that appears in a test function's name in this folder."""
    found: set[str] = set()
    for path in HERE.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                found |= set(re.findall(r"(?<=_)([MJCLAX]\d+)(?=_)", node.name))
    return found


def test_every_core_rule_has_a_test_named_with_its_id() -> None:
    missing = [rule for rule in CORE_RULES if rule not in rule_ids_in_test_names()]
    assert not missing, f"no unit test named with {missing}"


def test_the_list_of_rules_matches_the_rulebook() -> None:
    if not RULEBOOK.exists():
        pytest.skip(f"the rulebook is not beside this checkout ({RULEBOOK})")
    ids = set(re.findall(r"^- \*\*([MJCLAX]\d+)\*\*", RULEBOOK.read_text(), flags=re.MULTILINE))
    assert ids - {"X3", "X4"} == set(CORE_RULES)
