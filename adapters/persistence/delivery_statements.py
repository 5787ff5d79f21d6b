"""The statements of room-by-room delivery (adapters/persistence/delivery.py), built once per dialect."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from adapters.persistence.compiled import sqlite_statements
from adapters.persistence.statements import PREFIX, bp, insert_for

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from adapters.persistence.steps import Statement


def _json_ids(ids: Sequence[int]) -> str:
    """Return the event ids as SQLite's json_each reads them."""
    return json.dumps(list(ids))


class DeliveryStatements:
    """The delivery statements for one dialect."""

    def __init__(self, dialect: str, *, core: bool = False) -> None:
        """Take SQLite's compiled text, or build the Core statements (always with `core`: to compile them)."""
        # An ack's event ids, as its statement takes them: a JSON array on SQLite, an array on PostgreSQL.
        self.ids: Callable[[Sequence[int]], Any] = _json_ids if dialect == "sqlite" else list
        if dialect == "sqlite" and not core:
            vars(self).update(sqlite_statements("DeliveryStatements"))
        else:
            self._build(dialect)

    def _build(self, dialect: str) -> None:
        from sqlalchemy import (
            Integer,
            String,
            any_,
            bindparam,
            case,
            cast,
            delete,
            func,
            literal_column,
            null,
            select,
            true,
            update,
        )

        from adapters.persistence.tables import cursors, deliverers, deliveries, events, rooms

        insert: Any = insert_for(dialect)
        floor = func.coalesce(
            select(cursors.c.last_event_id).where(cursors.c.consumer == bp("consumer")).scalar_subquery(),
            literal_column("0"),
        )
        mine = (deliveries.c.room_id == rooms.c.id) & (deliveries.c.consumer == bp("consumer"))
        pending = (
            select(
                rooms.c.id, rooms.c.platform, rooms.c.workspace, rooms.c.channel,
                deliveries.c.owner, deliveries.c.lease_until,
            )
            .select_from(rooms.outerjoin(deliveries, mine))
            .where(rooms.c.last_event_id > func.coalesce(deliveries.c.delivered_id, floor))
        )  # fmt: skip
        # Rooms with events this consumer has not delivered, with who holds each.
        self.pending: Statement = pending
        self.pending_on: Statement = pending.where(rooms.c.platform == bp("platform"))

        claim = insert(deliveries).values(
            consumer=bp("consumer"), room_id=bp("room_id"), delivered_id=floor, owner=bp("owner"),
            lease_until=bp("until"),
        )  # fmt: skip
        free = (
            deliveries.c.owner.is_(None)
            | (deliveries.c.owner == claim.excluded.owner)
            | (deliveries.c.lease_until < bp("now"))
        )
        self.claim: Statement = claim.on_conflict_do_update(
            index_elements=["consumer", "room_id"],
            set_={"owner": claim.excluded.owner, "lease_until": claim.excluded.lease_until},
            where=free,
        )
        held = (deliveries.c.consumer == bp("consumer")) & (deliveries.c.owner == bp("owner"))
        self.leased_events: Statement = (
            select(
                events.c.id, rooms.c.platform, rooms.c.workspace, rooms.c.channel,
                events.c.at, events.c.actor, events.c.payload,
            )
            .select_from(
                deliveries.join(events, events.c.room_id == deliveries.c.room_id).join(
                    rooms, rooms.c.id == events.c.room_id
                )
            )
            .where(held, events.c.id > deliveries.c.delivered_id)
            .order_by(events.c.id)
            .limit(bp("limit"))
        )  # fmt: skip
        self.release: Statement = (
            update(deliveries)
            .where(held, deliveries.c.room_id == bp("room_id"))
            .values(owner=null(), lease_until=null())
        )
        self.holding: Statement = select(deliveries.c.room_id, deliveries.c.lease_until).where(held)
        self.release_all: Statement = (
            update(deliveries).where(deliveries.c.owner == bp("owner")).values(owner=null(), lease_until=null())
        )
        beat = insert(deliverers).values(consumer=bp("consumer"), owner=bp("owner"), alive_until=bp("until"))
        self.beat: Statement = beat.on_conflict_do_update(
            index_elements=["consumer", "owner"], set_={"alive_until": beat.excluded.alive_until}
        )
        self.live: Statement = select(deliverers.c.owner).where(
            deliverers.c.consumer == bp("consumer"), deliverers.c.alive_until >= bp("now")
        )
        self.forget: Statement = delete(deliverers).where(deliverers.c.owner == bp("owner"))
        self.forget_silent: Statement = delete(deliverers).where(deliverers.c.alive_until < bp("before"))
        # An ack moves the cursor of each event's room to its newest event acknowledged (never backwards,
        # never below the floor): one statement for a whole batch, committed as it runs (an ack is idempotent).
        if dialect == "sqlite":
            listed: ColumnElement[bool] = events.c.id.in_(
                select(literal_column("value")).select_from(func.json_each(bp("ids")))
            )
        else:
            from sqlalchemy.dialects.postgresql import ARRAY  # only for PostgreSQL: the console never loads it

            listed = events.c.id == any_(bindparam(PREFIX + "ids", type_=ARRAY(Integer)))
        newest = (
            select(events.c.room_id, func.max(events.c.id).label("newest"))
            .where(listed)
            .group_by(events.c.room_id)
            .subquery()
        )
        upto = case((newest.c.newest > floor, newest.c.newest), else_=floor)
        ack = insert(deliveries).from_select(
            ["consumer", "room_id", "delivered_id"],
            # WHERE true: SQLite reads an upsert after INSERT … SELECT … FROM only with a WHERE clause.
            select(cast(bp("consumer"), String()), newest.c.room_id, upto).where(true()),
        )
        self.ack: Statement = ack.on_conflict_do_update(
            index_elements=["consumer", "room_id"],
            set_={
                "delivered_id": case(
                    (ack.excluded.delivered_id > deliveries.c.delivered_id, ack.excluded.delivered_id),
                    else_=deliveries.c.delivered_id,
                )
            },
        )
        self.has_state: Statement = select(literal_column("1")).where(
            select(cursors.c.consumer).where(cursors.c.consumer == bp("consumer")).exists()
            | select(deliveries.c.room_id)
            .where(deliveries.c.consumer == bp("consumer"), deliveries.c.delivered_id > literal_column("0"))
            .exists()
        )  # a consumer that only read (took leases) but acknowledged nothing has no state yet
        self.clear_rooms: Statement = delete(deliveries).where(deliveries.c.consumer == bp("to"))
        self.copy_floor: Statement = cursors.insert().from_select(
            ["consumer", "last_event_id"],
            select(cast(bp("to"), String()), cursors.c.last_event_id).where(cursors.c.consumer == bp("consumer")),
        )
        self.copy_rooms: Statement = deliveries.insert().from_select(
            ["consumer", "room_id", "delivered_id"],
            select(cast(bp("to"), String()), deliveries.c.room_id, deliveries.c.delivered_id).where(
                deliveries.c.consumer == bp("consumer")
            ),
        )
