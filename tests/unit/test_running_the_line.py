"""Q1-Q5: next, withdrawing invitations, lowering every hand, up-next notices and fair order."""

from __future__ import annotations

from core import commands as c
from tests.unit.stage import ADMIN, MODERATOR, Stage, names


def test_Q1_next_approves_the_first_pending_request() -> None:
    stage = Stage()
    stage.ask("ann", "bob")
    events = stage.ok(MODERATOR, c.NextSpeaker)
    assert events[0] == {"event": "request.approved", "user": "ann", "by": MODERATOR}
    assert stage.room.people["ann"].position == "invited"
    assert list(stage.room.requests) == ["bob"]


def test_Q1_with_no_request_next_invites_the_earliest_hand_in_the_audience() -> None:
    stage = Stage(mode="invite")
    stage.ok("bob", c.RaiseHand)
    stage.ok("ann", c.RaiseHand)
    events = stage.ok(MODERATOR, c.NextSpeaker)
    assert events == [
        {"event": "hand.lowered", "user": "bob", "by": MODERATOR},
        {"event": "invitation.sent", "user": "bob", "by": MODERATOR},
    ]
    assert list(stage.room.hands) == ["ann"]


def test_Q1_next_skips_hands_of_people_already_invited() -> None:
    stage = Stage(mode="invite")
    stage.ok("bob", c.RaiseHand)
    stage.ok("ann", c.RaiseHand)
    stage.invite("bob")
    assert names(stage.ok(MODERATOR, c.NextSpeaker)) == ["hand.lowered", "invitation.sent"]
    assert stage.room.people["ann"].position == "invited"


def test_Q1_next_with_nobody_waiting_is_no_request_and_only_for_moderators() -> None:
    stage = Stage()
    message = stage.refused(MODERATOR, c.NextSpeaker, "no_request")
    assert "Nobody is waiting" in message
    stage.ask("ann")
    stage.refused("bob", c.NextSpeaker, "not_moderator")
    stage.ok(MODERATOR, c.EndSession)
    stage.refused(MODERATOR, c.NextSpeaker, "no_session")


def test_Q2_uninvite_withdraws_a_pending_invitation_and_both_sides_are_told() -> None:
    stage = Stage()
    stage.invite("ann")
    (event,) = stage.ok(MODERATOR, c.Uninvite, "ann")
    assert event == {"event": "invitation.cancelled", "user": "ann", "reason": "withdrawn", "by": MODERATOR}
    assert stage.room.people["ann"].position == "audience" and not stage.room.invitations
    stage.wait(10_000)  # the withdrawn invitation's expiry never fires
    assert stage.ok("bob", c.Status)[0]["invitations"] == []


def test_Q2_uninvite_without_an_invitation_is_no_invitation() -> None:
    stage = Stage()
    message = stage.refused(MODERATOR, c.Uninvite, "no_invitation", "ann")
    assert "ann has no pending invitation" in message
    stage.invite("ann")
    stage.refused("bob", c.Uninvite, "not_moderator", "ann")
    stage.refused(MODERATOR, c.Uninvite, "unknown_user", "zed")


def test_Q3_hands_down_lowers_every_hand_in_raising_order() -> None:
    stage = Stage()
    for user in ("cid", "ann", "bob"):
        stage.ok(user, c.RaiseHand)
    events = stage.ok(MODERATOR, c.LowerAllHands)
    assert events == [{"event": "hand.lowered", "user": u, "by": MODERATOR} for u in ("cid", "ann", "bob")]
    assert not stage.room.hands


def test_Q3_hands_down_with_no_hand_up_is_no_change() -> None:
    stage = Stage()
    stage.refused(MODERATOR, c.LowerAllHands, "no_change")
    stage.ok("ann", c.RaiseHand)
    stage.refused("bob", c.LowerAllHands, "not_moderator")


def test_Q4_the_requester_who_moves_up_to_first_place_is_told_once() -> None:
    stage = Stage()
    stage.ask("ann", "bob", "cid")
    events = stage.ok(MODERATOR, c.BringToStage, "ann")
    assert events[-1] == {"event": "request.next", "user": "bob"}
    events = stage.ok("bob", c.CancelRequest)
    assert events[-1] == {"event": "request.next", "user": "cid"}
    assert stage.ok("dee", c.AskToJoin)[-1]["event"] == "request.created"  # moving nobody up tells nobody


