"""The live roster message: one per session, edited in place, bursts coalesced.

Every state change marks its room dirty; a single loop renders dirty rooms one at a
time, at most one chat.update per `interval` for the whole app (the moderators' summaries
take their turns from the same pacer), so Slack's Tier 3 limit (50+ a minute) is never
reached. A roster whose rendering is what its message already shows is not sent again.
A 429 that still happens is waited out by slack_sdk's retry handler, and a failure keeps
the room dirty for the next round (X4).

Time left in timed turns (T1) is shown in the presenter's coarse steps (adapters/present/turns.py:
whole minutes, then under a minute, then under 30 s from the warning): a room is redrawn when its
wording is due to change, about once a minute per turn, and never when nothing visible changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.present.turns import next_change
from adapters.slack.kit import Message
from adapters.slack.pace import Pacer
from adapters.slack.panels import roster
from adapters.slack.state import SlackState
from core.events import StatusReply
from core.room import RoomKey

log = logging.getLogger(__name__)

UPDATE_INTERVAL = 1.2  # seconds between roster edits: 50 a minute, Slack's Tier 3 for chat.update
MAX_BACKOFF = 60.0
GONE = {"message_not_found", "cant_update_message", "edit_window_closed", "msg_too_long"}
# Slack's answers that no retry will change: a person must act (re-invite the app, unarchive, reinstall).
PERMANENT = {
    "not_in_channel",
    "channel_not_found",
    "is_archived",
    "missing_scope",
    "restricted_action",
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "no_permission",
    "access_denied",
    "posting_to_channel_denied",
    "restricted_action_read_only_channel",
}

Report = Callable[[RoomKey, str], Awaitable[None]]


class Busy(Exception):
    """Another replica draws a room's messages now: they are drawn again in a later round."""


def digest(message: Message) -> str:
    """Return a short fingerprint of what a message shows, kept with the channel so every replica compares to it."""
    shown = json.dumps([message.text, message.blocks], sort_keys=True, default=str)
    return hashlib.sha256(shown.encode()).hexdigest()[:20]


class Board(Protocol):
    """Another per-room message drawn in the roster's rounds (the moderators' summaries)."""

    async def draw(self, key: RoomKey) -> None:
        """Redraw the room's messages of this board."""
        ...


