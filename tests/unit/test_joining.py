"""J1-J12: getting on stage — joining, requests, invitations, hands and sessions."""

from __future__ import annotations

import pytest

from core import commands as c
from core.limits import NOTE_LIMIT
from core.room import Room
from tests.unit.stage import ADMIN, MODERATOR, Stage, names


def test_J1_open_mode_join_puts_the_participant_on_stage_at_once() -> None:
    stage = Stage(mode="open")
    (joined,) = stage.send(c.JoinStage(stage.actor("ann")))
    assert joined.as_dict() == {"event": "stage.joined", "user": "ann", "evicted": None}
    assert joined.recipients() == ["ann", "moderators"]
    assert stage.status()["on_stage"] == ["ann"]


def test_J2_ask_creates_a_pending_request_with_note_and_position() -> None:
    stage = Stage(mode="request")
    stage.ask("bob")
    (created,) = stage.send(c.AskToJoin(stage.actor("ann"), note="  a question about pricing "))
    assert created.as_dict() == {
        "event": "request.created",
        "user": "ann",
        "position": 2,
        "note": "a question about pricing",
    }
    assert created.recipients() == ["ann", "moderators"]


def test_J2_moderators_see_requests_in_asking_order_with_positions_and_notes() -> None:
    stage = Stage(mode="request")
    stage.ok("cid", c.AskToJoin, note="first")
    stage.ok("ann", c.AskToJoin)
    stage.ok("bob", c.AskToJoin, note="third")
    assert stage.status()["requests"] == [
        {"user": "cid", "position": 1, "note": "first"},
        {"user": "ann", "position": 2, "note": None},
        {"user": "bob", "position": 3, "note": "third"},
    ]


def test_J2_notes_are_visible_only_to_moderators_in_status() -> None:
    stage = Stage(mode="request")
    stage.ok("ann", c.AskToJoin, note="private")
    assert stage.status("bob")["requests"] == [{"user": "ann", "position": 1}]
    assert stage.status("ann")["requests"] == [{"user": "ann", "position": 1}]
    assert stage.status(ADMIN)["requests"] == [{"user": "ann", "position": 1, "note": "private"}]


def test_J2_an_overlong_note_is_refused_naming_the_cap() -> None:
    stage = Stage(mode="request")
    message = stage.refused("ann", c.AskToJoin, "bad_argument", note="x" * (NOTE_LIMIT + 1))
    assert str(NOTE_LIMIT) in message
    assert stage.ok("ann", c.AskToJoin, note="x" * NOTE_LIMIT)[0]["event"] == "request.created"


def test_J2_positions_move_up_when_an_earlier_request_leaves() -> None:
    stage = Stage(mode="request")
    stage.ask("ann", "bob", "cid")
    stage.ok("ann", c.CancelRequest)
    assert [(r["user"], r["position"]) for r in stage.status("bob")["requests"]] == [("bob", 1), ("cid", 2)]


def test_J3_requester_may_cancel_before_an_answer() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    assert stage.ok("ann", c.CancelRequest) == [{"event": "request.cancelled", "user": "ann", "reason": "withdrawn"}]
    assert stage.status()["requests"] == []
    stage.refused("ann", c.CancelRequest, "no_request")


def test_J3_cancel_after_the_answer_is_refused_and_names_who_answered() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, c.BringToStage, "ann")
    message = stage.refused("ann", c.CancelRequest, "no_request")
    assert MODERATOR in message


def test_J4_bring_to_stage_answers_the_request_with_an_invitation() -> None:
    stage = Stage(mode="request")
    stage.ask("ann", "bob")
    approved, up_next = stage.send(c.BringToStage(stage.actor(MODERATOR), "ann"))
    assert up_next.as_dict() == {"event": "request.next", "user": "bob"}  # Q4
    assert approved.as_dict() == {"event": "request.approved", "user": "ann", "by": MODERATOR}
    assert approved.recipients() == ["ann", "moderators"]
    status = stage.status()
    assert status["requests"] == [{"user": "bob", "position": 1, "note": None}]
    assert status["invitations"] == ["ann"]
    assert status["on_stage"] == []
    assert stage.join("ann") == [{"event": "stage.joined", "user": "ann", "evicted": None}]


def test_J4_an_approved_participant_may_decline_the_invitation() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, c.BringToStage, "ann")
    assert stage.ok("ann", c.DeclineInvitation) == [{"event": "invitation.declined", "user": "ann"}]
    assert stage.status()["invitations"] == []


