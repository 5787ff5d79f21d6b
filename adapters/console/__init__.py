"""The console adapter: the whole product in one terminal, with no platform account.

Read lines (a script or standard input) → play each against the stage →
print what everyone is told, as JSON lines or as readable lines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable

from adapters.console.render import as_json, as_text
from adapters.console.runner import Console, Roles, Said, VirtualClock
from adapters.console.script import play_script
from adapters.console.source import NotText, decode_text, read_stream
from adapters.console.words import welcome

__all__ = [
    "Console",
    "NotText",
    "Roles",
    "VirtualClock",
    "decode_text",
    "play_lines",
    "read_stream",
    "welcome",
]


async def play_lines(
    console: Console,
    lines: Iterable[str] | AsyncIterator[str],
    write: Callable[[str], None],
    as_json_lines: bool,
    flush: Callable[[], None] | None = None,
) -> None:
    """Play every line, writing what each recipient is told once the line's effects are committed.

    `flush`, when given, runs once after each line's output (input typed or piped in is answered
    line by line). A script (lines given whole, and no `flush`) is played a chunk at a time: its
    lines' commands are committed together and their output written after, in line order, the
    same as line by line (adapters/console/script.py); its output may wait in the stream's buffer.
    """

    def show(said: Said) -> None:
        for delivery in said.deliveries:
            write(as_json(delivery) if as_json_lines else as_text(delivery, said.events))

    await console.catch_up()
    try:
        if flush is None and not isinstance(lines, AsyncIterator):
            async for chunk in play_script(console, lines):
                for said in chunk:
                    show(said)
            return
        async for line in _each(lines):
            show(await console.play(line))
            if flush is not None:
                flush()
    finally:
        await console.settle()


async def _each(lines: Iterable[str] | AsyncIterator[str]) -> AsyncIterator[str]:
    if isinstance(lines, AsyncIterator):
        async for line in lines:
            yield line
    else:
        for line in lines:
            yield line
