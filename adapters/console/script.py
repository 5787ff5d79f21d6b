"""Play a whole script a chunk at a time: many lines' commands committed together, printed as line by line.

A script is read before it runs and nobody watches its output line by line, so its lines need not
cost a transaction each. A chunk's commands are queued on the room together; the service applies
them in one transaction (group commit, core/service.py), each at the moment its line would have
been played at (the clock answers planned moments), then the log is read once for the whole chunk.
Each line is then told what it would have been told alone: the events it logged, found in the log
in its order, then its replies. Nothing of a chunk is printed before the chunk is committed.

A chunk commits whole or not at all (at most one group). When it does not, the console stops with
the store's error, as at a failing line; or, when the service only tried the group again (it asks
the clock once per command per try, so the planned moments ran out and nothing was committed),
the chunk is played again line by line. The service tries a group again from its start; only a
failure between two of a group's commands (a workspace lock, which no console line takes, or a
bug) could have some commands applied alone at other lines' moments before the moments ran out.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

from adapters.console.parser import Problem, Wait, parse_line
from adapters.console.runner import LINE_STEP, ClockOverrun, Console, Said, tell
from adapters.console.words import problem_reply
from core import commands as c
from core.events import Event
from core.service import GROUP_LIMIT


@dataclass
class _Chunk:
    """Lines planned but not yet played: what each says so far, their commands, the moment of each command."""

    elapsed: float  # the clock before the chunk, to play it again line by line
    texts: list[str] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # how many of the commands are each line's (arrivals first)
    commands: list[c.Command] = field(default_factory=list)
    moments: list[float] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)  # names the chunk brings in


async def play_script(console: Console, lines: Iterable[str]) -> AsyncIterator[list[Said]]:
    """Play every line; yield what the lines said, a chunk at a time, each chunk once it is committed."""
    clock = console.clock
    chunk = _Chunk(clock.elapsed)
    for text in lines:
        line = parse_line(text)
        said = Said()
        commands: list[c.Command] = []
        if isinstance(line, Problem):
            clock.advance(LINE_STEP)
            delivery = problem_reply(line)
            said.deliveries.append(delivery)
            said.events.append(delivery[1])
        elif line is not None:
            commands, names = console.commands(line)
            if len(chunk.commands) + len(commands) > GROUP_LIMIT:
                async for played in _play(console, chunk):  # one group at most: a chunk commits whole or not at all
                    yield played
                chunk = _Chunk(clock.elapsed)
            # As playing the line alone would: the clock moves on, and the line's names are in the room.
            clock.advance(LINE_STEP)
            if isinstance(line, Wait):
                clock.advance(line.seconds)
            console.introduce(names)
            chunk.introduced += names
            chunk.commands += commands
            chunk.moments += [clock()] * len(commands)
        chunk.texts.append(text)
        chunk.said.append(said)
        chunk.counts.append(len(commands))
    async for played in _play(console, chunk):
        yield played


async def _play(console: Console, chunk: _Chunk) -> AsyncIterator[list[Said]]:
    """Play a chunk: yield what its lines said once it is committed, or each line's as played alone again."""
    said = await _played(console, chunk)
    if said is not None:
        yield said
        return
    # Only retries (the clock ran out of moments), and nothing committed: play the lines as if alone.
    console.clock.elapsed = chunk.elapsed
    console.forget(chunk.introduced)
    for text in chunk.texts:
        yield [await console.play(text)]


async def _played(console: Console, chunk: _Chunk) -> list[Said] | None:
    """Apply a chunk's commands together and read what they logged; return what each line said.

    None: the chunk did not commit, only because the service tried its group again; play it again alone.
    """
    if not chunk.commands:
        return chunk.said
    console.clock.plan(chunk.moments)
    try:
        results = await asyncio.gather(
            *(console.service.handle(console.room, command) for command in chunk.commands), return_exceptions=True
        )
    finally:
        taken = console.clock.unplan()
    failed = [result for result in results if isinstance(result, BaseException)]
    if failed:
        _stop(failed, whole=len(failed) == len(results))
        return None
    assert taken == len(chunk.commands), "each queued command asks the clock once"
    returned = [result for result in results if not isinstance(result, BaseException)]
    if any(not event.is_reply for events in returned for event in events):
        logged = iter(_share(chunk, returned, await console.read_logged()))
    else:
        logged = iter([[] for _ in chunk.said])
    start = 0
    for said, count in zip(chunk.said, chunk.counts, strict=True):
        own = returned[start] if count == 1 else [e for events in returned[start : start + count] for e in events]
        start += count
        tell(said, next(logged), own)
    return chunk.said


def _share(chunk: _Chunk, returned: list[list[Event]], read: list[Event]) -> list[list[Event]]:
    """Give each line the events it logged as the log has them, in the log's order.

    The log may also hold events another process logged in the room meanwhile (a second console on
    the same database), or lack the chunk's own (another process delivers the room): an event the
    reading met before a line's own goes with that line, one met after them all with the last line
    that logged something, as reading after each line would have given them.
    """
    own: list[list[Event]] = []
    start = 0
    for count in chunk.counts:
        own.append([e for events in returned[start : start + count] for e in events if not e.is_reply])
        start += count
    expected = [event for events in own for event in events]
    if len(read) == len(expected) and all(a.name == b.name for a, b in zip(read, expected, strict=True)):
        found = iter(read)  # the usual case: the log holds exactly the chunk's events, in its order
        return [[next(found) for _ in events] for events in own]
    wanted = [[_key(event) for event in events] for events in own]
    keys = [_key(event) for event in read]
    shared: list[list[Event]] = [[] for _ in chunk.said]
    last = at = 0
    for n, line_keys in enumerate(wanted):
        for key in line_keys:
            last = n
            match = next((k for k in range(at, len(read)) if keys[k] == key), None)
            if match is not None:
                shared[n] += read[at : match + 1]
                at = match + 1
    shared[last] += read[at:]
    return shared


def _key(event: Event) -> str:
    """Return an event as the log keeps it (so an event and its copy read back from the log compare equal)."""
    return json.dumps(event.as_dict(), sort_keys=True)


def _stop(failed: list[BaseException], whole: bool) -> None:
    """Raise the store's error behind a chunk that did not commit; return if there is none (only retries)."""
    cause = next((error for error in map(_cause, failed) if error is not None), None)
    if cause is not None:
        raise cause
    if not whole:  # some commands were applied alone after the group failed: stop as a failing line would
        raise failed[0]


def _cause(error: BaseException) -> BaseException | None:
    """Return the error behind a failure that is not the planned clock running out, if any."""
    seen: BaseException | None = error
    while seen is not None:
        if not isinstance(seen, ClockOverrun):
            return seen
        seen = seen.__context__
    return None
