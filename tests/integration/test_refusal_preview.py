"""Asking the service what a command would be refused with changes nothing, in the store or its cached room."""

from __future__ import annotations

from core import commands as c
from core.errors import ModeForbids
from tests.integration.stage import HOST, ROOM, arrive, start_process

ANN = c.Actor("ann")


async def test_J1_a_join_the_core_would_refuse_is_named_before_any_form_opens(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "request"))
        await arrive(process, "ann")
        refusal = await process.service.refusal(ROOM, c.JoinStage(ANN))
        assert isinstance(refusal, ModeForbids)
        assert (await process.status()).requests == []
    finally:
        await process.close()


async def test_J1_a_join_the_core_would_allow_leaves_the_stage_as_it_was(database_url: str) -> None:
    process = await start_process(database_url)
    try:
        await process.do(c.StartSession(HOST, "open"))
        await arrive(process, "ann")
        assert await process.service.refusal(ROOM, c.JoinStage(ANN)) is None
        assert "ann" not in (await process.status()).on_stage  # neither stored nor left in the cached room
        logged = len(await process.store.read("slack", 1000))
        await process.do(c.JoinStage(ANN))
        assert "ann" in (await process.status()).on_stage
        assert len(await process.store.read("slack", 1000)) == logged + 1  # the real join is logged once
    finally:
        await process.close()
