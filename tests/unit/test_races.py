"""X1, X2 (the core's side): a second answer names the first, and a repeated click changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from adapters.persistence.memory import MemoryStore
from core import commands as c
from core.commands import Actor
from core.room import RoomKey
from core.service import StageService
from tests.unit.stage import ADMIN, MODERATOR, Stage

KEY = RoomKey("console", "w", "c")


@pytest.mark.parametrize(
    ("first", "second", "word"),
    [
        (c.BringToStage, c.BringToStage, "brought"),
        (c.BringToStage, c.DeclineRequest, "brought"),
        (c.DeclineRequest, c.BringToStage, "declined"),
        (c.DeclineRequest, c.DeclineRequest, "declined"),
        (c.Invite, c.BringToStage, "invited"),
    ],
)
def test_X1_second_answer_to_a_request_is_refused_and_names_who_answered(
    first: type[c.Targeted], second: type[c.Targeted], word: str
) -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, first, "ann")
    message = stage.refused(ADMIN, second, "no_request", "ann")
    assert MODERATOR in message and word in message


def test_X1_second_answer_after_the_participant_joined_still_names_who_answered() -> None:
    stage = Stage(mode="request")
    stage.ask("ann")
    stage.ok(MODERATOR, c.BringToStage, "ann")
    stage.join("ann")
    assert MODERATOR in stage.refused(ADMIN, c.DeclineRequest, "no_request", "ann")


async def test_X1_two_moderators_answering_at_once_exactly_one_wins() -> None:
    store = MemoryStore()
    service = StageService(store.unit_of_work, clock=lambda: 100.0)
    await service.handle(KEY, c.Arrive(Actor("ann")))
    await service.handle(KEY, c.StartSession(Actor("m1", moderator=True)))
    await service.handle(KEY, c.AskToJoin(Actor("ann")))
    answers = await asyncio.gather(
        service.handle(KEY, c.BringToStage(Actor("m1", moderator=True), "ann")),
        service.handle(KEY, c.DeclineRequest(Actor("m2", moderator=True), "ann")),
    )
    won, lost = answers
    assert [e.as_dict()["event"] for e in won] == ["request.approved"]
    assert [e.as_dict()["code"] for e in lost] == ["no_request"]
    assert "m1" in lost[0].as_dict()["message"]
    logged = [item.event.as_dict()["event"] for item in store.log]
    assert logged.count("request.approved") + logged.count("request.declined") == 1


Repeat = tuple[Callable[[Stage], None], str, type[c.Command], tuple[Any, ...], str]
REPEATS: list[Repeat] = [
    (lambda s: None, MODERATOR, c.StartSession, (), "session_active"),
    (lambda s: None, "ann", c.AskToJoin, (), "already_requested"),
    (lambda s: s.ask("ann"), "ann", c.CancelRequest, (), "no_request"),
    (lambda s: s.ask("ann"), MODERATOR, c.BringToStage, ("ann",), "no_request"),
    (lambda s: s.ask("ann"), MODERATOR, c.DeclineRequest, ("ann",), "no_request"),
    (lambda s: None, MODERATOR, c.Invite, ("ann",), "already_invited"),
    (lambda s: s.invite("ann"), "ann", c.DeclineInvitation, (), "no_invitation"),
    (lambda s: s.invite("ann"), "ann", c.JoinStage, (), "already_on_stage"),
    (lambda s: s.seat("ann"), MODERATOR, c.RemoveFromStage, ("ann",), "not_on_stage"),
    (lambda s: None, "ann", c.RaiseHand, (), "no_change"),
    (lambda s: s.ok("ann", c.RaiseHand), "ann", c.LowerHand, (), "no_change"),
    (lambda s: s.ok("ann", c.RaiseHand), MODERATOR, c.LowerHand, ("ann",), "no_change"),
    (lambda s: None, MODERATOR, c.ChangeMode, ("open",), "no_change"),
    (lambda s: None, ADMIN, c.SetCameras, ("3",), "no_change"),
    (lambda s: None, ADMIN, c.AddModerator, ("bob",), "no_change"),
    (lambda s: None, MODERATOR, c.EndSession, (), "no_session"),
]


@pytest.mark.parametrize(("setup", "user", "kind", "args", "code"), REPEATS)
def test_X2_a_repeated_click_changes_nothing_the_second_time(
    setup: Callable[[Stage], None], user: str, kind: type[c.Command], args: tuple[Any, ...], code: str
) -> None:
    stage = Stage(mode="request")
    setup(stage)
    if kind is not c.StartSession:
        stage.ok(user, kind, *args)
    stage.refused(user, kind, code, *args)


async def test_X2_a_retried_command_logs_its_events_once() -> None:
    store = MemoryStore()
    service = StageService(store.unit_of_work, clock=lambda: 5.0)
    moderator = Actor("m", moderator=True)
    await service.handle(KEY, c.Arrive(Actor("ann")))
    await service.handle(KEY, c.StartSession(moderator))
    await service.handle(KEY, c.Invite(moderator, "ann"))
    first = await service.handle(KEY, c.JoinStage(Actor("ann")))
    logged = len(store.log)
    again = await service.handle(KEY, c.JoinStage(Actor("ann")))
    assert [e.as_dict()["event"] for e in first] == ["stage.joined"]
    assert [e.as_dict()["code"] for e in again] == ["already_on_stage"]
    assert len(store.log) == logged
