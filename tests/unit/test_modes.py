"""M1-M5: the three modes, the defaults a session starts in, and what a mode change keeps."""

from __future__ import annotations

import pytest

from core import commands as c
from core.modes import Mode
from tests.unit.stage import ADMIN, MODERATOR, Stage, names


@pytest.mark.parametrize(
    ("word", "mode"),
    [
        ("open", "open"),
        ("Everyone", "open"),
        ("OPEN-STAGE", "open"),
        ("request", "request"),
        ("Ask", "request"),
        ("request-to-join", "request"),
        ("Join-By-Request", "request"),
        ("invite", "invite"),
        ("INVITE-ONLY", "invite"),
        ("  invite ", "invite"),
    ],
)
def test_M1_mode_aliases_are_accepted_case_insensitively(word: str, mode: str) -> None:
    stage = Stage(mode=None)
    assert stage.ok(MODERATOR, c.StartSession, mode=word) == [{"event": "session.started", "mode": mode, "by": "mod"}]


@pytest.mark.parametrize("word", ["stage", "closed", "open stage", "", "webinar"])
def test_M1_unknown_mode_is_a_clear_error_listing_the_three_modes(word: str) -> None:
    stage = Stage(mode="request")
    message = stage.refused(MODERATOR, c.ChangeMode, "bad_argument", mode=word)
    for listed in ("open", "request", "invite"):
        assert listed in message


def test_M1_start_with_an_unknown_mode_starts_nothing() -> None:
    stage = Stage(mode=None)
    stage.refused(MODERATOR, c.StartSession, "bad_argument", mode="closed")
    assert stage.status()["live"] is False


def test_M2_session_starts_in_the_channel_default() -> None:
    stage = Stage(mode=None)
    stage.ok(ADMIN, c.SetDefaultMode, mode="invite")
    assert stage.ok(MODERATOR, c.StartSession)[0]["mode"] == "invite"


def test_M2_without_a_channel_default_the_workspace_default_applies() -> None:
    stage = Stage(mode=None)
    stage.room.workspace.default_mode = Mode.OPEN
    assert stage.status()["mode"] == "open"
    assert stage.ok(MODERATOR, c.StartSession)[0]["mode"] == "open"


def test_M2_channel_default_wins_over_workspace_default() -> None:
    stage = Stage(mode=None)
    stage.room.workspace.default_mode = Mode.OPEN
    stage.ok(ADMIN, c.SetDefaultMode, mode="invite-only")
    assert stage.ok(MODERATOR, c.StartSession)[0]["mode"] == "invite"


def test_M2_without_any_default_a_session_starts_in_request_mode() -> None:
    stage = Stage(mode=None)
    assert stage.status("ann")["mode"] == "request"
    assert stage.ok(MODERATOR, c.StartSession)[0]["mode"] == "request"


@pytest.mark.parametrize(("preset", "mode"), [("event", "open"), ("webinar", "request"), ("EVENT", "open")])
def test_M2_presets_set_the_default_mode(preset: str, mode: str) -> None:
    stage = Stage(mode=None)
    if mode == "request":
        stage.ok(ADMIN, c.SetDefaultMode, mode="open")  # so the preset is a change
    assert stage.ok(ADMIN, c.SetDefaultMode, mode=preset) == [
        {"event": "settings.changed", "setting": "default", "value": mode, "by": ADMIN}
    ]
    assert stage.ok(MODERATOR, c.StartSession)[0]["mode"] == mode


def test_M2_an_explicit_mode_at_start_wins_over_the_default() -> None:
    stage = Stage(mode=None)
    stage.ok(ADMIN, c.SetDefaultMode, mode="event")
    assert stage.ok(MODERATOR, c.StartSession, mode="invite")[0]["mode"] == "invite"


def test_M2_a_bad_default_is_refused_and_lists_modes_and_presets() -> None:
    stage = Stage(mode=None)
    message = stage.refused(ADMIN, c.SetDefaultMode, "bad_argument", mode="party")
    assert "event" in message and "webinar" in message and "invite" in message


