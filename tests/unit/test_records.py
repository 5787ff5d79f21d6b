"""R1: each person's figures for the live or the last session."""

from __future__ import annotations

from core import commands as c
from tests.unit.stage import MODERATOR, Stage


def stats(stage: Stage) -> dict[str, dict[str, object]]:
    (reply,) = stage.ok(MODERATOR, c.Stats)
    assert reply["event"] == "stats"
    return {person["user"]: person for person in reply["people"]}


def test_R1_stats_count_stage_seconds_joins_requests_declines_and_waits() -> None:
    stage = Stage()
    stage.ask("ann", "bob")
    stage.wait(4)
    stage.ok(MODERATOR, c.BringToStage, "ann")
    stage.wait(2)
    stage.ok(MODERATOR, c.DeclineRequest, "bob")
    stage.join("ann")
    stage.wait(10.4)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.invite("ann")
    stage.join("ann")
    stage.wait(5)  # a running stint counts up to now
    stage.ok("cid", c.RaiseHand)
    figures = stats(stage)
    assert figures["ann"] == {
        "user": "ann",
        "stage_seconds": 15,
        "joins": 2,
        "requests": 1,
        "declined": 0,
        "waited_seconds": 4,
    }
    assert figures["bob"] == {
        "user": "bob",
        "stage_seconds": 0,
        "joins": 0,
        "requests": 1,
        "declined": 1,
        "waited_seconds": 6,
    }
    assert figures["cid"]["joins"] == 0 and "dee" not in figures


def test_R1_people_are_ordered_by_stage_seconds_most_first_ties_by_name() -> None:
    stage = Stage(mode="open")
    stage.join("cid", "bob", "ann")
    stage.wait(10)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    (reply,) = stage.ok(MODERATOR, c.Stats)
    assert [p["user"] for p in reply["people"]] == ["ann", "bob", "cid"]
    stage.wait(1)
    (reply,) = stage.ok(MODERATOR, c.Stats)
    assert [p["user"] for p in reply["people"]] == ["bob", "cid", "ann"]


def test_R1_outside_a_session_stats_are_the_last_session_s_and_a_new_one_starts_afresh() -> None:
    stage = Stage(mode="open")
    stage.join("ann")
    stage.wait(7)
    stage.ok(MODERATOR, c.EndSession)
    stage.wait(100)
    (reply,) = stage.ok(MODERATOR, c.Stats)
    assert reply["live"] is False and reply["people"][0]["stage_seconds"] == 7
    stage.ok(MODERATOR, c.StartSession)
    (reply,) = stage.ok(MODERATOR, c.Stats)
    assert reply == {"event": "stats", "live": True, "people": []}


def test_R1_with_no_session_ever_people_is_empty_and_only_moderators_ask() -> None:
    stage = Stage(mode=None)
    assert stage.ok(MODERATOR, c.Stats) == [{"event": "stats", "live": False, "people": []}]
    stage.refused("ann", c.Stats, "not_moderator")


def test_R1_cancelled_requests_are_not_counted_as_waiting() -> None:
    stage = Stage()
    stage.ask("ann")
    stage.wait(30)
    stage.ok("ann", c.CancelRequest)
    assert stats(stage)["ann"]["waited_seconds"] == 0
