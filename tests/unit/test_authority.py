"""A1-A5: who may do what, against whom, checked in which order."""

from __future__ import annotations

from typing import Any

import pytest

from core import commands as c
from core.commands import Actor
from tests.unit.stage import ADMIN, MODERATOR, Stage

MODERATOR_ONLY: list[tuple[type[c.Command], tuple[Any, ...], dict[str, Any]]] = [
    (c.StartSession, (), {}),
    (c.EndSession, (), {}),
    (c.ChangeMode, ("open",), {}),
    (c.BringToStage, ("ann",), {}),
    (c.DeclineRequest, ("ann",), {"reason": "no"}),
    (c.Invite, ("bob",), {}),
    (c.RemoveFromStage, ("cid",), {}),
    (c.LowerHand, (), {"target": "dee"}),
]

ADMIN_ONLY: list[tuple[type[c.Command], tuple[Any, ...]]] = [
    (c.SetDefaultMode, ("open",)),
    (c.SetCapacity, ("50",)),
    (c.SetCameras, ("5",)),
    (c.SetCooldown, ("30",)),
    (c.SetExpiry, ("60",)),
    (c.AddModerator, ("ann",)),
    (c.RemoveModerator, (MODERATOR,)),
]


def busy_stage(live: bool = True) -> Stage:
    """Return a room with something in every position, for a target of every action."""
    stage = Stage(mode="request")
    stage.ok(ADMIN, c.AddModerator, MODERATOR)
    stage.ask("ann")
    stage.seat("cid")
    stage.ok("dee", c.RaiseHand)
    if not live:
        stage.ok(MODERATOR, c.EndSession)
    return stage


@pytest.mark.parametrize(("kind", "args", "kwargs"), MODERATOR_ONLY)
@pytest.mark.parametrize("live", [True, False])
def test_A1_moderator_only_actions_are_refused_to_participants(
    kind: type[c.Command], args: tuple[Any, ...], kwargs: dict[str, Any], live: bool
) -> None:
    stage = busy_stage(live)
    message = stage.refused("eve", kind, "not_moderator", *args, **kwargs)
    assert "moderator" in message.lower()


@pytest.mark.parametrize(("kind", "args"), ADMIN_ONLY)
def test_A2_admin_only_settings_are_refused_to_moderators_and_participants(
    kind: type[c.Command], args: tuple[Any, ...]
) -> None:
    stage = busy_stage()
    assert "admin" in stage.refused(MODERATOR, kind, "not_admin", *args).lower()
    stage.refused("eve", kind, "not_admin", *args)


@pytest.mark.parametrize(("kind", "args"), ADMIN_ONLY)
def test_A2_admins_change_channel_defaults_and_only_the_admin_is_told(
    kind: type[c.Command], args: tuple[Any, ...]
) -> None:
    stage = busy_stage()
    (changed,) = stage.send(kind(stage.actor(ADMIN), *args))
    assert changed.as_dict()["event"] == "settings.changed"
    assert changed.recipients() == [ADMIN]


def test_A2_admins_are_moderators_too() -> None:
    stage = Stage(mode=None)
    assert stage.ok(ADMIN, c.StartSession)[0]["event"] == "session.started"
    stage.ask("ann")
    assert stage.ok(ADMIN, c.BringToStage, "ann")[0]["event"] == "request.approved"


def test_A2_channel_listed_moderators_and_admins_count() -> None:
    stage = Stage(mode="request")
    stage.refused("ann", c.ChangeMode, "not_moderator", mode="open")
    assert stage.ok(ADMIN, c.AddModerator, "ann") == [
        {"event": "settings.changed", "setting": "moderators", "value": ["ann"], "by": ADMIN}
    ]
    assert stage.ok("ann", c.ChangeMode, mode="open")[0]["event"] == "mode.changed"
    stage.ok(ADMIN, c.RemoveModerator, "ann")
    stage.refused("ann", c.ChangeMode, "not_moderator", mode="invite")
    stage.room.channel.admins.append("bob")
    assert stage.ok("bob", c.SetCapacity, "7")[0]["value"] == 7


def test_A2_moderator_list_changes_that_change_nothing_say_so() -> None:
    stage = Stage(mode="request")
    stage.ok(ADMIN, c.AddModerator, "ann")
    stage.refused(ADMIN, c.AddModerator, "no_change", "ann")
    stage.refused(ADMIN, c.RemoveModerator, "no_change", "bob")


def test_A3_roles_are_checked_at_the_moment_of_the_action() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.moderators.add("bob")
    assert stage.ok("bob", c.BringToStage, "ann")[0]["event"] == "request.approved"
    stage.moderators.discard("bob")  # the platform took the role away
    stage.refused("bob", c.Invite, "not_moderator", "cid")


def test_A3_a_stale_button_after_the_session_ended_changes_nothing() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, c.EndSession)
    stage.refused(MODERATOR, c.BringToStage, "no_session", "ann")


def test_A3_a_stale_button_for_an_answered_request_says_who_answered() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(ADMIN, c.DeclineRequest, "ann")
    message = stage.refused(MODERATOR, c.BringToStage, "no_request", "ann")
    assert ADMIN in message and "declined" in message


def test_A4_bots_and_the_app_are_not_targets() -> None:
    stage = Stage(mode="request")
    stage.run("helperbot", c.Arrive)
    for kind in (c.Invite, c.BringToStage, c.DeclineRequest, c.RemoveFromStage, c.AddModerator):
        command = kind(stage.actor(ADMIN), "helperbot", target_is_bot=True)
        (error,) = stage.send(command)
        assert error.as_dict()["code"] == "not_allowed_target", kind
    assert stage.status()["invitations"] == [] and stage.room.channel.moderators == []


