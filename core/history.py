"""A room's history, read back: each session's R1 figures folded from its logged events (R2).

The export reads a channel's event log once, oldest first, and hands each event
to a `SessionLog` fold; the figures it gives are the ones `stats` (R1) counts,
with the same rounding and order, made from the log alone so that sessions long
over are counted as well as the last one. Pure: events and their logged times in,
figures out; the time a still-running stint counts up to is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import events as ev
from core.state import whole_seconds

__all__ = ["SessionLog", "person_of"]

# The events that make someone one of the session's people (R1): joined, asked, was invited, raised a hand.
_COUNTED = (ev.StageJoined, ev.RequestCreated, ev.RequestApproved, ev.InvitationSent, ev.HandRaised)


@dataclass
class _Figures:
    stage_seconds: float = 0.0  # finished stints only
    on_stage_from: float | None = None
    joins: int = 0
    requests: int = 0
    declined: int = 0
    waited_seconds: float = 0.0  # answered requests only
    asked_at: float | None = None  # a pending request's asking time

    def close_stint(self, at: float) -> None:
        if self.on_stage_from is not None:
            self.stage_seconds += at - self.on_stage_from
            self.on_stage_from = None

    def answer(self, at: float) -> None:
        if self.asked_at is not None:
            self.waited_seconds += at - self.asked_at
            self.asked_at = None


def person_of(event: ev.Event) -> str | None:
    """Return the person an event is about (its `user`), if it names one."""
    user = getattr(event, "user", None)
    return user if isinstance(user, str) else None


class SessionLog:
    """R2: one session's R1 figures, built from its logged events in log order."""

    def __init__(self, number: int, started_at: float) -> None:
        self.number = number
        self.started_at = started_at
        self.ended_at: float | None = None
        self._people: dict[str, _Figures] = {}

    @property
    def live(self) -> bool:
        """Say whether the session had not ended by the last event applied."""
        return self.ended_at is None

    def apply(self, at: float, event: ev.Event) -> None:
        """Count one logged event of this session, at the time it was logged."""
        if isinstance(event, ev.SessionEnded):
            self.ended_at = at
            return
        user = person_of(event)
        if user is None:
            return
        person = self._people.get(user)
        if person is None:
            if not isinstance(event, _COUNTED):
                return  # not (yet) one of the session's people: nothing of theirs is counted
            person = self._people[user] = _Figures()
        # Each case mirrors what the core does to the same person when it emits the event (core.room, joining).
        if isinstance(event, ev.StageJoined):
            person.close_stint(at)
            person.asked_at = None  # a move answers nothing: only the answers below count a wait
            person.on_stage_from = at
            person.joins += 1
        elif isinstance(event, ev.StageLeft):
            person.close_stint(at)
        elif isinstance(event, ev.RequestCreated):
            person.requests += 1
            person.asked_at = at
        elif isinstance(event, ev.RequestApproved | ev.InvitationSent):
            person.answer(at)  # J7: an invitation answers a pending request
        elif isinstance(event, ev.RequestDeclined):
            person.answer(at)
            person.declined += 1
        elif isinstance(event, ev.RequestCancelled):
            person.asked_at = None  # cancelled or closed: not waiting that counts

    def people(self, now: float) -> list[dict[str, Any]]:
        """Return the figures as a `stats` reply lists them: most seconds on stage first, ties by name."""
        people: list[dict[str, Any]] = []
        for user, person in self._people.items():
            running = now - person.on_stage_from if person.on_stage_from is not None else 0.0
            people.append(
                {
                    "user": user,
                    "stage_seconds": whole_seconds(person.stage_seconds + running),
                    "joins": person.joins,
                    "requests": person.requests,
                    "declined": person.declined,
                    "waited_seconds": whole_seconds(person.waited_seconds),
                }
            )
        people.sort(key=lambda p: (-p["stage_seconds"], p["user"]))
        return people
