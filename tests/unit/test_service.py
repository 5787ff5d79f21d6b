"""The service over the in-memory store: what is logged, the injected clock, and the kept history."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork
from core import commands as c
from core.commands import Actor
from core.room import RoomKey
from core.service import StageService

KEY = RoomKey("console", "w", "c")
MOD = Actor("m", moderator=True)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def started(clock: Clock, *people: str) -> tuple[MemoryStore, StageService]:
    store = MemoryStore()
    service = StageService(store.unit_of_work, clock)
    for user in people:
        await service.handle(KEY, c.Arrive(Actor(user)))
    await service.handle(KEY, c.StartSession(MOD, "request"))
    return store, service


def counting(store: MemoryStore, clock: Clock) -> tuple[StageService, list[int]]:
    """Return a service over the store and a list that grows by one for each transaction it opens."""
    opened: list[int] = []

    def counted() -> MemoryUnitOfWork:
        opened.append(1)
        return store.unit_of_work()

    return StageService(counted, clock), opened


def logged(store: MemoryStore) -> list[str]:
    return [item.event.as_dict()["event"] for item in store.log]


async def test_J8_expiry_runs_on_the_injected_clock_and_is_logged_without_an_actor() -> None:
    clock = Clock()
    store, service = await started(clock, "ann")
    await service.handle(KEY, c.Invite(MOD, "ann"))
    clock.now += 599.9
    assert await service.handle(KEY, c.Tick(Actor(""))) == []
    clock.now += 0.1
    (expired,) = await service.handle(KEY, c.Tick(Actor("")))
    assert expired.as_dict() == {"event": "invitation.expired", "user": "ann"}
    last = store.log[-1]
    assert (last.at, last.actor, last.event) == (1_600.0, None, expired)


async def test_replies_are_answered_but_never_logged() -> None:
    clock = Clock()
    store, service = await started(clock, "ann")
    before = list(store.log)
    (status,) = await service.handle(KEY, c.Status(Actor("ann")))
    (error,) = await service.handle(KEY, c.JoinStage(Actor("ann")))
    assert (status.name, error.name) == ("status", "error")
    assert store.log == before


async def test_state_events_are_logged_in_order_with_ids_time_and_actor() -> None:
    clock = Clock()
    store, service = await started(clock, "ann", "bob")
    await service.handle(KEY, c.ChangeMode(MOD, "open"))
    await service.handle(KEY, c.SetCapacity(Actor("a", admin=True), "1"))
    clock.now += 3
    events = await service.handle(KEY, c.JoinStage(Actor("ann")))
    events += await service.handle(KEY, c.JoinStage(Actor("bob")))
    assert [item.id for item in store.log] == list(range(1, len(store.log) + 1))
    assert logged(store)[-3:] == ["stage.joined", "stage.left", "stage.joined"]
    assert [item.event for item in store.log[-3:]] == events
    assert [item.actor for item in store.log[-3:]] == ["ann", "bob", "bob"]
    assert store.log[-1].at == 1_003.0


async def test_L3_ending_keeps_the_history() -> None:
    clock = Clock()
    store, service = await started(clock, "ann")
    await service.handle(KEY, c.AskToJoin(Actor("ann"), note="hi"))
    await service.handle(KEY, c.EndSession(MOD))
    assert logged(store) == ["session.started", "request.created", "request.cancelled", "session.ended"]
    assert [item.event.as_dict()["event"] for item in await store.read("slack")] == logged(store)


async def test_refused_actions_write_nothing() -> None:
    clock = Clock()
    store, service = await started(clock, "ann")
    room = store.rooms[KEY]
    await service.handle(KEY, c.RemoveFromStage(Actor("ann"), "ann"))
    await service.handle(KEY, c.ChangeMode(MOD, "nonsense"))
    assert not room.is_dirty
    assert logged(store) == ["session.started"]


async def test_an_arrival_and_the_command_after_it_share_one_transaction_and_both_count() -> None:
    clock = Clock()
    store, _ = await started(clock)
    service, opened = counting(store, clock)
    events = await service.handle(KEY, c.RaiseHand(Actor("zoe")), after=[c.Arrive(Actor("zoe"))])
    assert len(opened) == 1
    assert [event.as_dict()["event"] for event in events] == ["hand.raised"]
    assert store.rooms[KEY].people["zoe"].present


async def test_an_arrival_is_kept_when_the_command_after_it_is_refused() -> None:
    clock = Clock()
    store, service = await started(clock)
    (refusal,) = await service.handle(KEY, c.RemoveFromStage(Actor("zed"), "zed"), after=[c.Arrive(Actor("zed"))])
    assert refusal.name == "error"
    assert store.rooms[KEY].people["zed"].present
    assert logged(store) == ["session.started"]


@dataclass(frozen=True)
class Unhandled(c.Command):
    """A command the rules have no handler for: handling it fails, as a bug would."""


async def test_X3_commands_queued_on_a_busy_room_share_one_transaction_in_their_order() -> None:
    clock = Clock()
    store, _ = await started(clock)
    service, opened = counting(store, clock)
    people = ["ann", "bob", "cid", "dee"]
    clicks = [service.handle(KEY, c.RaiseHand(Actor(user)), after=[c.Arrive(Actor(user))]) for user in people]
    results = await asyncio.gather(*clicks)
    assert len(opened) == 1
    assert [[event.as_dict()["event"] for event in events] for events in results] == [["hand.raised"]] * 4
    assert [(item.actor, item.event.as_dict()["event"]) for item in store.log[1:]] == [
        (user, "hand.raised") for user in people
    ]


async def test_X3_a_failing_command_in_a_group_fails_alone_and_its_changes_are_undone_in_memory_too() -> None:
    clock = Clock()
    store, service = await started(clock)
    clicks = [service.handle(KEY, c.RaiseHand(Actor(user)), after=[c.Arrive(Actor(user))]) for user in ("ann", "bob")]
    clicks.insert(1, service.handle(KEY, Unhandled(Actor("bad")), after=[c.Arrive(Actor("bad"))]))
    first, failed, last = await asyncio.gather(*clicks, return_exceptions=True)
    assert isinstance(failed, KeyError)
    assert [item.actor for item in store.log[1:]] == ["ann", "bob"]
    room = store.rooms[KEY]
    assert "bad" not in room.people and room.people["ann"].present and room.people["bob"].present
