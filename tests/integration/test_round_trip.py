"""Every field of the room aggregate comes back from the database as it went in."""

from __future__ import annotations

from dataclasses import fields

from core.modes import Mode
from core.room import Person, Position, Session, Settings
from tests.integration.stage import ROOM, start_process

EVERY_PERSON_FIELD = Person(
    user="ann",
    present=False,
    position=Position.INVITED,
    seq=41,
    note="a note with 'quotes' and ünïcode",
    expires_at=1601.25,
    last_active=999.5,
    mic_live=True,
    seat_moderator=True,
    hand=17,
    declined_at=990.0,
    answered_by="host",
    answer="invited",
    turn_length=90,
    turn_ends_at=1700.5,
    warn_at=1670.5,
    next_told=True,
    tally=3,
    stage_seconds=12.75,
    on_stage_from=1500.25,
    joins=2,
    requests_made=4,
    times_declined=1,
    waited_seconds=33.5,
    asked_at=1400.0,
)
EVERY_SETTING = Settings(
    default_mode=Mode.INVITE,
    capacity=42,
    cameras=7,
    cooldown=30,
    expiry=90,
    turn=120,
    advance=True,
    order="fair",
    moderators=["maya", "omar"],
    admins=["boss"],
)


def test_the_fixtures_below_set_every_field_away_from_its_default() -> None:
    for value, kind in ((EVERY_PERSON_FIELD, Person), (EVERY_SETTING, Settings)):
        defaults = kind(user="ann") if kind is Person else kind()
        for field in fields(kind):
            if field.name != "user":
                assert getattr(value, field.name) != getattr(defaults, field.name), field.name


async def test_a_person_the_session_and_the_channel_settings_survive_a_restart_field_for_field(
    database_url: str,
) -> None:
    before = await start_process(database_url)
    async with before.store.unit_of_work() as uow:
        room = await uow.load(ROOM)
        room.people["ann"] = Person(**{f.name: getattr(EVERY_PERSON_FIELD, f.name) for f in fields(Person)})
        room.touch(room.people["ann"])
        room.session = Session(live=True, mode=Mode.OPEN, started_by="host", started_at=1000.5, number=3)
        room.channel = Settings(**{f.name: getattr(EVERY_SETTING, f.name) for f in fields(Settings)})
        room.next_seq = 99
        room.dirty_room = True
        await uow.save(room, [], 1002.0, "host")
        await uow.commit()
    await before.close()

    after = await start_process(database_url)
    try:
        async with after.store.unit_of_work() as uow:
            room = await uow.load(ROOM)
        assert room.people["ann"] == EVERY_PERSON_FIELD
        assert room.session == Session(live=True, mode=Mode.OPEN, started_by="host", started_at=1000.5, number=3)
        assert room.channel == EVERY_SETTING
        assert room.next_seq == 99
        assert list(room.invitations) == ["ann"] and list(room.hands) == ["ann"]
    finally:
        await after.close()
