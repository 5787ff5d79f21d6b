"""T1-T4: turn lengths, warnings, extensions, auto-advance, and timers that fire once each, in order."""

from __future__ import annotations

from typing import Any

import pytest

from core import commands as c
from core.room import warning_offset
from tests.unit.stage import ADMIN, MODERATOR, Stage, names


def timed(turn: int, mode: str = "open", advance: bool = False) -> Stage:
    stage = Stage(mode=mode)
    stage.ok(ADMIN, c.SetTurn, str(turn))
    if advance:
        stage.ok(ADMIN, c.SetAdvance, "on")
    return stage


def tick(stage: Stage, seconds: float) -> list[dict[str, Any]]:
    stage.wait(seconds)
    return stage.run(MODERATOR, c.Tick)


@pytest.mark.parametrize(("length", "offset"), [(300, 30), (60, 30), (59, 29), (45, 22), (2, 1), (1, 0)])
def test_T1_the_warning_comes_30_s_before_the_end_or_at_half_a_short_turn(length: int, offset: int) -> None:
    assert warning_offset(length) == offset


def test_T1_a_turn_warns_then_ends_and_the_speaker_goes_to_the_audience() -> None:
    stage = timed(90)
    stage.join("ann")
    assert tick(stage, 59) == []
    assert tick(stage, 1) == [{"event": "turn.warning", "user": "ann", "seconds_left": 30}]
    assert tick(stage, 29) == []
    assert tick(stage, 1) == [{"event": "stage.left", "user": "ann", "reason": "turn_ended", "by": None}]
    assert stage.room.people["ann"].position == "audience"


def test_T1_moderators_have_no_limit_and_a_1_s_turn_has_no_warning() -> None:
    stage = timed(1)
    stage.join(MODERATOR, "ann")
    assert tick(stage, 1) == [{"event": "stage.left", "user": "ann", "reason": "turn_ended", "by": None}]
    assert tick(stage, 10_000) == []
    assert MODERATOR in stage.room.stage


def test_T1_a_length_changed_mid_turn_applies_to_the_next_turn() -> None:
    stage = timed(100)
    stage.join("ann")
    stage.ok(ADMIN, c.SetTurn, "0")
    stage.join("bob")
    assert names(tick(stage, 100)) == ["turn.warning", "stage.left"]
    assert tick(stage, 10_000) == [] and "bob" in stage.room.stage


def test_T1_turn_length_is_an_admin_setting_from_0_to_86400() -> None:
    stage = Stage()
    stage.refused(MODERATOR, c.SetTurn, "not_admin", "60")
    for bad in ("-1", "86401", "ten", ""):
        stage.refused(ADMIN, c.SetTurn, "bad_argument", bad)
    assert stage.ok(ADMIN, c.SetTurn, "86400") == [
        {"event": "settings.changed", "setting": "turn", "value": 86400, "by": ADMIN}
    ]
    stage.refused(ADMIN, c.SetTurn, "no_change", "86400")
    stage.ok(ADMIN, c.SetTurn, "30", workspace=True)
    assert stage.room.turn == 86400
    stage.ok(ADMIN, c.SetTurn, "0")
    assert stage.room.turn == 0  # the channel's own 0 (no limit) still rules over the workspace's


def test_T2_extend_adds_time_and_the_warning_follows_the_new_length() -> None:
    stage = timed(60)
    stage.join("ann")
    stage.wait(10)
    assert stage.ok(MODERATOR, c.ExtendTurn, "ann", seconds="60") == [
        {"event": "turn.extended", "user": "ann", "seconds": 60, "by": MODERATOR}
    ]
    assert tick(stage, 79) == []
    assert tick(stage, 11) == [{"event": "turn.warning", "user": "ann", "seconds_left": 30}]
    assert names(tick(stage, 30)) == ["stage.left"]


def test_T2_a_warning_already_given_comes_again_only_if_its_new_point_is_ahead() -> None:
    stage = timed(60)
    stage.join("ann", "bob")
    assert names(tick(stage, 35)) == ["turn.warning", "turn.warning"]
    stage.ok(MODERATOR, c.ExtendTurn, "ann", seconds="10")  # new point: 70 - 30 = 40, ahead
    stage.ok(MODERATOR, c.ExtendTurn, "bob", seconds="1")  # new point: 61 - 30 = 31, passed
    assert tick(stage, 5) == [{"event": "turn.warning", "user": "ann", "seconds_left": 30}]
    assert names(tick(stage, 21)) == ["stage.left"]  # bob at 61 s, no second warning
    assert names(tick(stage, 9)) == ["stage.left"]


