"""C1-C4: stage capacity, camera slots, and who makes room when the stage is full."""

from __future__ import annotations

from core import commands as c
from core.limits import CAMERAS, CAPACITY
from tests.unit.stage import ADMIN, MODERATOR, PEOPLE, Stage, names

CROWD = tuple(f"p{i:03}" for i in range(130))


def full_stage(capacity: int, *seated: str, mode: str = "open") -> Stage:
    """Return an open session whose stage holds `seated`, with the capacity set."""
    stage = Stage(mode=mode, people=PEOPLE + CROWD)
    stage.ok(ADMIN, c.SetCapacity, str(capacity))
    stage.seat(*seated)
    return stage


def test_C1_default_capacity_is_100_and_counts_moderators() -> None:
    assert CAPACITY.default == 100
    stage = Stage(mode="open", people=CROWD)
    stage.join(MODERATOR, *CROWD[:99])
    status = stage.status()
    assert (status["count"], status["capacity"]) == (100, 100)
    events = stage.join(CROWD[99])
    assert events[0] == {"event": "stage.left", "user": CROWD[0], "reason": "evicted", "by": CROWD[99]}
    assert stage.status()["count"] == 100


def test_C1_admins_set_the_capacity_per_channel() -> None:
    stage = Stage(mode="open")
    (changed,) = stage.send(c.SetCapacity(stage.actor(ADMIN), " 2 "))
    assert changed.as_dict() == {"event": "settings.changed", "setting": "capacity", "value": 2, "by": ADMIN}
    assert changed.recipients() == [ADMIN]
    stage.join("ann", "bob")
    assert stage.join("cid")[0]["event"] == "stage.left"
    assert stage.status()["count"] == 2


def test_C1_a_workspace_capacity_applies_until_the_channel_sets_its_own() -> None:
    stage = Stage(mode="open")
    stage.room.workspace.capacity = 1
    stage.join("ann")
    assert stage.join("bob")[0]["event"] == "stage.left"
    stage.ok(ADMIN, c.SetCapacity, "2")
    assert stage.join("cid") == [{"event": "stage.joined", "user": "cid", "evicted": None}]


def test_C1_lowering_capacity_below_the_count_on_stage_is_refused_with_the_count() -> None:
    stage = full_stage(10, "ann", "bob", "cid")
    message = stage.refused(ADMIN, c.SetCapacity, "bad_argument", "2")
    assert "3" in message
    assert stage.ok(ADMIN, c.SetCapacity, "3")[0]["value"] == 3


def test_C1_capacity_must_be_a_whole_number_in_range() -> None:
    stage = Stage(mode="open")
    for bad in ("ten", "0", "-1", "2.5", "", "10001"):
        stage.refused(ADMIN, c.SetCapacity, "bad_argument", bad)


def test_C2_the_most_recent_joiners_are_on_camera_the_rest_audio_only() -> None:
    assert CAMERAS.default == 25
    stage = Stage(mode="open", people=CROWD)
    stage.join(*CROWD[:30])
    status = stage.status("ann")
    assert status["on_stage"] == list(CROWD[:30])
    assert status["on_camera"] == list(CROWD[5:30])
    assert (status["count"], status["capacity"]) == (30, 100)


def test_C2_camera_slots_are_set_per_channel_and_follow_joining_not_speaking() -> None:
    stage = Stage(mode="open")
    stage.ok(ADMIN, c.SetCameras, "2")
    stage.join("ann", "bob", "cid")
    stage.ok("ann", c.Speak)
    assert stage.status()["on_camera"] == ["bob", "cid"]
    stage.ok(MODERATOR, c.RemoveFromStage, "cid")
    assert stage.status()["on_camera"] == ["ann", "bob"]
    stage.join("cid")
    assert stage.status()["on_camera"] == ["bob", "cid"]


def test_C2_zero_camera_slots_means_everyone_is_audio_only() -> None:
    stage = Stage(mode="open")
    stage.ok(ADMIN, c.SetCameras, "0")
    stage.join("ann")
    assert stage.status()["on_camera"] == []


def test_C3_a_full_stage_moves_the_least_recently_active_speaker() -> None:
    stage = full_stage(3, "ann", "bob", "cid")
    stage.wait(10)
    stage.ok("ann", c.Speak)
    stage.wait(10)
    stage.ok("cid", c.Speak)
    stage.wait(10)
    events = stage.join("dee")
    assert events == [
        {"event": "stage.left", "user": "bob", "reason": "evicted", "by": "dee"},
        {"event": "stage.joined", "user": "dee", "evicted": "bob"},
    ]
    assert stage.status()["on_stage"] == ["ann", "cid", "dee"]


def test_C3_the_evicted_person_is_told_before_the_join() -> None:
    stage = full_stage(1, "ann")
    left, joined = stage.send(c.JoinStage(stage.actor("bob")))
    assert left.recipients() == ["ann", "moderators"]
    assert joined.recipients() == ["bob", "moderators"]


