"""A5 and bad input at the edges: names have a length cap, numbers are ASCII digits; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from core import commands as c
from core.limits import NAME_LIMIT
from tests.unit.stage import ADMIN, MODERATOR, Stage

LONG = "x" * 3_000
EDGE = "n" * NAME_LIMIT

# Every command that names someone, with the arguments around the name.
TARGETED: list[tuple[type[c.Command], str, dict[str, Any]]] = [
    (c.Invite, MODERATOR, {}),
    (c.BringToStage, MODERATOR, {}),
    (c.DeclineRequest, MODERATOR, {"reason": "later"}),
    (c.RemoveFromStage, MODERATOR, {}),
    (c.AddModerator, ADMIN, {}),
    (c.RemoveModerator, ADMIN, {}),
]


def test_the_name_cap_is_80_characters() -> None:
    assert NAME_LIMIT == 80


@pytest.mark.parametrize(("kind", "user", "kwargs"), TARGETED)
def test_A5_an_overlong_name_is_a_bad_argument_that_says_the_cap(
    kind: type[c.Command], user: str, kwargs: dict[str, Any]
) -> None:
    stage = Stage(mode="request")
    message = stage.refused(user, kind, "bad_argument", LONG, **kwargs)
    assert "3000 characters" in message and f"at most {NAME_LIMIT}" in message
    assert LONG not in message  # the name is not echoed back whole


@pytest.mark.parametrize(("kind", "user", "kwargs"), TARGETED[:4])
def test_A5_permission_and_the_live_session_come_before_the_name_length(
    kind: type[c.Command], user: str, kwargs: dict[str, Any]
) -> None:
    stage = Stage(mode=None)
    stage.refused("ann", kind, "not_moderator", LONG, **kwargs)
    stage.refused(user, kind, "no_session", LONG, **kwargs)


def test_A5_the_admin_check_comes_before_the_name_length() -> None:
    stage = Stage(mode=None)
    stage.refused(MODERATOR, c.AddModerator, "not_admin", LONG)
    stage.refused(ADMIN, c.AddModerator, "bad_argument", LONG)


def test_A5_lowering_an_overlong_name_s_hand_is_a_bad_argument() -> None:
    stage = Stage(mode="request")
    stage.refused("ann", c.LowerHand, "not_moderator", target=LONG)
    assert "at most 80" in stage.refused(MODERATOR, c.LowerHand, "bad_argument", target=LONG)


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        (c.Arrive, ()),
        (c.JoinStage, ()),
        (c.AskToJoin, ("hi",)),
        (c.RaiseHand, ()),
        (c.Status, ()),
        (c.StartSession, ()),
        (c.SetCapacity, ("5",)),
        (c.Leave, ()),
        (c.Speak, ()),
        (c.MicChanged, (True,)),
    ],
)
def test_A5_an_actor_whose_own_name_is_too_long_is_refused_first(kind: type[c.Command], args: tuple[Any, ...]) -> None:
    stage = Stage(mode="open", moderators=(MODERATOR, LONG), admins=(ADMIN, LONG))
    message = stage.refused(LONG, kind, "bad_argument", *args)
    assert message.startswith("Your name is 3000 characters long") and "shorter name" in message
    assert LONG not in stage.room.people


def test_A5_a_name_of_exactly_the_cap_is_a_person_like_any_other() -> None:
    stage = Stage(mode="request", people=(EDGE,))
    stage.ok(ADMIN, c.AddModerator, EDGE)
    stage.ok(MODERATOR, c.Invite, EDGE)
    stage.ok(EDGE, c.JoinStage)
    assert stage.status()["on_stage"] == [EDGE]
    stage.refused(ADMIN, c.AddModerator, "bad_argument", EDGE + "n")


NOT_ASCII_DIGITS = ["١٢", "1_0", "+5", "５", "²", "1e3", "0x10", "٣٠", "5 0", "2.5", "ten", ""]
SETTINGS = [(c.SetCapacity, 1), (c.SetCameras, 0), (c.SetCooldown, 0), (c.SetExpiry, 1)]


@pytest.mark.parametrize("raw", NOT_ASCII_DIGITS)
@pytest.mark.parametrize(("kind", "low"), SETTINGS)
def test_A5_numbers_accept_ascii_digits_only(kind: type[c.Command], low: int, raw: str) -> None:
    stage = Stage(mode="open")
    message = stage.refused(ADMIN, kind, "bad_argument", raw)
    assert "whole number" in message and "digits 0-9" in message


def test_A5_plain_digits_still_set_every_number_and_surrounding_spaces_are_fine() -> None:
    stage = Stage(mode="open")
    assert stage.ok(ADMIN, c.SetCapacity, " 12 ")[0]["value"] == 12
    assert stage.ok(ADMIN, c.SetCameras, "007")[0]["value"] == 7
    assert stage.ok(ADMIN, c.SetCooldown, "0")[0]["value"] == 0
    assert stage.ok(ADMIN, c.SetExpiry, "86400")[0]["value"] == 86_400


def test_A5_numbers_out_of_range_say_the_range_even_with_thousands_of_digits() -> None:
    stage = Stage(mode="open")
    assert "from 1 to 10000; -1 is out of range" in stage.refused(ADMIN, c.SetCapacity, "bad_argument", "-1")
    huge = stage.refused(ADMIN, c.SetCapacity, "bad_argument", "9" * 5_000)  # int() refuses 4,300+ digits
    assert "out of range" in huge and len(huge) < 200


def test_A5_a_long_word_is_cut_when_quoted_back() -> None:
    stage = Stage(mode="open")
    assert len(stage.refused(MODERATOR, c.ChangeMode, "bad_argument", LONG)) < 300
    assert len(stage.refused(ADMIN, c.SetCapacity, "bad_argument", LONG)) < 300