def test_Q4_a_request_created_first_and_a_line_closed_as_a_whole_tell_nobody() -> None:
    stage = Stage()
    assert names(stage.ok("ann", c.AskToJoin)) == ["request.created"]
    stage.ask("bob")
    assert "request.next" not in names(stage.ok(MODERATOR, c.ChangeMode, "invite"))
    stage.ok(MODERATOR, c.ChangeMode, "request")
    stage.ask("cid", "dee")
    assert "request.next" not in names(stage.ok(MODERATOR, c.EndSession))


def test_Q4_a_requester_moved_down_and_up_again_is_not_told_twice() -> None:
    stage = Stage(mode="open")
    stage.ok(ADMIN, c.SetOrder, "fair")
    stage.seat("ann")
    stage.wait(30)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.ok(MODERATOR, c.ChangeMode, "request")
    stage.ask("ann", "bob")  # ann is created first (told); bob never was on stage, so he goes ahead of her
    assert [r["user"] for r in stage.status()["requests"]] == ["bob", "ann"]
    assert names(stage.ok(MODERATOR, c.DeclineRequest, "bob")) == ["request.declined"]
    assert [r["user"] for r in stage.status()["requests"]] == ["ann"]


def test_Q5_fair_order_puts_least_time_on_stage_first_ties_by_asking_time() -> None:
    stage = Stage(mode="open")
    stage.ok(ADMIN, c.SetOrder, "fair")
    stage.seat("ann", "bob")
    stage.wait(20)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.wait(10)
    stage.ok(MODERATOR, c.RemoveFromStage, "bob")
    stage.ok(MODERATOR, c.ChangeMode, "request")
    created = [stage.ok(user, c.AskToJoin)[0]["position"] for user in ("ann", "bob", "cid", "dee")]
    assert created == [1, 2, 1, 2]  # each request takes its place in the order in force
    assert [r["user"] for r in stage.status()["requests"]] == ["cid", "dee", "ann", "bob"]


def test_Q5_fair_order_compares_whole_seconds_so_a_half_second_less_still_ties() -> None:
    stage = Stage(mode="open")
    stage.ok(ADMIN, c.SetOrder, "fair")
    stage.seat("ann", "bob")
    stage.wait(10.2)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.wait(0.2)
    stage.ok(MODERATOR, c.RemoveFromStage, "bob")  # 10.2 s and 10.4 s are both 10 whole seconds
    stage.ok(MODERATOR, c.ChangeMode, "request")
    stage.ask("bob", "ann")
    assert [r["user"] for r in stage.status()["requests"]] == ["bob", "ann"]


def test_Q5_changing_the_order_re_sorts_the_pending_line_at_once() -> None:
    stage = Stage(mode="open")
    stage.seat("ann")
    stage.wait(30)
    stage.ok(MODERATOR, c.RemoveFromStage, "ann")
    stage.ok(MODERATOR, c.ChangeMode, "request")
    stage.ask("ann", "bob")
    events = stage.ok(ADMIN, c.SetOrder, "fair")
    assert events == [
        {"event": "settings.changed", "setting": "order", "value": "fair", "by": ADMIN},
        {"event": "request.next", "user": "bob"},
    ]
    assert [r["user"] for r in stage.status()["requests"]] == ["bob", "ann"]
    stage.ok(ADMIN, c.SetOrder, "asked")
    assert [r["user"] for r in stage.status()["requests"]] == ["ann", "bob"]


def test_Q5_order_takes_only_asked_or_fair_and_only_from_admins() -> None:
    stage = Stage()
    assert "asked" in stage.refused(ADMIN, c.SetOrder, "bad_argument", "random")
    stage.refused(MODERATOR, c.SetOrder, "not_admin", "fair")
    stage.ok(ADMIN, c.SetOrder, "fair")
    stage.refused(ADMIN, c.SetOrder, "no_change", "FAIR")


def test_Q5_a_workspace_order_is_inherited_by_a_channel_without_its_own() -> None:
    stage = Stage()
    assert stage.ok(ADMIN, c.SetOrder, "fair", workspace=True)[0]["setting"] == "workspace.order"
    assert stage.room.order == "fair"
    stage.ok(ADMIN, c.SetOrder, "asked")
    assert stage.room.order == "asked"


def test_Q2_a_withdrawn_invitee_keeps_a_raised_hand_and_may_be_invited_again() -> None:
    stage = Stage(mode="invite")
    stage.ok("ann", c.RaiseHand)
    stage.invite("ann")
    stage.ok(MODERATOR, c.Uninvite, "ann")
    assert list(stage.room.hands) == ["ann"]
    assert names(stage.ok(MODERATOR, c.NextSpeaker)) == ["hand.lowered", "invitation.sent"]
