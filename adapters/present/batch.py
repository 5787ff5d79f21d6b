"""Which logged events one command caused: the batch the presenter words each of them with."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Protocol, TypeVar


class Logged(Protocol):
    """What grouping needs of a logged event (the service's LoggedEvent has it)."""

    @property
    def room(self) -> Hashable: ...
    @property
    def at(self) -> float: ...
    @property
    def actor(self) -> str | None: ...


L = TypeVar("L", bound=Logged)


def same_command(first: Logged, other: Logged) -> bool:
    """Say whether two logged events came from one command (one room, one moment, one actor)."""
    return (first.room, first.at, first.actor) == (other.room, other.at, other.actor)


def command_batches(items: Iterable[L]) -> list[list[L]]:
    """Group consecutive logged events by the command that caused them, in log order.

    A command's events are saved together with one time and one actor, so a run of items sharing
    both (in one room) is one command. Deliverers that read the log a page at a time pass each group's
    events as the batch, so that, say, a request closed by a switch to open mode is worded with that switch.
    """
    groups: list[list[L]] = []
    for item in items:
        if groups and same_command(groups[-1][-1], item):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups
