"""Where console lines come from: a whole script, or a stream read as it is typed; text only."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable
from typing import BinaryIO


class NotText(ValueError):
    """The input is not UTF-8 text."""


def decode_line(raw: bytes, number: int) -> str:
    """Return one input line as text, or refuse bytes that are not text."""
    if b"\x00" in raw:
        raise NotText(f"line {number} holds binary data, not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotText(f"line {number} is not UTF-8 text") from None


def decode_text(data: bytes) -> list[str]:
    """Return a whole script's lines, refusing it before anything runs if it is not text."""
    return [decode_line(raw, number) for number, raw in enumerate(data.splitlines(), start=1)]


async def read_stream(stream: BinaryIO, prompt: Callable[[], None] | None = None) -> AsyncIterator[str]:
    """Yield lines from a byte stream as they come (interactive input included)."""
    reader = _LineReader(stream, asyncio.get_running_loop())
    number = 0
    while True:
        if prompt is not None:
            prompt()
        raw = await reader.readline()
        if not raw:
            return
        number += 1
        yield decode_line(raw, number)


class _LineReader:
    """Reads a blocking stream on a daemon thread, one line per request, so Ctrl-C never waits for Enter."""

    def __init__(self, stream: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self._stream = stream
        self._loop = loop
        self._pending = b""
        try:
            # Read the file descriptor itself: a daemon thread blocked inside a buffered reader's lock
            # would stop the interpreter from exiting cleanly on Ctrl-C.
            self._fd: int | None = stream.fileno()
        except (OSError, ValueError, AttributeError):
            self._fd = None
        self._wanted = threading.Event()
        self._future: asyncio.Future[bytes] | None = None
        threading.Thread(target=self._run, name="console-input", daemon=True).start()

    async def readline(self) -> bytes:
        """Return the next line, or b"" at the end of the input."""
        future: asyncio.Future[bytes] = self._loop.create_future()
        self._future = future
        self._wanted.set()
        return await future

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            future = self._future
            assert future is not None
            try:
                raw = self._read_line()
            except (OSError, ValueError):
                raw = b""  # a closed or broken input ends like an empty one
            self._loop.call_soon_threadsafe(_settle, future, raw)
            if not raw:
                return

    def _read_line(self) -> bytes:
        if self._fd is None:
            return self._stream.readline()
        while b"\n" not in self._pending:
            chunk = os.read(self._fd, 65536)
            if not chunk:
                line, self._pending = self._pending, b""
                return line
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line + b"\n"


def _settle(future: asyncio.Future[bytes], raw: bytes) -> None:
    if not future.done():
        future.set_result(raw)
