"""The console adapter: the whole product in one terminal, with no platform account.

Read lines (a script or standard input) → play each against the stage →
print what everyone is told, as JSON lines or as readable lines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable

from adapters.console.render import as_json, as_text
from adapters.console.runner import Console, Roles, VirtualClock
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
    """Play every line, writing what each recipient is told as soon as the line is done.

    `flush`, when given, runs once after each line's output (input typed or piped in is answered
    line by line); a script's output may wait in the stream's buffer.
    """

    async def each() -> AsyncIterator[str]:
        if isinstance(lines, AsyncIterator):
            async for line in lines:
                yield line
        else:
            for line in lines:
                yield line

    await console.catch_up()
    try:
        async for line in each():
            said = await console.play(line)
            for delivery in said.deliveries:
                write(as_json(delivery) if as_json_lines else as_text(delivery, said.events))
            if flush is not None:
                flush()
    finally:
        await console.settle()
