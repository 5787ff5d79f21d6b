"""Every rule in docs/rules.md that is built has a test named with its id; planned rules are listed as such.

The rule ids, their status and where each is carried out come from docs/rules.md itself, so adding a
rule there asks for its test, and dropping one that tests still cite fails here.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import errors
from core.events import EVENT_TYPES

TESTS = Path(__file__).resolve().parents[1]
RULES = TESTS.parent / "docs" / "rules.md"
# Where each place a rule is carried out must have a test naming it.
# "console": only the console adapter carries it out so far (Slack and Discord do not yet).
# "cli": a `stagedoor` subcommand carries it out (Slack and Discord do not yet).
TEST_FOLDERS = {
    "core": ("unit",),
    "store": ("integration",),
    "adapters": ("slack", "discord", "e2e"),
    "console": ("e2e",),
    "cli": ("e2e",),  # a `stagedoor` subcommand other than the console (e.g. `export`), run as a real process
}

HEADING = re.compile(r"^### (?P<id>[A-Z]\d+) · \S", re.MULTILINE)
STATUS = re.compile(r"^Status: (?P<status>implemented|planned)(?: \((?P<where>[a-z, ]+)\))?$")
# A rule id inside a test's name: test_J5_..., test_C3_C4_..., ..._X3_...
ID_IN_NAME = re.compile(r"(?<=_)([A-Z]\d+)(?=_|$)")


@dataclass(frozen=True)
class Rule:
    id: str
    planned: bool
    where: tuple[str, ...]


def rules_in(text: str) -> dict[str, Rule]:
    """Return every rule the page defines, with the status line under its heading."""
    found: dict[str, Rule] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading is None:
            continue
        rule_id = heading["id"]
        assert rule_id not in found, f"docs/rules.md defines {rule_id} twice"
        status = STATUS.match(lines[index + 1]) if index + 1 < len(lines) else None
        assert status is not None, f"docs/rules.md: {rule_id} needs a 'Status: …' line right under its heading"
        where = tuple(w.strip() for w in (status["where"] or "").split(",") if w.strip())
        planned = status["status"] == "planned"
        assert planned != bool(where), f"docs/rules.md: {rule_id} must say where it is implemented, or be planned"
        unknown = set(where) - set(TEST_FOLDERS)
        assert not {"adapters", "console"} <= set(where), f"docs/rules.md: {rule_id} names console and adapters"
        assert not unknown, f"docs/rules.md: {rule_id} names unknown places {sorted(unknown)}"
        found[rule_id] = Rule(rule_id, planned, where)
    return found


@functools.cache
def cited_in_test_names(folders: tuple[str, ...] | None = None) -> dict[str, set[str]]:
    """Return each rule id named by a test function, with the test files that name it."""
    roots = [TESTS / folder for folder in folders] if folders else [TESTS]
    cited: dict[str, set[str]] = {}
    for root in roots:
        for path in sorted(root.rglob("test_*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                    for rule_id in ID_IN_NAME.findall(node.name):
                        cited.setdefault(rule_id, set()).add(str(path.relative_to(TESTS.parent)))
    return cited


RULEBOOK = rules_in(RULES.read_text())
BUILT = sorted((r for r in RULEBOOK.values() if not r.planned), key=lambda r: (r.id[0], int(r.id[1:])))
PLANNED = sorted((r.id for r in RULEBOOK.values() if r.planned), key=lambda i: (i[0], int(i[1:])))


def test_the_rules_page_numbers_each_family_of_rules_from_one_without_gaps() -> None:
    families: dict[str, list[int]] = {}
    for rule_id in RULEBOOK:
        families.setdefault(rule_id[0], []).append(int(rule_id[1:]))
    assert len(families) >= 8, f"docs/rules.md has too few rule families to be the rulebook: {sorted(families)}"
    for letter, numbers in families.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"{letter} rules are numbered {sorted(numbers)}"


@pytest.mark.parametrize("rule", BUILT, ids=[r.id for r in BUILT])
def test_every_implemented_rule_has_a_test_named_with_its_id_where_it_is_built(rule: Rule) -> None:
    for place in rule.where:
        folders = TEST_FOLDERS[place]
        assert rule.id in cited_in_test_names(folders), (
            f"{rule.id} is implemented ({place}) in docs/rules.md, but no test under "
            f"{', '.join('tests/' + f for f in folders)} has {rule.id} in its name"
        )


# Rules an adapter cannot carry out on one platform, with the reason the docs give.
NOT_ON = {("C5", "slack"): "Slack's huddle data carries no microphone state (docs/slack.md)"}
ADAPTER_RULES = [r for r in BUILT if "adapters" in r.where]


@pytest.mark.parametrize("rule", ADAPTER_RULES, ids=[r.id for r in ADAPTER_RULES])
def test_every_rule_built_in_the_adapters_has_a_slack_test_and_a_discord_test_naming_it(rule: Rule) -> None:
    for platform in ("slack", "discord"):
        if (rule.id, platform) in NOT_ON:
            assert rule.id not in cited_in_test_names((platform,)), f"{rule.id} is tested on {platform}: drop NOT_ON"
            continue
        assert rule.id in cited_in_test_names((platform,)), f"{rule.id} is built in the adapters: tests/{platform}/"


def test_every_rule_id_a_test_cites_is_a_rule_in_docs_rules_md() -> None:
    unknown = {rule_id: files for rule_id, files in cited_in_test_names().items() if rule_id not in RULEBOOK}
    assert not unknown, f"tests cite rule ids docs/rules.md does not define: {unknown}"


def test_no_planned_rule_is_yet_claimed_by_any_test() -> None:
    # One test, not one per planned rule: with every rule built, an empty parameter list would only skip.
    claimed = {rule_id: sorted(files) for rule_id in PLANNED if (files := cited_in_test_names().get(rule_id))}
    assert not claimed, f"planned rules have tests ({claimed}): mark them implemented in docs/rules.md"


def test_the_core_rules_include_the_ones_the_core_cites_in_its_code() -> None:
    core = TESTS.parent / "core"
    cited = {m for path in core.rglob("*.py") for m in re.findall(r"\b([MJCLQTRAX]\d{1,2})\b", path.read_text())}
    built_in_core = {r.id for r in BUILT if "core" in r.where}
    assert cited <= set(RULEBOOK), f"core cites {sorted(cited - set(RULEBOOK))}, which docs/rules.md lacks"
    assert cited <= built_in_core, f"core implements {sorted(cited - built_in_core)}: mark them implemented (core)"


def _table(heading: str) -> dict[str, str]:
    """Return the first column (in backticks) and the last column of the table under a heading."""
    section = RULES.read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z_.]+)` \|(?:.*\|)? ([^|]+) \|$", line)
        if match:
            rows[match[1]] = match[2].strip()
    return rows


def test_the_events_table_marks_exactly_the_events_the_core_emits_as_implemented() -> None:
    table = _table("Events")
    implemented = {name for name, status in table.items() if status == "implemented"}
    assert set(table.values()) <= {"implemented", "planned"}
    assert implemented == set(EVENT_TYPES), f"docs/rules.md vs core.events: {implemented ^ set(EVENT_TYPES)}"


def test_the_error_codes_table_lists_exactly_the_codes_the_core_refuses_with() -> None:
    table = _table("Error codes")
    codes = {cls.code for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.StageError)}
    assert set(table) == codes, f"docs/rules.md vs core.errors: {set(table) ^ codes}"
