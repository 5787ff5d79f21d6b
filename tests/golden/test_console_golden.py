"""Every event, in each of its variants, as each recipient reads it in the console: text and JSON lines."""

from __future__ import annotations

import json

import pytest

from adapters.console.render import as_json, as_text
from core.events import EVENT_TYPES, Event
from tests.golden.catalogue import cases_of
from tests.golden.golden import HERE, check, updating

STYLE = HERE / "console"


def _rendered(event_type: type[Event]) -> tuple[str, str]:
    text, lines = [], []
    for case in cases_of(event_type):
        text.append(f"## {case.name}")
        lines.append(f"## {case.name}")
        for recipient in case.event.recipients():
            text.append(as_text((recipient, case.event), case.batch))
            lines.append(as_json((recipient, case.event)))
        text.append("")
        lines.append("")
    return "\n".join(text), "\n".join(lines)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_console_words_for_every_variant_match_the_checked_in_text(name: str) -> None:
    text, _ = _rendered(EVENT_TYPES[name])
    check(STYLE / "text" / f"{name}.txt", text)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_console_json_for_every_variant_matches_the_checked_in_lines(name: str) -> None:
    _, lines = _rendered(EVENT_TYPES[name])
    for line in lines.splitlines():
        if line and not line.startswith("## "):
            assert "refusal" not in json.loads(line)  # a refusal's data is for words, never printed as a field
    check(STYLE / "json" / f"{name}.jsonl", lines)


def test_every_checked_in_console_file_belongs_to_an_event_type() -> None:
    if updating():
        pytest.skip("rewriting the expected files")
    expected = {f"text/{name}.txt" for name in EVENT_TYPES} | {f"json/{name}.jsonl" for name in EVENT_TYPES}
    found = {str(path.relative_to(STYLE)) for path in STYLE.rglob("*.*")}
    assert found == expected
