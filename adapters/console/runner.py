"""Play console lines against the stage: parse → call the core → collect what each person is told.

State events are delivered the way every adapter delivers them, by reading
the event log (the outbox); replies (errors, status) come back from the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from adapters.console.parser import Action, Problem, Wait, parse_line
from adapters.console.render import deliveries
from adapters.console.words import Delivery, problem_reply
from adapters.outbox import drain
from core import commands as c
from core.events import Event
from core.limits import NAME_LIMIT
from core.room import RoomKey
from core.service import EventLog, LoggedEvent, StageService

ROOM = RoomKey("console", "local", "stage")
CONSUMER = "console"
# The app itself is never a participant (A4): naming it as a target is refused, and it never arrives.
APP_NAME = "stagedoor"
# Each line takes a millisecond of virtual time, so the order of lines is the order of activity (C3).
LINE_STEP = 0.001


class VirtualClock:
    """Wall time at start plus the seconds the input waited: `(wait N)` moves it, nothing else does."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.elapsed = 0.0

    def __call__(self) -> float:
        return self.start + self.elapsed

    def advance(self, seconds: float) -> None:
        """Move the clock on."""
        self.elapsed += seconds


@dataclass(frozen=True)
class Roles:
    """The roles the platform grants (`--moderator`, `--admin`); the database's own list adds to them."""

    moderators: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()

    def actor(self, name: str) -> c.Actor:
        """Return the person as the platform sees them now (admins are moderators too)."""
        admin = name in self.admins
        return c.Actor(name, moderator=admin or name in self.moderators, admin=admin)


@dataclass
class Said:
    """What one line caused: every delivery, and the line's events (for wording that looks at context)."""

    deliveries: list[Delivery] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


class Console:
    """One console room driven line by line."""

    def __init__(
        self, service: StageService, log: EventLog, clock: VirtualClock, roles: Roles = Roles(), room: RoomKey = ROOM
    ) -> None:
        self.service = service
        self.log = log
        self.clock = clock
        self.roles = roles
        self.room = room
        # Names already brought into the room by this run: arriving again would change nothing.
        self._introduced: set[str] = set()
        self._owed: list[int] = []  # the last line's acknowledgement, sent with the next line's read

    async def catch_up(self) -> None:
        """Skip what earlier runs on the same database already printed."""
        await drain(self.log, CONSUMER, _ignore, linger=True, owed=self._owed)

    async def settle(self) -> None:
        """Acknowledge what was printed and not yet acknowledged (before the console ends)."""
        if self._owed:
            await self.log.ack(CONSUMER, *self._owed)
            self._owed.clear()

    async def play(self, text: str) -> Said:
        """Apply one input line; return what everyone is told, state events first, then replies."""
        line = parse_line(text)
        said = Said()
        if line is None:
            return said
        self.clock.advance(LINE_STEP)
        if isinstance(line, Problem):
            delivery = problem_reply(line)
            said.deliveries.append(delivery)
            said.events.append(delivery[1])
            return said
        if isinstance(line, Wait):
            self.clock.advance(line.seconds)
            replies = await self.service.handle(self.room, c.Tick(c.Actor("")))
        else:
            replies = await self._act(line)
        if any(not event.is_reply for event in replies):  # the line logged something: read it from the log
            await self._deliver_logged(said)
        for reply in (event for event in replies if event.is_reply):
            said.deliveries += deliveries(reply)
            said.events.append(reply)
        return said

    async def _act(self, action: Action) -> list[Event]:
        """Bring everyone the line names into the room, then apply the action."""
        returned: list[Event] = []
        for name in dict.fromkeys((action.actor, *action.names)):
            # A name too long for the store never arrives: the action itself is refused with the reason.
            if name not in self._introduced and name != APP_NAME and len(name) <= NAME_LIMIT:
                returned += await self.service.handle(self.room, c.Arrive(c.Actor(name), if_new=True))
                self._introduced.add(name)
        command = action.build(self.roles.actor(action.actor))
        if isinstance(command, c.Targeted) and command.target == APP_NAME:
            command = replace(command, target_is_bot=True)
        returned += await self.service.handle(self.room, command)
        return returned

    async def _deliver_logged(self, said: Said) -> None:
        async def deliver(item: LoggedEvent, caused: Sequence[Event]) -> None:
            if item.room == self.room:
                said.deliveries.extend(deliveries(item.event))
                said.events.append(item.event)

        # One console reads the log after every line: the room stays leased to it between lines.
        await drain(self.log, CONSUMER, deliver, linger=True, owed=self._owed)


async def _ignore(item: LoggedEvent, caused: Sequence[Event]) -> None:
    return None
