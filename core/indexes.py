"""The ordered indexes of a room (stage, request line, invitations, hands) kept in order a few people at a time.

Each index is a dict in rule order. A person changed by another process is put back in their
place rather than the index rebuilt: appended when they sort last (a fresh seq or hand always
does), else merged in one pass over that index alone.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from core.state import Person, Position


def on_stage(person: Person) -> bool:
    """Say whether the person belongs on the stage index."""
    return person.position is Position.ON_STAGE


def requested(person: Person) -> bool:
    """Say whether the person belongs in the request line."""
    return person.position is Position.REQUESTED


def invited(person: Person) -> bool:
    """Say whether the person belongs in the invitations."""
    return person.position is Position.INVITED


def hand_up(person: Person) -> bool:
    """Say whether the person's hand is up."""
    return person.hand is not None


def by_seq(person: Person) -> tuple[int, int]:
    """Order the stage and the invitations by joining or invitation time."""
    return 0, person.seq


def by_hand(person: Person) -> tuple[int, int]:
    """Order hands as they went up."""
    return 0, person.hand or 0


def placed(
    index: dict[str, None], arriving: list[Person], key: Callable[[Person], tuple[int, int]], people: dict[str, Person]
) -> dict[str, None]:
    """Return `index` (in `key` order, of `people`) with `arriving` in their places: appended if all sort last."""
    if not arriving:
        return index
    arriving.sort(key=key)
    if not index or key(people[next(reversed(index))]) < key(arriving[0]):
        index.update(dict.fromkeys(p.user for p in arriving))
        return index
    merged = heapq.merge((people[u] for u in index), arriving, key=key)
    return dict.fromkeys(p.user for p in merged)