def test_C3_one_who_never_spoke_counts_from_joining() -> None:
    stage = full_stage(2, "ann")
    stage.wait(5)
    stage.ok("ann", c.Speak)  # ann active at t+5
    stage.wait(5)
    stage.join("bob")  # bob joined at t+10, never spoke
    stage.wait(5)
    assert stage.join("cid")[0]["user"] == "ann"


def test_C3_ties_go_to_the_earliest_joiner() -> None:
    stage = full_stage(3, "ann", "bob", "cid")  # all joined at the same instant
    assert stage.join("dee")[0]["user"] == "ann"
    assert stage.join("eve")[0]["user"] == "bob"


def test_C3_ties_in_speaking_time_go_to_the_earliest_joiner() -> None:
    stage = full_stage(3, "ann", "bob", "cid")
    stage.wait(5)
    for user in ("cid", "bob", "ann"):
        stage.ok(user, c.Speak)
    stage.wait(5)
    assert stage.join("dee")[0]["user"] == "ann"


def test_C3_only_activity_while_on_stage_counts() -> None:
    stage = full_stage(2, "ann")
    stage.wait(5)
    stage.ok("bob", c.Speak)  # in the audience: does not count
    stage.seat("bob")
    stage.wait(5)
    stage.ok("ann", c.Speak)
    stage.wait(5)
    assert stage.join("cid")[0]["user"] == "bob"


def test_C3_activity_from_an_earlier_stint_on_stage_does_not_count() -> None:
    stage = full_stage(2, "ann", "bob")
    stage.wait(5)
    stage.ok("ann", c.Speak)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.wait(5)
    stage.ok("bob", c.Speak)
    stage.wait(5)
    stage.seat("ann")  # ann comes back: she counts from now, bob from his speech
    stage.wait(5)
    assert stage.join("cid")[0]["user"] == "bob"


def test_C3_moderators_are_never_moved_off() -> None:
    stage = full_stage(3, MODERATOR, "ann", ADMIN)
    stage.wait(10)
    stage.ok("ann", c.Speak)
    assert stage.join("bob")[0] == {"event": "stage.left", "user": "ann", "reason": "evicted", "by": "bob"}
    assert stage.status()["on_stage"] == [MODERATOR, ADMIN, "bob"]


def test_C3_channel_listed_moderators_are_protected_too() -> None:
    stage = full_stage(2, "ann", "bob")
    stage.ok(ADMIN, c.AddModerator, "ann")
    assert stage.join("cid")[0]["user"] == "bob"
    assert stage.join("dee")[0]["user"] == "cid"


def test_C3_a_platform_moderator_taken_off_the_channel_list_is_still_never_moved() -> None:
    stage = full_stage(2, MODERATOR, "ann")
    stage.ok(ADMIN, c.AddModerator, MODERATOR)
    stage.ok(ADMIN, c.RemoveModerator, MODERATOR)  # the platform still makes them a moderator
    stage.wait(5)
    stage.ok("ann", c.Speak)
    assert stage.join("bob")[0] == {"event": "stage.left", "user": "ann", "reason": "evicted", "by": "bob"}
    assert stage.status()["on_stage"] == [MODERATOR, "bob"]


def test_C3_a_stage_full_of_moderators_refuses_the_join() -> None:
    stage = full_stage(2, MODERATOR, ADMIN)
    message = stage.refused("ann", c.JoinStage, "stage_full")
    assert "2" in message
    stage.refused("bob", c.JoinStage, "stage_full")


def test_C3_a_moderator_joining_a_full_stage_moves_a_participant() -> None:
    stage = full_stage(1, "ann", mode="request")
    assert stage.join(MODERATOR)[0] == {"event": "stage.left", "user": "ann", "reason": "evicted", "by": MODERATOR}


def test_C3_the_moved_person_may_come_back_under_the_current_rules() -> None:
    stage = full_stage(1, "ann", mode="request")
    stage.ok(MODERATOR, c.ChangeMode, mode="open")
    stage.join("bob")
    assert stage.join("ann")[0] == {"event": "stage.left", "user": "bob", "reason": "evicted", "by": "ann"}
    stage.ok(MODERATOR, c.ChangeMode, mode="request")
    stage.refused("bob", c.JoinStage, "mode_forbids")
    assert stage.ok("bob", c.AskToJoin)[0]["event"] == "request.created"


def test_C3_an_invited_joiner_evicts_too() -> None:
    stage = full_stage(1, "ann", mode="invite")
    stage.invite("bob")
    assert names(stage.join("bob")) == ["stage.left", "stage.joined"]


def test_C4_speaking_is_the_activity_signal_and_only_counts_on_stage() -> None:
    stage = full_stage(2, "ann", "bob")
    stage.wait(1)
    assert stage.run("ann", c.Speak) == []
    assert stage.room.people["ann"].last_active == stage.now
    before = stage.room.people["cid"].last_active
    assert stage.run("cid", c.Speak) == []
    assert stage.room.people["cid"].last_active == before
    assert stage.run("nobody", c.Speak) == []
    assert "nobody" not in stage.room.people
