"""The stale-cache benchmark runs quick and prints its figures in the documented shape (reported, not asserted)."""

from __future__ import annotations

import json

import pytest

from benchmarks.__main__ import main


def test_quick_stale_benchmark_prints_one_and_two_store_figures_with_their_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--stale", "--quick"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "one store" in lines[0] and "two stores alternating" in lines[0] and "target <= 2.0" in lines[0]
    figures = json.loads(lines[-1])
    assert figures["quick"] is True and list(figures["stale"]) == ["sqlite"]
    found = figures["stale"]["sqlite"]
    assert found["people"] == 10_000 and found["commands"] > 0
    assert found["one_store_ms"] > 0 and found["two_stores_ms"] > 0
    # Both figures are rounded before the ratio is taken from them here: allow for that as well.
    assert found["ratio"] == pytest.approx(found["two_stores_ms"] / found["one_store_ms"], abs=0.015)
    assert found["target_ratio"] == 2.0 and isinstance(found["meets_target"], bool)
