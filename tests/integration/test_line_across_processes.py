"""Q5 across processes: a workspace order set by one process re-sorts the line another process has cached."""

from __future__ import annotations

from core import commands as c
from tests.integration.stage import ADMIN, HOST, Clock, arrive, errors, start_process


async def test_Q5_a_workspace_order_changed_by_another_process_re_sorts_the_cached_line(database_url: str) -> None:
    one = await start_process(database_url)
    two = await start_process(database_url, one.clock)
    try:
        assert not errors(await one.do(c.StartSession(HOST, "open")))
        await arrive(one, "ann", "bob")
        assert not errors(await one.do(c.JoinStage(c.Actor("ann"))))
        one.clock.now += 30
        assert not errors(await one.do(c.RemoveFromStage(HOST, "ann")))
        assert not errors(await one.do(c.ChangeMode(HOST, "request")))
        for user in ("ann", "bob"):
            assert not errors(await one.do(c.AskToJoin(c.Actor(user))))
        assert [r["user"] for r in (await one.status()).requests] == ["ann", "bob"]
        assert not errors(await two.do(c.SetOrder(ADMIN, "fair", workspace=True)))
        assert [r["user"] for r in (await one.status()).requests] == ["bob", "ann"]
    finally:
        await two.close()
        await one.close()


async def test_T1_a_turn_started_in_one_process_ends_in_another(database_url: str) -> None:
    one = await start_process(database_url)
    two = await start_process(database_url, Clock(one.clock.now))
    try:
        assert not errors(await one.do(c.SetTurn(ADMIN, "10")))
        assert not errors(await one.do(c.StartSession(HOST, "open")))
        await arrive(one, "ann")
        assert not errors(await one.do(c.JoinStage(c.Actor("ann"))))
        two.clock.now += 10
        events = [e.as_dict() for e in await two.do(c.Tick(c.Actor("")))]
        assert [e["event"] for e in events] == ["turn.warning", "stage.left"]
        one.clock.now += 10
        assert [e for e in await one.do(c.Tick(c.Actor(""))) if not e.is_reply] == []  # fired once, not twice
    finally:
        await two.close()
        await one.close()
