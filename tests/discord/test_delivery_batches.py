"""The outbox hands each event to Discord with the other events of its command, even across pages of the log;
each room's cursor only moves past what is delivered."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import discord

from adapters.discord.enforce import Enforcer
from adapters.discord.messenger import Messenger
from adapters.discord.notify import CONSUMER, Notifier
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import Runtime, room_key
from core import commands as c
from core import events as ev
from core.room import RoomKey
from core.service import LoggedEvent
from tests.discord.conftest import App

Seen = list[tuple[ev.Event, Sequence[ev.Event]]]


class Log:
    """The log as read back from the store, served a page at a time with a cursor per room (as the store does)."""

    def __init__(self, items: list[LoggedEvent]) -> None:
        self.items = items
        self.cursors: dict[RoomKey, int] = {}

    async def read(
        self,
        consumer: str,
        limit: int = 100,
        *,
        platform: str | None = None,
        owns: Callable[[RoomKey], bool] | None = None,
        done: Sequence[int] = (),
    ) -> list[LoggedEvent]:
        if done:
            await self.ack(consumer, *done)
        return [item for item in self.items if item.id > self.cursors.get(item.room, 0)][:limit]

    async def ack(self, consumer: str, event_id: int, *more: int) -> None:
        for acked in (event_id, *more):
            room = next(item.room for item in self.items if item.id == acked)
            self.cursors[room] = max(self.cursors.get(room, 0), acked)

    async def due_rooms(self, platform: str, now: float, limit: int = 1000) -> list[RoomKey]:
        return []

    def last_of(self, room: RoomKey) -> int:
        return max(item.id for item in self.items if item.room == room)


async def _logged(app: App) -> list[LoggedEvent]:
    key = room_key(1, 2)
    mo, alex, bea = c.Actor("100", moderator=True), c.Actor("101"), c.Actor("102")
    for actor in (mo, alex, bea):
        await app.service.handle(key, c.Arrive(actor))
    await app.service.handle(key, c.StartSession(mo, "request"))
    await app.service.handle(key, c.AskToJoin(alex))
    await app.service.handle(key, c.AskToJoin(bea))
    await app.service.handle(key, c.ChangeMode(mo, "open"))
    assert app.store is not None
    return await app.store.read(CONSUMER, 1000)


async def test_a_request_closed_by_a_mode_switch_is_delivered_with_the_switch_whatever_the_page_size(
    app: App,
) -> None:
    items = await _logged(app)
    switch = [item.event for item in items if item.actor == "100"][-3:]
    assert [type(e) for e in switch] == [ev.RequestCancelled, ev.RequestCancelled, ev.ModeChanged]
    bot = discord.Client(intents=discord.Intents.none())
    runtime = Runtime(app, bot)
    messenger, panels = Messenger(runtime), PanelKeeper(runtime)
    for page in range(len(switch), len(items) + 1):
        log = Log(items)
        notifier = Notifier(runtime, log, messenger, panels, Enforcer(runtime, messenger, panels), page=page)
        seen: Seen = []

        async def record(item: LoggedEvent, batch: Sequence[ev.Event] = (), seen: Seen = seen) -> None:
            seen.append((item.event, batch))

        notifier.deliver = record  # type: ignore[method-assign]
        assert await notifier.drain() == len(items)
        await notifier.delivered()
        assert [event for event, _ in seen] == [item.event for item in items], f"page {page}: every event, in order"
        closed = [batch for event, batch in seen if isinstance(event, ev.RequestCancelled)]
        assert closed == [switch, switch], f"page {page}: each closed request comes with the mode it closed for"
        assert log.cursors == {items[0].room: items[-1].id}


async def test_a_delivery_that_fails_is_not_acknowledged_and_holds_back_only_its_own_room(app: App) -> None:
    first, second = room_key(1, 2), room_key(1, 3)
    mo = c.Actor("100", moderator=True)
    for key in (first, second):
        await app.service.handle(key, c.Arrive(mo))
        await app.service.handle(key, c.StartSession(mo, "request"))
        await app.service.handle(key, c.AskToJoin(c.Actor("101")))
    assert app.store is not None
    items = await app.store.read(CONSUMER, 1000)
    bot = discord.Client(intents=discord.Intents.none())
    runtime = Runtime(app, bot)
    messenger, panels = Messenger(runtime), PanelKeeper(runtime)
    log = Log(items)
    notifier = Notifier(runtime, log, messenger, panels, Enforcer(runtime, messenger, panels))
    delivered: list[int] = []
    broken = {next(item.id for item in items if item.room == first)}

    async def deliver(item: LoggedEvent, batch: Sequence[ev.Event] = ()) -> None:
        if item.id in broken:
            broken.discard(item.id)
            raise RuntimeError("injected: Discord's answer was lost")
        delivered.append(item.id)

    notifier.deliver = deliver  # type: ignore[method-assign]
    await notifier.drain()
    await notifier.delivered()
    assert delivered == [item.id for item in items if item.room == second]  # the other room went on
    assert first not in log.cursors  # none of the first room is acknowledged
    assert log.cursors[second] == log.last_of(second)  # the other room's cursor moved on
    await notifier.drain()  # the next round (a commit or the poll) tries it again, in order
    await notifier.delivered()
    assert [i for i in delivered if i not in {item.id for item in items if item.room == second}] == [
        item.id for item in items if item.room == first
    ]
    assert log.cursors == {first: log.last_of(first), second: log.last_of(second)}