def test_J4_an_approval_expires_like_any_invitation() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, c.BringToStage, "ann")
    stage.wait(600)
    assert stage.ok("bob", c.Status)[0] is not None
    assert stage.status()["invitations"] == []
    stage.refused("ann", c.JoinStage, "mode_forbids")


def test_J5_decline_tells_the_participant_with_the_reason() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    (declined,) = stage.send(c.DeclineRequest(stage.actor(MODERATOR), "ann", reason=" not this time "))
    assert declined.as_dict() == {
        "event": "request.declined",
        "user": "ann",
        "by": MODERATOR,
        "reason": "not this time",
    }
    assert declined.recipients() == ["ann", "moderators"]
    assert stage.status()["requests"] == []


def test_J5_decline_without_a_reason_has_a_null_reason() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    assert stage.ok(MODERATOR, c.DeclineRequest, "ann")[0]["reason"] is None


def test_J5_an_overlong_decline_reason_is_refused() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.refused(MODERATOR, c.DeclineRequest, "bad_argument", "ann", reason="no" * NOTE_LIMIT)


def test_J5_declined_participant_may_ask_again() -> None:
    stage = Stage(mode="request")
    stage.ask("ann", "bob")
    stage.ok(MODERATOR, c.DeclineRequest, "ann")
    assert stage.ok("ann", c.AskToJoin) == [{"event": "request.created", "user": "ann", "position": 2, "note": None}]


def test_J5_cooldown_makes_a_declined_participant_wait() -> None:
    stage = Stage(mode="request")
    stage.ok(ADMIN, c.SetCooldown, "60")
    stage.ask("ann")
    stage.ok(MODERATOR, c.DeclineRequest, "ann")
    stage.wait(15.5)
    message = stage.refused("ann", c.AskToJoin, "cooldown")
    assert "45 s" in message
    stage.wait(44.4)
    assert "1 s" in stage.refused("ann", c.AskToJoin, "cooldown")
    stage.wait(0.1)
    assert stage.ok("ann", c.AskToJoin)[0]["event"] == "request.created"


def test_J5_cooldown_only_applies_after_a_decline() -> None:
    stage = Stage(mode="request")
    stage.ok(ADMIN, c.SetCooldown, "60")
    stage.ask("ann")
    stage.ok("ann", c.CancelRequest)
    assert stage.ok("ann", c.AskToJoin)[0]["event"] == "request.created"


@pytest.mark.parametrize("kind", [c.AskToJoin, c.JoinStage])
def test_J6_invite_only_refuses_ask_and_join_naming_the_mode_and_suggesting_a_hand(kind: type[c.Command]) -> None:
    stage = Stage(mode="invite")
    message = stage.refused("ann", kind, "mode_forbids")
    assert "Invite only" in message
    assert "hand" in message.lower()


def test_J6_invite_only_lets_an_invited_participant_join() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    assert stage.join("ann") == [{"event": "stage.joined", "user": "ann", "evicted": None}]


def test_J6_request_mode_join_without_invitation_points_at_asking() -> None:
    stage = Stage(mode="request")
    message = stage.refused("ann", c.JoinStage, "mode_forbids")
    assert "Join by request" in message and "ask" in message


@pytest.mark.parametrize("mode", ["open", "request", "invite"])
def test_J7_moderator_invites_anyone_not_on_stage_in_every_mode(mode: str) -> None:
    stage = Stage(mode=mode)
    (sent,) = stage.send(c.Invite(stage.actor(MODERATOR), "ann"))
    assert sent.as_dict() == {"event": "invitation.sent", "user": "ann", "by": MODERATOR}
    assert sent.recipients() == ["ann", "moderators"]
    assert stage.status()["invitations"] == ["ann"]
    assert stage.join("ann")[0]["event"] == "stage.joined"


def test_J7_declined_invitation_is_told_to_moderators() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    (declined,) = stage.send(c.DeclineInvitation(stage.actor("ann")))
    assert declined.as_dict() == {"event": "invitation.declined", "user": "ann"}
    assert declined.recipients() == ["ann", "moderators"]
    stage.refused("ann", c.DeclineInvitation, "no_invitation")


def test_J7_inviting_a_requester_answers_the_request_with_one_event() -> None:
    stage = Stage(mode="request")
    stage.ask("ann", "bob")
    assert stage.ok(MODERATOR, c.Invite, "ann") == [
        {"event": "invitation.sent", "user": "ann", "by": MODERATOR},
        {"event": "request.next", "user": "bob"},  # Q4: bob moved up
    ]
    status = stage.status()
    assert status["requests"] == [{"user": "bob", "position": 1, "note": None}]
    assert status["invitations"] == ["ann"]
    assert MODERATOR in stage.refused(ADMIN, c.BringToStage, "no_request", "ann")


