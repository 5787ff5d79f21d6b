"""Group commit: commands queued on one room while it is busy are committed together, each as if alone (X3)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from core import commands as c
from core.events import ErrorReply, HandRaised
from core.service import StageService
from tests.integration.stage import HOST, ROOM, Process, arrive, start_process

PEOPLE = [f"u{n:02d}" for n in range(20)]


@dataclass(frozen=True)
class Unhandled(c.Command):
    """A command the rules have no handler for: handling it fails, as a bug would."""


async def _counted(database_url: str) -> tuple[Process, list[int]]:
    """Start a process whose service counts its commits of logged events."""
    process = await start_process(database_url)
    commits: list[int] = []
    process.service = StageService(process.store.unit_of_work, process.clock, on_commit=lambda: commits.append(1))
    await process.do(c.StartSession(HOST, "request"))
    commits.clear()
    return process, commits


def _raise(user: str, process: Process) -> asyncio.Future[list]:
    return asyncio.ensure_future(
        process.service.handle(ROOM, c.RaiseHand(c.Actor(user)), after=[c.Arrive(c.Actor(user))])
    )


async def test_X3_clicks_queued_together_are_all_committed_in_their_order_with_one_commit(database_url: str) -> None:
    process, commits = await _counted(database_url)
    try:
        results = await asyncio.gather(*(_raise(user, process) for user in PEOPLE))
        assert len(commits) == 1  # queued while the room was taken: one transaction for all twenty
        assert [[e.user for e in events if isinstance(e, HandRaised)] for events in results] == [[u] for u in PEOPLE]
        log = await process.store.history(ROOM)
        hands = [(item.actor, item.event.user) for item in log if isinstance(item.event, HandRaised)]
        assert hands == [(user, user) for user in PEOPLE]
        assert [item.id for item in log] == sorted(item.id for item in log)
        fresh = await start_process(database_url)  # what another process reads: committed, not just cached
        try:
            assert (await fresh.status()).hands == PEOPLE
        finally:
            await fresh.close()
    finally:
        await process.close()


async def test_X3_a_refusal_in_the_middle_of_a_group_changes_nothing_and_the_others_are_committed(
    database_url: str,
) -> None:
    process, commits = await _counted(database_url)
    try:
        await arrive(process, "zoe")
        refused = c.JoinStage(c.Actor("zoe"))  # not invited, nothing asked: J-rules refuse it
        tasks = [_raise(user, process) for user in PEOPLE[:3]]
        tasks.insert(1, asyncio.ensure_future(process.service.handle(ROOM, refused)))
        first, refusal, *rest = await asyncio.gather(*tasks)
        assert [type(e) for e in refusal] == [ErrorReply]
        assert len(commits) == 1
        log = await process.store.history(ROOM)
        assert [item.actor for item in log if isinstance(item.event, HandRaised)] == PEOPLE[:3]
        assert "zoe" not in [item.actor for item in log]  # the refused command logged nothing
        status = await process.status()
        assert status.hands == PEOPLE[:3] and "zoe" not in status.on_stage
    finally:
        await process.close()


async def test_X3_a_command_failing_in_the_middle_of_a_group_fails_alone_and_undoes_only_itself(
    database_url: str,
) -> None:
    process, _ = await _counted(database_url)
    try:
        tasks = [_raise(user, process) for user in PEOPLE[:4]]
        # The failing one's own arrival is applied before it fails: it must be undone with it.
        failing = process.service.handle(ROOM, Unhandled(c.Actor("bad")), after=[c.Arrive(c.Actor("bad"))])
        tasks.insert(2, asyncio.ensure_future(failing))
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        assert isinstance(outcomes[2], KeyError)
        assert all(isinstance(o, list) and isinstance(o[-1], HandRaised) for i, o in enumerate(outcomes) if i != 2)
        log = await process.store.history(ROOM)
        assert [item.actor for item in log if isinstance(item.event, HandRaised)] == PEOPLE[:4]
        assert "bad" not in [item.actor for item in log]
        for reader in (process, await start_process(database_url)):
            status = await reader.status()
            assert status.hands == PEOPLE[:4]
            async with reader.store.unit_of_work() as uow:
                people = set((await uow.load(ROOM)).people)
            assert set(PEOPLE[:4]) <= people and "bad" not in people  # their arrivals kept, the failing one's not
            if reader is not process:
                await reader.close()
    finally:
        await process.close()


async def test_X3_a_click_whose_caller_stopped_waiting_before_its_group_began_changes_nothing(
    database_url: str,
) -> None:
    cancelled = 1
    process, _ = await _counted(database_url)
    try:
        tasks = [_raise(user, process) for user in PEOPLE[:3]]
        tasks[cancelled].cancel()  # before the room's queue is drained
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        assert isinstance(outcomes[cancelled], asyncio.CancelledError)
        assert (await process.status()).hands == [PEOPLE[0], PEOPLE[2]]
    finally:
        await process.close()
