"""A unit of work's first step: find the room (locking it, or not) and read what this process has not seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.persistence import mapping
from adapters.persistence.caches import CachedRoom
from adapters.persistence.statements import ROOM_READ_WIDTH, Statements
from adapters.persistence.steps import Runner
from core.modes import FALLBACK_MODE
from core.room import RoomKey


@dataclass
class LoadResult:
    """What a unit of work's first step found of a room."""

    room_id: int
    version: int
    state: tuple[Any, ...]
    workspace_fetched: bool
    workspace_row: tuple[Any, ...] | None  # None when not fetched or when the workspace has no row
    people: list[tuple[Any, ...]] | None  # None: the cached people are current
    next_due: float | None
    locked: bool = True  # the room's row is locked by this transaction
    bumped: bool = True  # the version is already moved on in the row (else the room's write at commit does it)
    foreign: int | None = None  # the runner's count of others' commits, read under the lock (SQLite)
    last_event_id: int | None = None  # the room's newest event when read (None: taken from the cache)


def load_step(
    st: Statements,
    run: Runner,
    key: RoomKey,
    cached: CachedRoom | None,
    seen: int | None,
    known_workspace: object,
    known_workspace_current: bool = False,
    bump: bool = True,
    optimistic: bool = False,
) -> LoadResult:
    """Lock the room (bumping its version) and read what this process has not seen yet.

    `optimistic`: read it without the lock instead; the version returned is the one a write gives it.
    On SQLite, a cached room nobody else can have written since (no other connection committed: see
    `Runner.foreign`) is taken as it is, with no statement but the lock: its write at commit bumps it.
    """
    began = False
    if bump and cached is not None and seen is not None and cached.foreign is not None and known_workspace_current:
        began = True
        run.begin()
        if run.foreign == cached.foreign:
            return LoadResult(
                cached.room_id, seen + 1, (), False, None, None, cached.next_due, bumped=False, foreign=run.foreign
            )
    params = mapping.key_params(key)
    # Read without the lock, a room this process has comes with the people written since, in one statement.
    since = optimistic and not bump and cached is not None and seen is not None
    rows: Sequence[Sequence[Any]] = []
    if not bump:
        rows = run.rows(st.read_room_since, {**params, "since": seen}) if since else run.rows(st.read_room, params)
    if bump or (optimistic and not rows):  # a room never committed (only read so far) is made under the lock
        optimistic = since = False
        if not began:
            run.begin()
        rows = run.rows(st.bump_room, params)
        if not rows:
            run.run(st.create_room, {**params, "live": False, "mode": FALLBACK_MODE.value})
            rows = run.rows(st.bump_room, params)
    room_id, version, *state, workspace_version, next_due, last_event_id = rows[0][:ROOM_READ_WIDTH]
    version += 1 if optimistic else 0
    fetch_workspace = workspace_version != known_workspace
    workspace_row = None
    if fetch_workspace and workspace_version is not None:
        found = run.rows(st.workspace, params)
        workspace_row = tuple(found[0]) if found else None
    people: list[tuple[Any, ...]] | None
    if cached is None or cached.room_id != room_id or seen is None:
        people = [tuple(r) for r in run.rows(st.all_people, {"room_id": room_id})]
    elif seen == version - 1:
        people = None  # nobody wrote since we last did: the cached room is current
    elif since:  # a room without such people comes as one row with no person in it (an outer join)
        people = [tuple(r[ROOM_READ_WIDTH:]) for r in rows if r[ROOM_READ_WIDTH] is not None]
    else:
        people = [tuple(r) for r in run.rows(st.people_since, {"room_id": room_id, "since": seen})]
    locked = not optimistic
    counted = run.foreign if locked else None
    return LoadResult(
        room_id,
        version,
        tuple(state),
        fetch_workspace,
        workspace_row,
        people,
        next_due,
        locked,
        True,
        counted,
        last_event_id,
    )