def test_J7_inviting_someone_on_stage_or_already_invited_is_refused() -> None:
    stage = Stage(mode="open")
    stage.join("ann")
    stage.invite("bob")
    stage.refused(MODERATOR, c.Invite, "already_on_stage", "ann")
    stage.refused(MODERATOR, c.Invite, "already_invited", "bob")


def test_J8_unanswered_invitation_expires_after_the_default_ten_minutes() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    stage.wait(599)
    assert stage.run("bob", c.Tick) == []
    assert stage.status()["invitations"] == ["ann"]
    stage.wait(1)
    (expired,) = stage.send(c.Tick(stage.actor("bob")))
    assert expired.as_dict() == {"event": "invitation.expired", "user": "ann"}
    assert expired.recipients() == ["ann", "moderators"]  # both sides are told
    assert stage.status()["invitations"] == []
    stage.refused("ann", c.JoinStage, "mode_forbids")


def test_J8_expiry_is_set_per_channel() -> None:
    stage = Stage(mode="invite")
    stage.ok(ADMIN, c.SetExpiry, "30")
    stage.invite("ann")
    stage.wait(30)
    events = stage.ok("ann", c.Status)
    assert names(events) == ["invitation.expired", "status"]


def test_J8_invitations_lapse_in_the_order_of_their_own_times() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")  # lapses at +600
    stage.ok(ADMIN, c.SetExpiry, "30")
    stage.wait(10)
    stage.invite("bob")  # lapses at +40
    stage.wait(30)
    assert stage.ok("cid", c.Status)[0] == {"event": "invitation.expired", "user": "bob"}
    assert stage.status()["invitations"] == ["ann"]
    stage.wait(560)
    assert names(stage.ok("cid", c.Status)) == ["invitation.expired", "status"]
    assert stage.status()["invitations"] == []


def test_J8_a_new_invitation_gets_a_new_time_and_the_old_one_is_forgotten() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    stage.wait(100)
    stage.ok("ann", c.DeclineInvitation)
    stage.wait(200)
    stage.invite("ann")  # at +300: lapses at +900, not at +600
    stage.wait(300)
    assert stage.run("ann", c.Tick) == []
    assert stage.status()["invitations"] == ["ann"]
    stage.wait(300)
    assert stage.run("ann", c.Tick) == [{"event": "invitation.expired", "user": "ann"}]


def test_J8_several_invitations_lapsing_together_are_all_told() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann", "bob", "cid")
    stage.wait(600)
    assert stage.run(MODERATOR, c.Tick) == [
        {"event": "invitation.expired", "user": "ann"},
        {"event": "invitation.expired", "user": "bob"},
        {"event": "invitation.expired", "user": "cid"},
    ]


def test_J8_expiry_survives_reloading_the_room_from_its_records() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    room = stage.room
    stage.room = Room(room.key, room.channel, room.workspace, room.session, list(room.people.values()), room.next_seq)
    stage.wait(600)
    assert stage.run("bob", c.Tick) == [{"event": "invitation.expired", "user": "ann"}]


def test_J8_expiry_comes_before_the_action_it_interrupts() -> None:
    stage = Stage(mode="invite")
    stage.invite("ann")
    stage.wait(600)
    events = stage.run("ann", c.JoinStage)
    assert names(events) == ["invitation.expired", "error"]
    assert events[1]["code"] == "mode_forbids"


def test_J9_a_participant_holds_at_most_one_position() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.refused("ann", c.AskToJoin, "already_requested")
    stage.refused("ann", c.JoinStage, "already_requested")
    stage.ok(MODERATOR, c.BringToStage, "ann")
    stage.refused("ann", c.AskToJoin, "already_invited")
    stage.join("ann")
    stage.refused("ann", c.AskToJoin, "already_on_stage")
    stage.refused("ann", c.JoinStage, "already_on_stage")
    stage.refused(MODERATOR, c.Invite, "already_on_stage", "ann")
    status = stage.status()
    assert status["on_stage"] == ["ann"] and status["requests"] == [] and status["invitations"] == []


def test_J9_already_requested_names_the_position() -> None:
    stage = Stage(mode="request")
    stage.ask("bob", "ann")
    assert "position 2" in stage.refused("ann", c.AskToJoin, "already_requested")


