"""The core benchmark runs in quick mode and prints its figures in the documented shape (reported, not asserted)."""

from __future__ import annotations

import json

import pytest

from benchmarks.__main__ import main
from benchmarks.core import MIX


def test_quick_core_benchmark_prints_json_with_every_size_and_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--json", "--no-persisted"]) == 0
    figures = json.loads(capsys.readouterr().out)
    core = figures["core"]
    assert figures["quick"] is True and figures["persisted"] is None
    assert [size["people"] for size in core["sizes"]] == [10, 1_000, 10_000]
    for size in core["sizes"]:
        assert set(size["per_command"]) == set(MIX)
        assert all(value > 0 for value in size["per_command"].values())
        assert size["mix"] == pytest.approx(sum(size["per_command"].values()) / len(MIX), abs=0.01)
    assert core["ratio"] == pytest.approx(core["sizes"][-1]["mix"] / core["sizes"][0]["mix"], rel=0.01)
    assert core["target_ratio"] == 1.5 and isinstance(core["meets_target"], bool)


def test_the_readable_table_names_the_ratio_and_its_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--no-persisted"]) == 0
    out = capsys.readouterr().out
    assert "people" in out and "join" in out and "cost@10,000 / cost@10 =" in out and "target <= 1.5" in out
    json.loads(out.strip().splitlines()[-1])
