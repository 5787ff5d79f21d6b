"""PostgreSQL: what a unit of work does when the connection goes during its one-statement write."""

from __future__ import annotations

from typing import NoReturn

from adapters.persistence.caches import Caches
from adapters.persistence.errors import StoreUnavailable, is_disconnect
from core.service import StoreBusy


async def unless_unsaved(store: Caches, lost: StoreUnavailable, room_id: int, seen: int) -> NoReturn:
    """Raise StoreBusy if the write whose connection was lost surely did not commit, else `lost`.

    The write is a transaction of its own, so losing its connection may have lost only its answer.
    It writes only at version `seen` and moves the version on: still at `seen`, it was not saved.
    """
    if is_disconnect(lost.__cause__ or lost):
        try:
            async with store.connection() as other:
                rows = await other.call(lambda run: run.rows(store.statements.room_version, {"room_id": room_id}))
                await other.rollback()
        except Exception:
            raise lost from None
        if rows and rows[0][0] == seen:
            raise StoreBusy("The connection was lost before the room's write was saved; run it again.") from lost
    raise lost