@pytest.mark.parametrize(("start", "to"), [(a, b) for a in Mode for b in Mode if a is not b])
def test_M3_moderator_changes_mode_the_room_is_told_and_the_stage_stays(start: Mode, to: Mode) -> None:
    stage = Stage(mode=start.value)
    stage.seat("ann", "bob", MODERATOR)
    events = stage.ok(MODERATOR, c.ChangeMode, mode=to.value)
    assert events[-1] == {"event": "mode.changed", "mode": to.value, "by": MODERATOR}
    stage.refused(MODERATOR, c.ChangeMode, "no_change", mode=to.value)
    assert stage.status()["on_stage"] == ["ann", "bob", MODERATOR]
    assert "stage.left" not in names(events)


def test_M3_mode_changed_is_told_to_the_whole_room() -> None:
    stage = Stage(mode="request")
    (changed,) = stage.send(c.ChangeMode(stage.actor(MODERATOR), "open"))
    assert changed.recipients() == ["room"]


def test_M3_only_moderators_change_the_mode() -> None:
    stage = Stage(mode="request")
    stage.refused("ann", c.ChangeMode, "not_moderator", mode="open")


def test_M4_going_to_invite_turns_requests_into_hands_in_the_same_order() -> None:
    stage = Stage(mode="request")
    stage.ask("cid", "ann", "bob")
    events = stage.ok(MODERATOR, c.ChangeMode, mode="invite")
    assert events == [
        {"event": "request.cancelled", "user": "cid", "reason": "mode_changed"},
        {"event": "request.cancelled", "user": "ann", "reason": "mode_changed"},
        {"event": "request.cancelled", "user": "bob", "reason": "mode_changed"},
        {"event": "hand.raised", "user": "cid", "by": MODERATOR},
        {"event": "hand.raised", "user": "ann", "by": MODERATOR},
        {"event": "hand.raised", "user": "bob", "by": MODERATOR},
        {"event": "mode.changed", "mode": "invite", "by": MODERATOR},
    ]
    status = stage.status()
    assert status["requests"] == []
    assert status["hands"] == ["cid", "ann", "bob"]


def test_M4_the_requester_is_told_when_their_request_closes() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    closed = stage.send(c.ChangeMode(stage.actor(MODERATOR), "invite"))[0]
    assert closed.as_dict()["event"] == "request.cancelled"
    assert closed.recipients() == ["ann", "moderators"]


def test_M4_a_requester_whose_hand_is_already_up_keeps_that_hand_in_place() -> None:
    stage = Stage(mode="request")
    stage.ok("bob", c.RaiseHand)
    stage.ok("dee", c.RaiseHand)
    stage.ask("ann", "bob")
    events = stage.ok(MODERATOR, c.ChangeMode, mode="invite")
    raised = [event["user"] for event in events if event["event"] == "hand.raised"]
    assert raised == ["ann"]  # bob's hand was already up: no second hand.raised
    assert stage.status()["hands"] == ["bob", "dee", "ann"]


def test_M4_going_to_open_tells_each_requester_who_can_then_join_directly() -> None:
    stage = Stage(mode="request")
    stage.ask("ann", "bob")
    events = stage.ok(MODERATOR, c.ChangeMode, mode="open")
    assert events == [
        {"event": "request.cancelled", "user": "ann", "reason": "mode_changed"},
        {"event": "request.cancelled", "user": "bob", "reason": "mode_changed"},
        {"event": "mode.changed", "mode": "open", "by": MODERATOR},
    ]
    assert stage.status()["hands"] == []
    assert stage.join("ann") == [{"event": "stage.joined", "user": "ann", "evicted": None}]


def test_M4_leaving_request_mode_loses_no_request_and_no_hand() -> None:
    stage = Stage(mode="request")
    stage.ok("eve", c.RaiseHand)
    stage.ask("ann", "bob")
    stage.ok(MODERATOR, c.ChangeMode, mode="open")
    status = stage.status()
    assert status["requests"] == [] and status["hands"] == ["eve"]


@pytest.mark.parametrize(
    "route", [("open", "invite", "request"), ("invite", "open"), ("open", "request", "invite", "request")]
)
def test_M5_pending_invitations_survive_every_mode_change(route: tuple[str, ...]) -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, c.BringToStage, "ann")
    stage.invite("bob")
    for mode in route:
        events = stage.ok(MODERATOR, c.ChangeMode, mode=mode)
        assert names(events)[-1] == "mode.changed"
        assert "invitation.cancelled" not in names(events)
        assert stage.status()["invitations"] == ["ann", "bob"]
    assert stage.join("ann", "bob") == [
        {"event": "stage.joined", "user": "ann", "evicted": None},
        {"event": "stage.joined", "user": "bob", "evicted": None},
    ]
