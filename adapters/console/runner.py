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
READ_PAGE = 500  # events a read of the log asks for: a chunk of a script logs a few hundred


class ClockOverrun(Exception):
    """A planned clock was asked for more moments than were planned: some step of the service ran again."""


class VirtualClock:
    """Wall time at start plus the seconds the input waited: `(wait N)` moves it, nothing else does.

    While a plan is set (a script's lines queued together), each call answers the next planned moment
    instead: the service asks once per queued command, as it applies it, so each command is applied at
    the moment its line would have been played at. The console's service is its only caller.
    """

    def __init__(self, start: float) -> None:
        self.start = start
        self.elapsed = 0.0
        self._plan: Sequence[float] | None = None
        self._taken = 0

    def __call__(self) -> float:
        plan = self._plan
        if plan is None:
            return self.start + self.elapsed
        if self._taken == len(plan):
            raise ClockOverrun(f"the clock was asked for more than the {len(plan)} moments planned")
        self._taken += 1
        return plan[self._taken - 1]

    def advance(self, seconds: float) -> None:
        """Move the clock on."""
        self.elapsed += seconds

    def plan(self, moments: Sequence[float]) -> None:
        """Answer the next calls with these moments, one a call, in order."""
        self._plan, self._taken = moments, 0

    def unplan(self) -> int:
        """Tell the time again; return how many planned moments were asked for."""
        taken, self._plan, self._taken = self._taken, None, 0
        return taken


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
        self._owed: list[int] = []  # the acknowledgement of what the last read brought, sent with the next read

    async def catch_up(self) -> None:
        """Skip what earlier runs on the same database already printed."""
        await drain(self.log, CONSUMER, _ignore, READ_PAGE, linger=True, owed=self._owed, per_command=False)

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
        commands, names = self.commands(line)
        returned: list[Event] = []
        for n, command in enumerate(commands):
            returned += await self.service.handle(self.room, command)
            if n < len(names):
                self._introduced.add(names[n])
        logged: list[Event] = []
        if any(not event.is_reply for event in returned):  # the line logged something: read it from the log
            logged = await self.read_logged()
        tell(said, logged, returned)
        return said

    def introduce(self, names: Sequence[str]) -> None:
        """Count these people as brought into the room by this run."""
        self._introduced.update(names)

    def forget(self, names: Sequence[str]) -> None:
        """Count these people as not brought in after all (their arrivals were not applied)."""
        self._introduced.difference_update(names)

    def commands(self, line: Action | Wait) -> tuple[list[c.Command], list[str]]:
        """Return what a line asks of the service, arrivals first, and the names those arrivals bring in."""
        if isinstance(line, Wait):
            return [c.Tick(c.Actor(""))], []
        # A name too long for the store never arrives: the action itself is refused with the reason.
        names = [
            name
            for name in dict.fromkeys((line.actor, *line.names))
            if name not in self._introduced and name != APP_NAME and len(name) <= NAME_LIMIT
        ]
        command = line.build(self.roles.actor(line.actor))
        if isinstance(command, c.Targeted) and command.target == APP_NAME:
            command = replace(command, target_is_bot=True)
        return [*(c.Arrive(c.Actor(name), if_new=True) for name in names), command], names

    async def read_logged(self) -> list[Event]:
        """Return the room's events logged since the last read, in log order."""
        logged: list[Event] = []

        async def deliver(item: LoggedEvent, caused: Sequence[Event]) -> None:
            if item.room == self.room:
                logged.append(item.event)

        # One console reads the log after every line: the room stays leased to it between lines. What is
        # read is only collected here (printed once the line is done), so one acknowledgement covers it all.
        await drain(self.log, CONSUMER, deliver, READ_PAGE, linger=True, owed=self._owed, per_command=False)
        return logged


def tell(said: Said, logged: Sequence[Event], returned: Sequence[Event]) -> None:
    """Add a line's logged events (as read from the log), then its replies, to what it said."""
    for event in logged:
        said.deliveries += deliveries(event)
        said.events.append(event)
    for reply in returned:
        if reply.is_reply:
            said.deliveries += deliveries(reply)
            said.events.append(reply)


async def _ignore(item: LoggedEvent, caused: Sequence[Event]) -> None:
    return None
