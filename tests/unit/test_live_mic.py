"""C5: where only the microphone shows, a live mic is activity until it goes off."""

from __future__ import annotations

import copy

from core import commands as c
from core.room import Room
from tests.unit.stage import ADMIN, MODERATOR, PEOPLE, Stage, snapshot


def full_stage(capacity: int, *seated: str) -> Stage:
    """Return an open session whose stage holds `seated`, in that order, with the capacity set."""
    stage = Stage(mode="open", people=(*PEOPLE, "fay", "gus"))
    stage.ok(ADMIN, c.SetCapacity, str(capacity))
    stage.seat(*seated)
    return stage


def mic(stage: Stage, user: str, on: bool) -> None:
    """Report that a mic went on or off; nobody is ever told."""
    assert stage.run(user, c.MicChanged, on) == []


def moved_by(stage: Stage, joiner: str) -> str:
    """Return who makes room when `joiner` joins the full stage."""
    left, joined = stage.join(joiner)
    assert left["reason"] == "evicted" and joined["evicted"] == left["user"]
    return str(left["user"])


def test_C5_a_full_stage_moves_a_muted_speaker_before_one_with_a_live_mic() -> None:
    stage = full_stage(2, "ann", "bob")
    mic(stage, "ann", True)  # ann joined first and never spoke, but her mic is live
    stage.wait(10)
    assert moved_by(stage, "cid") == "bob"


def test_C5_muted_speakers_go_longest_muted_first() -> None:
    stage = full_stage(3, "ann", "bob", "cid")
    for user in ("ann", "bob", "cid"):
        mic(stage, user, True)
    stage.wait(5)
    mic(stage, "bob", False)
    stage.wait(5)
    mic(stage, "ann", False)
    stage.wait(5)
    assert moved_by(stage, "dee") == "bob"
    assert moved_by(stage, "eve") == "ann"


def test_C5_the_moment_a_mic_goes_off_is_the_last_activity() -> None:
    stage = full_stage(2, "ann", "bob")
    stage.wait(5)
    mic(stage, "ann", True)
    stage.wait(5)
    stage.ok("bob", c.Speak)  # bob active at t+10
    stage.wait(10)
    mic(stage, "ann", False)  # ann's last activity is t+20, later than bob's speech
    assert stage.room.people["ann"].last_active == stage.now
    stage.wait(5)
    assert moved_by(stage, "cid") == "bob"


def test_C5_with_every_non_moderator_live_the_earliest_joiner_is_moved_whoever_spoke_last() -> None:
    stage = full_stage(4, MODERATOR, "ann", "bob", "cid")  # the moderator's mic stays off: never moved anyway
    for user in ("cid", "bob", "ann"):
        mic(stage, user, True)
    stage.wait(5)
    stage.ok("ann", c.Speak)  # speaking over a live mic changes nothing: she was already active
    stage.wait(5)
    assert moved_by(stage, "dee") == "ann"
    stage.wait(5)
    assert moved_by(stage, "eve") == "dee", "dee joined with her mic off: the one muted speaker goes first"
    mic(stage, "eve", True)
    assert moved_by(stage, "fay") == "bob"


def test_C5_a_mic_switched_on_in_the_audience_does_not_count() -> None:
    stage = full_stage(2, "ann")
    mic(stage, "bob", True)  # in the audience: counts for nothing
    assert not stage.room.people["bob"].mic_live
    stage.wait(5)
    stage.seat("bob")  # bob joins at t+5 with his mic off
    stage.wait(5)
    stage.ok("ann", c.Speak)
    stage.wait(5)
    assert moved_by(stage, "cid") == "bob"


def test_C5_a_mic_is_off_when_someone_joins_the_stage_and_goes_off_when_they_leave_it() -> None:
    stage = full_stage(3, "ann", "bob")
    mic(stage, "ann", True)
    mic(stage, "bob", True)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.run("bob", c.Leave)
    assert not stage.room.people["ann"].mic_live and not stage.room.people["bob"].mic_live
    stage.seat("ann")
    assert not stage.room.people["ann"].mic_live


def test_C5_ending_the_session_turns_every_mic_off() -> None:
    stage = full_stage(2, "ann")
    mic(stage, "ann", True)
    stage.ok(MODERATOR, c.EndSession)
    assert not stage.room.people["ann"].mic_live


def test_C5_a_mic_report_that_repeats_its_state_changes_nothing() -> None:
    stage = full_stage(2, "ann", "bob")
    stage.wait(5)
    stage.room.clean()
    before = snapshot(stage.room)
    mic(stage, "ann", False)  # already off: it did not go off now, so it is no activity
    assert snapshot(stage.room) == before and not stage.room.is_dirty
    mic(stage, "ann", True)
    stage.wait(5)
    stage.room.clean()
    before = snapshot(stage.room)
    mic(stage, "ann", True)
    assert snapshot(stage.room) == before and not stage.room.is_dirty


def test_C5_someone_never_seen_is_not_brought_in_by_a_mic_report() -> None:
    stage = full_stage(2, "ann")
    mic(stage, "nobody", True)
    assert "nobody" not in stage.room.people


def test_C5_a_muted_moderator_is_still_never_moved() -> None:
    stage = full_stage(2, MODERATOR, "ann")
    mic(stage, "ann", True)
    stage.wait(5)
    assert moved_by(stage, "bob") == "ann"


def test_C5_the_order_is_the_same_when_the_room_is_rebuilt_from_its_records() -> None:
    stage = full_stage(3, "ann", "bob", "cid")
    mic(stage, "ann", True)
    mic(stage, "cid", True)
    stage.wait(5)
    stage.ok("bob", c.Speak)
    room = stage.room
    people = [copy.copy(person) for person in room.people.values()]
    reloaded = Room(room.key, room.channel, room.workspace, room.session, people, room.next_seq)
    assert reloaded.choose_evictee() == room.choose_evictee() == "bob"
    for either in (room, reloaded):
        either.set_mic(either.people["bob"], True, stage.now)
    assert reloaded.choose_evictee() == room.choose_evictee() == "ann"  # every mic live: the earliest joiner
