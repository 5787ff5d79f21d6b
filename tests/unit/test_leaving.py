"""L1-L3: removal by moderators, leaving the room, and ending the session."""

from __future__ import annotations

from core import commands as c
from core.commands import Actor
from tests.unit.stage import ADMIN, MODERATOR, Stage, names


def test_L1_a_moderator_removes_someone_and_they_are_told() -> None:
    stage = Stage(mode="open")
    stage.join("ann", "bob")
    (left,) = stage.send(c.RemoveFromStage(stage.actor(MODERATOR), "ann"))
    assert left.as_dict() == {"event": "stage.left", "user": "ann", "reason": "removed", "by": MODERATOR}
    assert left.recipients() == ["ann", "moderators"]
    assert stage.status()["on_stage"] == ["bob"]


def test_L1_only_moderators_take_people_off_the_stage() -> None:
    stage = Stage(mode="open")
    stage.join("ann", "bob")
    stage.refused("bob", c.RemoveFromStage, "not_moderator", "ann")
    stage.refused("ann", c.RemoveFromStage, "not_moderator", "ann")


def test_L1_removing_someone_not_on_stage_is_refused() -> None:
    stage = Stage(mode="open")
    assert "ann" in stage.refused(MODERATOR, c.RemoveFromStage, "not_on_stage", "ann")


def test_L2_participants_have_no_leave_stage_action() -> None:
    assert not [name for name in vars(c) if "leavestage" in name.lower()]


def test_L2_leaving_the_room_takes_someone_off_stage() -> None:
    stage = Stage(mode="open")
    stage.join("ann", "bob")
    assert stage.run("ann", c.Leave) == [{"event": "stage.left", "user": "ann", "reason": "left_room", "by": None}]
    status = stage.status()
    assert status["on_stage"] == ["bob"]
    stage.refused(MODERATOR, c.Invite, "unknown_user", "ann")


def test_L2_leaving_the_room_cancels_a_request_and_lowers_the_hand() -> None:
    stage = Stage(mode="request")
    stage.ask("bob", "ann")
    stage.ok("ann", c.RaiseHand)
    assert stage.run("ann", c.Leave) == [
        {"event": "request.cancelled", "user": "ann", "reason": "left_room"},
        {"event": "hand.lowered", "user": "ann", "by": None},
    ]
    status = stage.status()
    assert status["requests"] == [{"user": "bob", "position": 1, "note": None}] and status["hands"] == []


def test_L2_leaving_the_room_cancels_an_invitation() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    assert stage.run("ann", c.Leave) == [
        {"event": "invitation.cancelled", "user": "ann", "reason": "left_room", "by": None}
    ]
    assert stage.status()["invitations"] == []


def test_L2_leaving_twice_and_coming_back_change_nothing_more() -> None:
    stage = Stage(mode="open")
    stage.run("ann", c.Leave)
    assert stage.run("ann", c.Leave) == []
    assert stage.run("ann", c.Arrive) == []
    assert stage.status()["on_stage"] == []
    assert stage.join("ann")[0]["event"] == "stage.joined"


def test_L2_the_platform_moving_someone_off_stage_is_recorded() -> None:
    stage = Stage(mode="open")
    stage.join("ann", "bob")
    assert stage.run("ann", c.MovedToAudience) == [
        {"event": "stage.left", "user": "ann", "reason": "left_room", "by": None}
    ]
    assert stage.send(c.MovedToAudience(Actor("bob"), by="host"))[0].as_dict() == {
        "event": "stage.left",
        "user": "bob",
        "reason": "removed",
        "by": "host",
    }
    assert stage.status()["on_stage"] == []
    assert stage.run("ann", c.MovedToAudience) == []


def test_L3_ending_returns_everyone_and_closes_everything_before_session_ended() -> None:
    stage = Stage(mode="request")
    stage.join(MODERATOR)
    stage.seat("ann")
    stage.ask("bob")
    stage.invite("cid")
    stage.ok("dee", c.RaiseHand)
    stage.ok("bob", c.RaiseHand)
    events = stage.ok(ADMIN, c.EndSession)
    assert events == [
        {"event": "stage.left", "user": MODERATOR, "reason": "session_ended", "by": ADMIN},
        {"event": "stage.left", "user": "ann", "reason": "session_ended", "by": ADMIN},
        {"event": "request.cancelled", "user": "bob", "reason": "session_ended"},
        {"event": "invitation.cancelled", "user": "cid", "reason": "session_ended", "by": None},
        {"event": "hand.lowered", "user": "dee", "by": ADMIN},
        {"event": "hand.lowered", "user": "bob", "by": ADMIN},
        {"event": "session.ended", "by": ADMIN},
    ]
    status = stage.status()
    assert status["live"] is False
    assert (status["on_stage"], status["requests"], status["invitations"], status["hands"]) == ([], [], [], [])


def test_L3_session_ended_is_told_to_the_room_and_closings_to_each_person() -> None:
    stage = Stage(mode="open")
    stage.join("ann")
    left, ended = stage.send(c.EndSession(stage.actor(MODERATOR)))
    assert left.recipients() == ["ann", "moderators"]
    assert ended.recipients() == ["room"]


def test_L3_a_new_session_starts_clean_after_an_end() -> None:
    stage = Stage(mode="request")
    stage.ok(ADMIN, c.SetCooldown, "600")
    stage.ask("ann")
    stage.ok(MODERATOR, c.DeclineRequest, "ann")
    stage.ok(MODERATOR, c.EndSession)
    stage.ok(MODERATOR, c.StartSession)
    assert names(stage.ok("ann", c.AskToJoin)) == ["request.created"]