def test_T2_extend_refuses_bad_seconds_people_off_stage_and_turns_without_limit() -> None:
    stage = timed(60)
    stage.join("ann")
    for bad in ("0", "-5", "x", "86401", ""):
        stage.refused(MODERATOR, c.ExtendTurn, "bad_argument", "ann", seconds=bad)
    stage.refused(MODERATOR, c.ExtendTurn, "not_on_stage", "bob", seconds="10")
    stage.refused("bob", c.ExtendTurn, "not_moderator", "ann", seconds="10")
    stage.join(MODERATOR)
    assert "no time limit" in stage.refused(MODERATOR, c.ExtendTurn, "bad_argument", MODERATOR, seconds="10")


def test_T3_with_auto_advance_a_turn_ending_invites_the_head_of_the_line() -> None:
    stage = timed(10, mode="request", advance=True)
    stage.invite("ann")
    stage.join("ann")
    stage.ask("bob", "cid")
    events = tick(stage, 10)
    assert events[2:] == [
        {"event": "request.approved", "user": "bob", "by": None},
        {"event": "request.next", "user": "cid"},
    ]
    assert names(events[:2]) == ["turn.warning", "stage.left"]


def test_T3_a_removal_advances_but_leaving_the_room_does_not() -> None:
    stage = timed(0, mode="invite", advance=True)
    stage.seat("ann", "bob")
    stage.ok("cid", c.RaiseHand)
    stage.ok("dee", c.RaiseHand)
    assert stage.run("ann", c.Leave) == [{"event": "stage.left", "user": "ann", "reason": "left_room", "by": None}]
    events = stage.ok(MODERATOR, c.RemoveFromStage, "bob")
    assert events[1:] == [
        {"event": "hand.lowered", "user": "cid", "by": None},
        {"event": "invitation.sent", "user": "cid", "by": None},
    ]


def test_T3_a_moderator_moving_someone_with_the_platform_s_controls_advances_like_a_removal() -> None:
    stage = timed(0, mode="invite", advance=True)
    stage.seat("ann", "bob")
    stage.ok("cid", c.RaiseHand)
    assert names(stage.run("ann", c.MovedToAudience)) == ["stage.left"]  # by nobody: ann left the stage herself
    events = stage.run("bob", c.MovedToAudience, by=MODERATOR)
    assert names(events) == ["stage.left", "hand.lowered", "invitation.sent"]


def test_T3_auto_advance_is_off_by_default_and_takes_on_or_off() -> None:
    stage = timed(5)
    stage.join("ann")
    stage.ok("bob", c.RaiseHand)
    assert names(tick(stage, 5)) == ["turn.warning", "stage.left"]
    stage.refused(ADMIN, c.SetAdvance, "bad_argument", "maybe")
    stage.refused(MODERATOR, c.SetAdvance, "not_admin", "on")
    assert stage.ok(ADMIN, c.SetAdvance, "ON")[0]["value"] is True
    stage.refused(ADMIN, c.SetAdvance, "no_change", "on")
    stage.join("cid")
    assert names(tick(stage, 5)) == ["turn.warning", "stage.left", "hand.lowered", "invitation.sent"]


def test_T4_timers_due_at_once_fire_once_each_in_due_order_at_their_own_time() -> None:
    stage = timed(40, mode="request", advance=True)
    stage.ok(ADMIN, c.SetExpiry, "15")
    stage.invite("ann")
    stage.join("ann")  # warned at 20, ends at 40
    stage.wait(5)
    stage.invite("bob")  # expires at 20, set after ann's warning: fires after it
    stage.ask("cid")
    events = tick(stage, 1000)
    assert events == [
        {"event": "turn.warning", "user": "ann", "seconds_left": 20},
        {"event": "invitation.expired", "user": "bob"},
        {"event": "stage.left", "user": "ann", "reason": "turn_ended", "by": None},
        {"event": "request.approved", "user": "cid", "by": None},  # at 40: its invitation lapses at 55
        {"event": "invitation.expired", "user": "cid"},
    ]
    assert tick(stage, 1000) == []


def test_T4_a_turn_ending_during_a_long_wait_counts_stage_time_to_its_own_end() -> None:
    stage = timed(30)
    stage.join("ann")
    tick(stage, 500)
    (stats,) = stage.ok(MODERATOR, c.Stats)
    assert stats["people"][0]["stage_seconds"] == 30
