"""Upgrading a database made by an older stagedoor keeps everyone in it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.connect import alembic_config
from core import commands as c
from core.room import Position
from tests.integration.stage import ROOM, errors, start_process


async def test_dropping_the_unread_since_column_keeps_every_person_and_their_place(database_url: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0002"))
        await connection.execute(
            text(
                "INSERT INTO rooms (platform, workspace, channel, version, live, mode, next_seq, moderators, admins)"
                " VALUES ('slack', 'T1', 'C1', 1, true, 'open', 2, '[]', '[]')"
            )
        )
        await connection.execute(
            text(
                'INSERT INTO people (room_id, "user", written_at, present, position, seq, since, last_active,'
                " seat_moderator) VALUES (1, 'ann', 1, true, 'on_stage', 1, 5.0, 6.0, false)"
            )
        )
    await engine.dispose()
    process = await start_process(database_url)  # migrates to head
    try:
        assert not errors(await process.do(c.Arrive(c.Actor("bob"))))
        assert not errors(await process.do(c.JoinStage(c.Actor("bob"))))  # a new person's row is written
        async with process.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
        assert list(room.stage) == ["ann", "bob"]
        assert (room.people["ann"].position, room.people["ann"].last_active) == (Position.ON_STAGE, 6.0)
        if database_url.startswith("sqlite"):
            async with process.store.engine.connect() as connection:
                schema = (await connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'people'"))).one()
            assert "WITHOUT ROWID" in schema[0] and "since" not in schema[0]
    finally:
        await process.close()


async def test_C5_people_stored_before_mics_were_kept_read_as_muted_and_their_mic_is_then_kept(
    database_url: str,
) -> None:
    await ann_on_stage_at(database_url, "0003")
    process = await start_process(database_url)  # migrates to head
    try:
        async with process.store.unit_of_work() as uow:
            assert not (await uow.load(ROOM)).people["ann"].mic_live
        await process.do(c.MicChanged(c.Actor("ann"), on=True))
    finally:
        await process.close()
    again = await start_process(database_url)
    try:
        async with again.store.unit_of_work() as uow:
            assert (await uow.load(ROOM)).people["ann"].mic_live
    finally:
        await again.close()


async def test_T1_R1_people_and_rooms_stored_before_turns_read_as_untimed_and_uncounted(database_url: str) -> None:
    await ann_on_stage_at(database_url, "0004")
    process = await start_process(database_url)  # migrates to head
    try:
        async with process.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
        ann = room.people["ann"]
        assert (ann.turn_ends_at, ann.warn_at, ann.tally, ann.joins, ann.next_told) == (None, None, 0, 0, False)
        assert (room.turn, room.advance, room.order, room.session.number) == (0, False, "asked", 0)
        assert not errors(await process.do(c.SetTurn(c.Actor("boss", admin=True), "60")))
        assert not errors(await process.do(c.RemoveFromStage(c.Actor("host", moderator=True), "ann")))
    finally:
        await process.close()


async def ann_on_stage_at(database_url: str, revision: str) -> None:
    """Upgrade an empty database to `revision` and store, as that schema can, one open room with Ann on stage."""
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
        await connection.execute(
            text(
                "INSERT INTO rooms (platform, workspace, channel, version, live, mode, next_seq, moderators, admins)"
                " VALUES ('slack', 'T1', 'C1', 1, true, 'open', 2, '[]', '[]')"
            )
        )
        await connection.execute(
            text(
                'INSERT INTO people (room_id, "user", written_at, present, position, seq, last_active,'
                " seat_moderator) VALUES (1, 'ann', 1, true, 'on_stage', 1, 6.0, false)"
            )
        )
    await engine.dispose()


async def test_X3_T4_a_log_delivered_under_one_cursor_is_not_retold_and_stored_deadlines_are_due_after_upgrade(
    database_url: str,
) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0005"))
        for channel in ("C1", "C2"):
            await connection.execute(
                text(
                    "INSERT INTO rooms (platform, workspace, channel, version, live, mode, next_seq, moderators,"
                    " admins) VALUES ('slack', 'T1', :channel, 1, true, 'invite', 2, '[]', '[]')"
                ),
                {"channel": channel},
            )
        # ann holds an invitation in C1 (its expiry stored); C2 has nobody timed.
        await connection.execute(
            text(
                'INSERT INTO people (room_id, "user", written_at, present, position, seq, expires_at, last_active,'
                " seat_moderator) VALUES (1, 'ann', 1, true, 'invited', 1, 1600.0, 6.0, false)"
            )
        )
        payload = '{"event": "session.started", "mode": "invite", "by": "host"}'
        for room_id in (1, 2, 1):
            await connection.execute(
                text(
                    "INSERT INTO events (room_id, at, actor, name, payload)"
                    " VALUES (:room_id, 1.0, 'host', 'session.started', :payload)"
                ),
                {"room_id": room_id, "payload": payload},
            )
        # The old single cursor: the first two events were delivered to Slack before the upgrade.
        await connection.execute(text("INSERT INTO consumer_cursors (consumer, last_event_id) VALUES ('slack', 2)"))
    await engine.dispose()
    process = await start_process(database_url)  # migrates to head
    try:
        assert [item.id for item in await process.store.read("slack")] == [3]  # only what was never delivered
        assert len(await process.store.read("discord")) == 3  # a consumer that never read starts at the beginning
        assert await process.store.due_rooms("slack", 0.0) == [ROOM]  # the stored expiry is looked at once
        process.clock.now = 1000.0
        await process.do(c.Tick(c.Actor("")))
        assert await process.store.due_rooms("slack", 1599.0) == []
        assert await process.store.due_rooms("slack", 1600.0) == [ROOM]  # then at its own time
    finally:
        await process.close()