@pytest.mark.parametrize("kind", [c.Invite, c.BringToStage, c.DeclineRequest, c.RemoveFromStage])
def test_A4_targets_must_be_people_in_the_room(kind: type[c.Targeted]) -> None:
    stage = Stage(mode="request")
    assert "ghost" in stage.refused(MODERATOR, kind, "unknown_user", "ghost")
    stage.run("ann", c.Leave)
    stage.refused(MODERATOR, kind, "unknown_user", "ann")


@pytest.mark.parametrize("kind", [c.Invite, c.RemoveFromStage, c.AddModerator])
def test_A4_an_empty_target_is_a_bad_argument(kind: type[c.Targeted]) -> None:
    stage = Stage(mode="request")
    stage.refused(ADMIN, kind, "bad_argument", "  ")


def test_A4_someone_not_in_the_room_cannot_act_on_themselves() -> None:
    stage = Stage(mode="open")
    stage.refused("stranger", c.JoinStage, "unknown_user")
    stage.refused("stranger", c.RaiseHand, "unknown_user")


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        (c.ChangeMode, ("bogus",)),
        (c.EndSession, ()),
        (c.BringToStage, ("ghost",)),
        (c.DeclineRequest, ("ghost",)),
        (c.Invite, ("",)),
        (c.RemoveFromStage, ("ghost",)),
    ],
)
def test_A5_checks_run_in_order_permission_then_session_then_arguments(
    kind: type[c.Command], args: tuple[Any, ...]
) -> None:
    stage = Stage(mode=None)
    stage.refused("ann", kind, "not_moderator", *args)
    stage.refused(MODERATOR, kind, "no_session", *args)


def test_A5_arguments_and_state_are_checked_only_in_a_live_session() -> None:
    stage = Stage(mode="request")
    stage.refused(MODERATOR, c.ChangeMode, "bad_argument", "bogus")
    stage.refused(MODERATOR, c.BringToStage, "unknown_user", "ghost")
    stage.refused(MODERATOR, c.RemoveFromStage, "not_on_stage", "ann")
    stage.refused("ann", c.LowerHand, "not_moderator", target="ghost")
    stage.refused(MODERATOR, c.LowerHand, "unknown_user", target="ghost")


def test_A5_an_overlong_decline_reason_is_refused_before_the_request_state() -> None:
    stage = Stage(mode="request")
    stage.refused(MODERATOR, c.DeclineRequest, "bad_argument", "ann", reason="x" * 500)
    stage.refused(MODERATOR, c.DeclineRequest, "no_request", "ann", reason="later")


def test_A5_admin_check_comes_before_the_argument_check() -> None:
    stage = Stage(mode=None)
    stage.refused(MODERATOR, c.SetCapacity, "not_admin", "many")
    stage.refused(ADMIN, c.SetCapacity, "bad_argument", "many")


def test_A5_start_checks_permission_before_the_live_session() -> None:
    stage = Stage(mode="request")
    stage.refused("ann", c.StartSession, "not_moderator")


@pytest.mark.parametrize(
    ("setup", "user", "kind", "args"),
    [
        ("ann_hand", "ann", c.RaiseHand, ()),
        ("", "ann", c.LowerHand, ()),
        ("", MODERATOR, c.ChangeMode, ("request",)),
        ("", MODERATOR, c.ChangeMode, ("ASK",)),
        ("", ADMIN, c.SetCapacity, ("100",)),
        ("", ADMIN, c.SetDefaultMode, ("open",)),
    ],
)
def test_A5_repeating_something_already_so_answers_no_change(
    setup: str, user: str, kind: type[c.Command], args: tuple[Any, ...]
) -> None:
    stage = Stage(mode="request")
    stage.ok(ADMIN, c.SetCapacity, "100")
    stage.ok(ADMIN, c.SetDefaultMode, "open")
    if setup:
        stage.ok("ann", c.RaiseHand)
    assert "Nothing changed" in stage.refused(user, kind, "no_change", *args)


def test_A3_platform_roles_in_the_actor_are_all_that_counts() -> None:
    stage = Stage(mode="request")
    events = stage.send(c.ChangeMode(Actor("ann", moderator=True), "open"))
    assert events[-1].as_dict()["event"] == "mode.changed"


def test_A2_M2_admins_set_workspace_defaults_that_channels_inherit() -> None:
    """A2, M2: workspace-wide defaults are admin-only; a channel's own value wins over them."""
    stage = Stage(mode=None)
    stage.refused(MODERATOR, c.SetDefaultMode, "not_admin", "open", workspace=True)
    told = stage.ok(ADMIN, c.SetDefaultMode, "event", workspace=True)
    assert told == [{"event": "settings.changed", "setting": "workspace.default", "value": "open", "by": ADMIN}]
    assert stage.room.dirty_workspace and stage.room.default_mode.value == "open"
    stage.ok(ADMIN, c.SetCapacity, "12", workspace=True)
    assert stage.room.capacity == 12
    stage.ok(ADMIN, c.SetCapacity, "5")
    assert stage.room.capacity == 5  # the channel's own setting wins
    stage.refused(ADMIN, c.SetCapacity, "no_change", "12", workspace=True)
    stage.ok(ADMIN, c.AddModerator, "ann", workspace=True)
    assert stage.room.is_moderator(c.Actor("ann")) and stage.room.channel.moderators == []