@pytest.mark.parametrize("mode", ["open", "request", "invite"])
def test_J10_anyone_off_stage_raises_and_lowers_a_hand_in_every_mode(mode: str) -> None:
    stage = Stage(mode=mode)
    (raised,) = stage.send(c.RaiseHand(stage.actor("ann")))
    assert raised.as_dict() == {"event": "hand.raised", "user": "ann", "by": "ann"}
    assert raised.recipients() == ["ann", "moderators"]
    assert stage.ok("ann", c.LowerHand) == [{"event": "hand.lowered", "user": "ann", "by": "ann"}]


def test_J10_hands_are_listed_in_raising_order_and_are_independent_of_position() -> None:
    stage = Stage(mode="request")
    stage.ok("cid", c.RaiseHand)
    stage.ask("ann")
    stage.ok("ann", c.RaiseHand)
    stage.ok("bob", c.RaiseHand)
    stage.ok("cid", c.LowerHand)
    stage.ok("cid", c.RaiseHand)
    assert stage.status("eve")["hands"] == ["ann", "bob", "cid"]
    assert stage.status()["requests"][0]["user"] == "ann"


def test_J10_someone_on_stage_cannot_raise_a_hand() -> None:
    stage = Stage(mode="open")
    stage.join("ann")
    stage.refused("ann", c.RaiseHand, "already_on_stage")


def test_J10_moderators_lower_anyones_hand_others_only_their_own() -> None:
    stage = Stage(mode="request")
    stage.ok("ann", c.RaiseHand)
    stage.refused("bob", c.LowerHand, "not_moderator", target="ann")
    assert stage.ok(MODERATOR, c.LowerHand, target="ann") == [{"event": "hand.lowered", "user": "ann", "by": MODERATOR}]
    stage.refused(MODERATOR, c.LowerHand, "no_change", target="ann")


def test_J10_joining_the_stage_lowers_the_hand() -> None:
    stage = Stage(mode="open")
    stage.ok("ann", c.RaiseHand)
    stage.ok("bob", c.RaiseHand)
    stage.join("ann")
    assert stage.status()["hands"] == ["bob"]
    assert stage.room.people["ann"].hand is None


@pytest.mark.parametrize("mode", ["request", "invite"])
def test_J11_moderators_join_the_stage_directly_in_every_mode(mode: str) -> None:
    stage = Stage(mode=mode)
    assert stage.join(MODERATOR, ADMIN) == [
        {"event": "stage.joined", "user": MODERATOR, "evicted": None},
        {"event": "stage.joined", "user": ADMIN, "evicted": None},
    ]


def test_J11_a_moderator_with_a_pending_request_joins_and_the_request_closes_first() -> None:
    stage = Stage(mode="request")
    stage.ask(MODERATOR)
    assert stage.join(MODERATOR) == [
        {"event": "request.cancelled", "user": MODERATOR, "reason": "withdrawn"},
        {"event": "stage.joined", "user": MODERATOR, "evicted": None},
    ]
    assert stage.status()["requests"] == []


def test_J12_starting_where_a_session_is_live_is_refused() -> None:
    stage = Stage(mode="request")
    stage.refused(ADMIN, c.StartSession, "session_active")
    stage.refused(MODERATOR, c.StartSession, "session_active", mode="open")


@pytest.mark.parametrize(
    ("user", "kind", "args"),
    [
        (MODERATOR, c.EndSession, ()),
        (MODERATOR, c.ChangeMode, ("open",)),
        ("ann", c.JoinStage, ()),
        ("ann", c.AskToJoin, ()),
        ("ann", c.CancelRequest, ()),
        ("ann", c.DeclineInvitation, ()),
        ("ann", c.RaiseHand, ()),
        ("ann", c.LowerHand, ()),
        (MODERATOR, c.LowerHand, ("ann",)),
        (MODERATOR, c.BringToStage, ("ann",)),
        (MODERATOR, c.DeclineRequest, ("ann",)),
        (MODERATOR, c.Invite, ("ann",)),
        (MODERATOR, c.RemoveFromStage, ("ann",)),
        (MODERATOR, c.JoinStage, ()),
    ],
)
def test_J12_every_session_action_outside_a_live_session_is_refused(
    user: str, kind: type[c.Command], args: tuple[str, ...]
) -> None:
    stage = Stage(mode=None)
    stage.refused(user, kind, "no_session", *args)
    stage.ok(MODERATOR, c.StartSession)
    stage.ok(MODERATOR, c.EndSession)
    stage.refused(user, kind, "no_session", *args)


def test_J12_status_and_channel_defaults_work_outside_a_session() -> None:
    stage = Stage(mode=None)
    assert stage.status("ann")["live"] is False
    assert stage.ok(ADMIN, c.SetCapacity, "5")[0]["event"] == "settings.changed"