class RosterBoard:
    """Keep each room's roster message true."""

    def __init__(
        self,
        client: AsyncWebClient,
        state: SlackState,
        status: Callable[[RoomKey], Awaitable[StatusReply]],
        interval: float = UPDATE_INTERVAL,
        report: Report | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._clock = clock  # the service's: turns end by it
        self._due: dict[RoomKey, float] = {}  # when each room's time-left wording changes next (by the clock)
        self._state = state
        self._status = status
        self._interval = interval
        self._report = report
        self._dirty: dict[RoomKey, None] = {}
        self._wake = asyncio.Event()
        self.pacer = Pacer(interval)  # chat.update turns for the whole app (for this replica: docs/slack.md)
        self._boards: list[Board] = []
        self._board_dirty: dict[tuple[int, RoomKey], None] = {}

    def attach(self, board: Board) -> int:
        """Draw another board's messages in these rounds, sharing the pacing; return its number for `mark_board`."""
        self._boards.append(board)
        return len(self._boards) - 1

    def mark_board(self, board: int, key: RoomKey) -> None:
        """Note that an attached board's messages for a room must be redrawn."""
        self._board_dirty[(board, key)] = None
        self._wake.set()

    def mark(self, key: RoomKey) -> None:
        """Note that a room's roster must be redrawn."""
        self._dirty[key] = None
        self._wake.set()

    async def forget(self, key: RoomKey) -> None:
        """Start a fresh roster message for the room's next render (a new session)."""
        channel = self._state.channel(key)
        if channel.roster_ts:
            channel.roster_ts = None
            await self._state.save(key)

    def _mark_due(self) -> None:
        """Mark the rooms whose time left now reads differently."""
        now = self._clock()
        for key, at in list(self._due.items()):
            if at <= now:
                del self._due[key]
                self._dirty[key] = None

    async def _wait(self) -> None:
        """Sleep until something is marked, or until the next time-left wording is due."""
        wait = max(0.0, min(self._due.values()) - self._clock()) if self._due else None
        with contextlib.suppress(TimeoutError):  # the time-left wording fell due
            await asyncio.wait_for(self._wake.wait(), wait)
        self._wake.clear()

    async def flush(self) -> int:
        """Redraw every dirty room, and every room whose time left is due (and attached boards); count rosters."""
        self._mark_due()
        drawn = await self._flush_rosters()
        later: list[tuple[int, RoomKey]] = []  # boards another replica draws now: drawn here again next round
        try:
            drawn += await self._flush_boards(later)
        finally:
            if later:
                self._board_dirty.update(dict.fromkeys(later))
                self._wake.set()
        return drawn

    async def _flush_boards(self, later: list[tuple[int, RoomKey]]) -> int:
        drawn = 0
        while self._board_dirty:
            number, key = item = next(iter(self._board_dirty))
            del self._board_dirty[item]
            try:
                await self._boards[number].draw(key)
            except Busy:
                later.append(item)
                continue
            except BaseException:
                self._board_dirty[item] = None  # drawn again next round
                raise
            if self._dirty:
                drawn += await self._flush_rosters()  # a roster never waits behind every summary
        return drawn

    async def _flush_rosters(self) -> int:
        drawn = 0
        busy: list[RoomKey] = []  # drawn by another replica right now: drawn here again next round
        try:
            while self._dirty:
                drawn += await self._flush_one(busy)
        finally:
            if busy:
                self._dirty.update(dict.fromkeys(busy))
                self._wake.set()
        return drawn

    async def _flush_one(self, busy: list[RoomKey]) -> int:
        drawn = 0
        if self._dirty:
            key = next(iter(self._dirty))
            del self._dirty[key]
            try:
                if not await self.draw(key):
                    busy.append(key)
                    return 0
            except SlackApiError as error:
                code = str(error.response.get("error"))
                if code not in PERMANENT:
                    self._dirty[key] = None  # drawn again next round: never a roster that lies
                    raise
                # X4: retrying cannot help; tell the moderators what to fix. The next change redraws.
                log.warning("Slack refused the roster in %s: %s", key, code)
                if self._report is not None:
                    await self._report(key, code)
                return 0
            except BaseException:
                self._dirty[key] = None  # a failure or a shutdown cutting the draw short: drawn again later
                raise
            drawn += 1
        return drawn

    async def run(self) -> None:
        """Redraw dirty rooms as they come, paced, backing off while Slack fails, until cancelled."""
        backoff = self._interval
        while True:
            await self._wait()
            try:
                await self.flush()
                backoff = self._interval
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("drawing the roster failed; trying again in %.1f s", backoff)
                self._wake.set()
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, max(backoff, 0.5) * 2)
            await asyncio.sleep(self._interval)

    async def draw(self, key: RoomKey) -> bool:
        """Render a room's roster and post or edit its message; False: another replica draws it now (later)."""
        async with self._state.drawing(key) as mine:
            if not mine:
                return False
            await self._draw(key)
        return True

    async def _draw(self, key: RoomKey) -> None:
        # Read under the drawing, so the status is at least as new as any other replica's last draw.
        status = await self._status(key)
        channel = self._state.channel(key)
        now = self._clock()
        message = roster(status, key, channel.stage_channel, channel.huddle_cameras, now)
        shows = digest(message)
        self._schedule(key, status, now)
        if channel.roster_ts:
            if channel.roster_shown == shows:
                return  # the message already shows exactly this: an identical chat.update changes nothing
            await self.pacer.turn()
            try:
                await self._client.chat_update(
                    channel=key.channel, ts=channel.roster_ts, text=message.text, blocks=message.blocks
                )
                channel.roster_shown = shows
                return
            except SlackApiError as error:
                if error.response.get("error") not in GONE:
                    raise
        if not status.live:
            return
        await self.pacer.turn()
        response = await self._post(key, message)
        channel.roster_ts, channel.roster_shown = response["ts"], shows

    def _schedule(self, key: RoomKey, status: StatusReply, now: float) -> None:
        """Note when this room's time left next reads differently, if any turn is running."""
        changes = [step for at in status.turns.values() if (step := next_change(at - now)) is not None]
        if status.live and changes:
            self._due[key] = now + min(changes)
        else:
            self._due.pop(key, None)

    async def _post(self, key: RoomKey, message: Message) -> dict[str, Any]:
        async def post() -> AsyncSlackResponse:
            return await self._client.chat_postMessage(channel=key.channel, text=message.text, blocks=message.blocks)

        try:
            response = await post()
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise
            # A public channel the app was never added to: join it, then post.
            await self._client.conversations_join(channel=key.channel)
            response = await post()
        return dict(response.data) if isinstance(response.data, dict) else {}
