"""X1 and X3 under real concurrency: many tasks in one process, and several processes on one database."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from core import commands as c
from core import rules
from core.events import ErrorReply, RequestApproved, StageJoined, StageLeft
from tests.integration.stage import ADMIN, HOST, ROOM, Process, arrive, errors, start_process

MOD_A = c.Actor("alice", moderator=True)
MOD_B = c.Actor("bruno", moderator=True)


async def _request_pending(process: Process, user: str = "ann") -> None:
    await process.do(c.StartSession(HOST, "request"))
    await arrive(process, user, MOD_A.user, MOD_B.user)
    await process.do(c.AskToJoin(c.Actor(user)))


def _outcomes(results: list[list]) -> tuple[list[RequestApproved], list[ErrorReply]]:
    events = list(itertools.chain.from_iterable(results))
    return [e for e in events if isinstance(e, RequestApproved)], [e for e in events if isinstance(e, ErrorReply)]


async def test_X1_two_moderators_approving_one_request_from_many_tasks_exactly_one_wins(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await _request_pending(process)
        clicks = [process.do(c.BringToStage(moderator, "ann")) for moderator in (MOD_A, MOD_B) * 10]
        approvals, refusals = _outcomes(await asyncio.gather(*clicks))

        assert len(approvals) == 1
        assert len(refusals) == 19
        winner = approvals[0].by
        assert {r.code for r in refusals} == {"no_request"}
        assert all(f"{winner} already brought ann to the stage" in r.message for r in refusals)
        assert (await process.status()).invitations == ["ann"]
    finally:
        await process.close()


async def test_X1_two_bot_processes_approving_one_request_exactly_one_wins_and_the_other_is_told_who(
    database_url: str,
) -> None:
    first = await start_process(database_url)
    second = await start_process(database_url)
    try:
        await _request_pending(first)
        await second.status()  # the second process has the room cached from before the race
        clicks = [
            process.do(c.BringToStage(moderator, "ann")) for process, moderator in [(first, MOD_A), (second, MOD_B)] * 6
        ]
        approvals, refusals = _outcomes(await asyncio.gather(*clicks))

        assert len(approvals) == 1
        assert len(refusals) == 11
        assert all(f"{approvals[0].by} already brought ann" in r.message for r in refusals)
        logged = [e.event for e in await first.store.history(ROOM)]
        assert sum(isinstance(e, RequestApproved) for e in logged) == 1
        assert (await second.status()).invitations == (await first.status()).invitations == ["ann"]
    finally:
        await first.close()
        await second.close()


async def test_X3_concurrent_joins_from_three_processes_never_exceed_capacity(database_url: str) -> None:
    processes = [await start_process(database_url) for _ in range(3)]
    try:
        first = processes[0]
        assert not errors(await first.do(c.SetCapacity(ADMIN, "3")))
        await first.do(c.StartSession(HOST, "open"))
        joiners = [f"guest{n}" for n in range(15)]
        await arrive(first, *joiners)
        for process in processes[1:]:
            await process.status()  # every process holds a cached copy before the rush

        async def join(process: Process, user: str) -> list:
            events = await process.do(c.JoinStage(c.Actor(user)))
            assert len((await process.status()).on_stage) <= 3
            return events

        results = await asyncio.gather(*(join(processes[n % 3], user) for n, user in enumerate(joiners)))

        joined = [e for events in results for e in events if isinstance(e, StageJoined)]
        assert len(joined) == 15  # a full stage moves someone off (C3); nobody is refused
        for process in processes:
            status = await process.status()
            assert status.count == 3
            assert len(status.on_stage) == 3
        logged = [e.event for e in await first.store.history(ROOM)]
        assert sum(isinstance(e, StageJoined) for e in logged) == 15
        assert sum(isinstance(e, StageLeft) and e.reason == "evicted" for e in logged) == 12
    finally:
        for process in processes:
            await process.close()


async def test_X3_no_request_or_invitation_is_lost_when_three_processes_take_them_at_once(database_url: str) -> None:
    processes = [await start_process(database_url) for _ in range(3)]
    try:
        first = processes[0]
        await first.do(c.StartSession(HOST, "request"))
        askers = [f"asker{n}" for n in range(9)]
        invited = [f"invitee{n}" for n in range(6)]
        await arrive(first, *askers, *invited)
        for process in processes[1:]:
            await process.status()

        await asyncio.gather(
            *(processes[n % 3].do(c.AskToJoin(c.Actor(user))) for n, user in enumerate(askers)),
            *(processes[n % 3].do(c.Invite(HOST, user)) for n, user in enumerate(invited)),
        )

        statuses = [await process.status() for process in processes]
        for status in statuses:
            assert sorted(r["user"] for r in status.requests) == sorted(askers)
            assert [r["position"] for r in status.requests] == list(range(1, 10))
            assert sorted(status.invitations) == sorted(invited)
        assert statuses[0].requests == statuses[1].requests == statuses[2].requests
    finally:
        for process in processes:
            await process.close()


class Abandoned(Exception):
    """A unit of work that fails after changing its copy of the room."""


async def test_X3_a_unit_of_work_that_waited_for_the_room_never_reuses_a_copy_another_one_abandoned(
    database_url: str,
) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        await arrive(process, "ann")
        store = process.store
        changed, release = asyncio.Event(), asyncio.Event()

        async def change_then_fail() -> None:
            async with store.unit_of_work() as uow:
                room = await uow.load(ROOM)
                rules.handle(room, c.JoinStage(c.Actor("ann")), process.clock())  # changes the cached copy
                changed.set()
                await release.wait()
                raise Abandoned()

        async def load_after() -> list[str]:
            await changed.wait()
            async with store.unit_of_work() as uow:
                return list((await uow.load(ROOM)).stage)

        failing = asyncio.create_task(change_then_fail())
        waiting = asyncio.create_task(load_after())
        await changed.wait()
        await asyncio.sleep(0.2)  # the second unit of work is now waiting for the room
        release.set()
        with pytest.raises(Abandoned):
            await failing
        assert await waiting == []
        assert (await process.status()).on_stage == []
    finally:
        await process.close()
