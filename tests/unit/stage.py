"""A test harness over the real rules: a room, a clock and people with roles."""

from __future__ import annotations

from typing import Any

from core import commands as c
from core import rules
from core.events import ErrorReply, Event
from core.room import Room, RoomKey

KEY = RoomKey("console", "workspace", "stage")
MODERATOR = "mod"
ADMIN = "boss"
PEOPLE = ("ann", "bob", "cid", "dee", "eve")


def copied(record: object) -> dict[str, Any]:
    """Return a record's fields, lists copied (every other field is immutable)."""
    return {name: list(value) if isinstance(value, list) else value for name, value in vars(record).items()}


def snapshot(room: Room) -> dict[str, Any]:
    """Return a copy of everything a refused action must leave as it was."""
    return {
        "session": copied(room.session),
        "channel": copied(room.channel),
        "workspace": copied(room.workspace),
        "people": {user: copied(person) for user, person in room.people.items()},
        "stage": list(room.stage),
        "requests": list(room.requests),
        "invitations": list(room.invitations),
        "hands": list(room.hands),
        "next_seq": room.next_seq,
    }


class Stage:
    """A room driven through core.rules.handle, with a clock the test moves."""

    def __init__(
        self,
        mode: str | None = "request",
        people: tuple[str, ...] = PEOPLE,
        moderators: tuple[str, ...] = (MODERATOR,),
        admins: tuple[str, ...] = (ADMIN,),
        now: float = 1_000.0,
    ) -> None:
        self.room = Room(KEY)
        self.now = now
        self.moderators = set(moderators)
        self.admins = set(admins)
        for user in (*people, *moderators, *admins):
            self.send(c.Arrive(c.Actor(user)))
        if mode is not None:
            self.ok(MODERATOR, c.StartSession, mode=mode)

    def actor(self, user: str) -> c.Actor:
        """Return the actor with the roles the platform grants this user."""
        return c.Actor(user, moderator=user in self.moderators, admin=user in self.admins)

    def send(self, command: c.Command) -> list[Event]:
        """Apply a command now; return every event."""
        return rules.handle(self.room, command, self.now)

    def run(self, user: str, kind: type[c.Command], *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Apply `kind` as `user`; return the events' public forms."""
        return [event.as_dict() for event in self.send(kind(self.actor(user), *args, **kwargs))]

    def ok(self, user: str, kind: type[c.Command], *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Apply a command that must be accepted."""
        events = self.run(user, kind, *args, **kwargs)
        assert all(event["event"] != "error" for event in events), events
        return events

    def refused(self, user: str, kind: type[c.Command], code: str, *args: Any, **kwargs: Any) -> str:
        """Apply a command that must be refused with `code` and change nothing; return the message."""
        self.room.clean()
        before = snapshot(self.room)
        events = self.send(kind(self.actor(user), *args, **kwargs))
        assert len(events) == 1 and isinstance(events[0], ErrorReply), [e.as_dict() for e in events]
        error = events[0]
        assert error.code == code, error
        assert error.recipients() == [user]
        assert snapshot(self.room) == before
        assert not self.room.is_dirty
        assert error.message.strip()
        return error.message

    def wait(self, seconds: float) -> None:
        """Move the clock on."""
        self.now += seconds

    def status(self, user: str = MODERATOR) -> dict[str, Any]:
        """Return the status answer `user` gets."""
        (answer,) = self.run(user, c.Status)
        return answer

    def ask(self, *users: str) -> None:
        for user in users:
            self.ok(user, c.AskToJoin)

    def join(self, *users: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        for user in users:
            events += self.ok(user, c.JoinStage)
        return events

    def invite(self, *users: str, by: str = MODERATOR) -> None:
        for user in users:
            self.ok(by, c.Invite, user)

    def seat(self, *users: str) -> None:
        """Put people on stage in this order, whatever the mode (by invitation)."""
        for user in users:
            if user not in self.moderators:
                self.invite(user)
            self.join(user)


def names(events: list[dict[str, Any]]) -> list[str]:
    """Return the event names in order."""
    return [event["event"] for event in events]
