"""The control panel: one message per room, edited in place, one edit per burst of changes.

Clicks on its buttons are handled in clicks.py; this keeps what the panel shows true.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.kit import Message, place_for
from adapters.discord.roster import PANEL_FOOTER, panel, voice_status
from adapters.discord.runtime import RoomChannel, Runtime, is_transient
from core import events as ev
from core.room import RoomKey

log = logging.getLogger(__name__)


class PanelKeeper:
    """Keep each room's panel true, without ever hitting Discord's rate limits."""

    def __init__(self, runtime: Runtime, attempts: int = 6) -> None:
        self.runtime = runtime
        self.attempts = attempts
        self.messages: dict[RoomKey, int] = {}
        self._searched: set[RoomKey] = set()
        self._fetched: dict[str, str] = {}
        self._dirty: set[RoomKey] = set()
        self._backoff: dict[RoomKey, tuple[int, float]] = {}  # failures so far, when to try again
        self._showing: dict[RoomKey, asyncio.Task[None]] = {}  # each room's edit under way
        self._voice_status: dict[RoomKey, str | None] = {}  # what each voice channel's status says now
        # Users Discord still shows speaking although the core moved them off, per room.
        self.warnings: dict[RoomKey, dict[str, str]] = {}

    def touch(self, key: RoomKey) -> None:
        """Say that a room's panel is out of date; the next beat of the panel clock shows it."""
        self._dirty.add(key)

    def warn(self, key: RoomKey, user: str, text: str) -> None:
        """Show on the panel that Discord does not yet match the core for someone."""
        self.warnings.setdefault(key, {})[user] = text
        self.touch(key)

    def clear_warning(self, key: RoomKey, user: str) -> None:
        """Discord caught up with the core for someone: drop the panel's warning about them."""
        if self.warnings.get(key, {}).pop(user, None) is not None:
            self.touch(key)

    def beat(self) -> None:
        """Start showing every out-of-date panel: all changes since the last beat share one edit.

        Each room's edit runs in a task of its own, so a room Discord holds back (a 429 whose
        retry_after discord.py waits out) delays no other room and no timer; a room whose edit is
        still under way is shown again at the first beat after it ends, with the latest state.
        """
        now = asyncio.get_running_loop().time()
        for key in list(self._dirty):
            if key in self._showing or self._backoff.get(key, (0, 0.0))[1] > now:
                continue
            self._dirty.discard(key)
            task = asyncio.create_task(self._show_room(key), name=f"stagedoor-panel-{key.channel}")
            self._showing[key] = task
            task.add_done_callback(lambda _, key=key: self._showing.pop(key, None))  # type: ignore[misc]

    async def flush(self) -> None:
        """Show every pending change now, back-offs or not, and wait until each room's edit ends.

        Two rounds: the changes pending now (and the edits already under way), then those made
        meanwhile; a room Discord keeps refusing is not tried again and again.
        """
        for _ in range(2):
            self._backoff.clear()
            self.beat()
            running = list(self._showing.values())
            if not running:
                return
            await asyncio.gather(*running, return_exceptions=True)

    def stop(self) -> None:
        """Cancel the edits under way (the bot is closing)."""
        for task in list(self._showing.values()):
            task.cancel()

    async def _show_room(self, key: RoomKey) -> None:
        now = asyncio.get_running_loop().time()
        try:
            await self.refresh(key)
        except discord.HTTPException as error:
            if not is_transient(error):
                log.warning("the panel of %s cannot be shown: %s", key, error)
                return
            # discord.py already waited out Discord's retry_after and retried; this only spaces out
            # the next showing of the latest state while Discord stays busy.
            failures = self._backoff.get(key, (0, 0.0))[0] + 1
            self._backoff[key] = (failures, now + min(2.0 ** (failures - 1), 30.0))
            self._dirty.add(key)
        except Exception:
            log.exception("refreshing the panel of %s failed", key)
        else:
            self._backoff.pop(key, None)

    async def refresh(self, key: RoomKey) -> None:
        """Show the room as it is now, editing the panel in place (or posting it when it cannot be)."""
        channel = self.runtime.channel_for(key)
        if channel is not None:
            status = await self.runtime.snapshot(key, moderator=False)
            await self._show(key, channel, await self._render(key, channel, status))
            if isinstance(channel, discord.VoiceChannel):
                await self._show_voice_status(key, channel, voice_status(status))

    async def _show_voice_status(self, key: RoomKey, channel: discord.VoiceChannel, text: str | None) -> None:
        """Keep the line under a voice channel's name true: set while live, cleared when the session ends."""
        if self._voice_status.get(key) == text:
            return  # unchanged (None: never set, or cleared already)
        try:
            # VoiceChannel.edit(status=) is discord.py's public call for PUT /channels/{id}/voice-status.
            await channel.edit(status=text)
        except discord.Forbidden as refused:
            # Set Voice Channel Status is missing there: the panel still shows it all, so say it once.
            log.warning(
                "cannot set the status of voice channel %s (%s); grant Set Voice Channel Status", key, refused.code
            )
        self._voice_status[key] = text

    async def _render(self, key: RoomKey, channel: RoomChannel, status: ev.StatusReply) -> Message:
        people = status.on_stage + [r["user"] for r in status.requests] + status.invitations + status.hands
        warnings = list(self.warnings.get(key, {}).values())
        return panel(status, place_for(channel), channel.name, await self._names(channel, people), warnings)

    async def _names(self, channel: RoomChannel, users: list[str]) -> dict[str, str]:
        """Display names for button labels; members Discord has not sent yet are fetched once."""
        names = names_in(channel, users)
        for user in users:
            if user in names or not user.isdigit():
                continue
            if user not in self._fetched:
                try:
                    self._fetched[user] = (await channel.guild.fetch_member(int(user))).display_name
                except discord.HTTPException:
                    self._fetched[user] = user
            names[user] = self._fetched[user]
        return names

    async def _show(self, key: RoomKey, channel: RoomChannel, message: Message) -> None:
        message_id = self.messages.get(key) or await self._find(key, channel)
        if message_id is not None:
            try:
                await channel.get_partial_message(message_id).edit(**message.kwargs())
                self.messages[key] = message_id
                return
            except (discord.NotFound, discord.Forbidden) as gone:
                # Deleted, or no longer ours to edit: post a new panel.
                log.info("panel %s of %s cannot be edited (%s); posting it again", message_id, key, gone.code)
        sent = await channel.send(**message.kwargs())
        self.messages[key] = sent.id

    async def _find(self, key: RoomKey, channel: RoomChannel) -> int | None:
        """After a restart, find the panel the bot posted before, so it is edited rather than repeated."""
        if key in self._searched:
            return None
        self._searched.add(key)
        me = self.runtime.bot.user
        try:
            async for message in channel.history(limit=50):
                if message.author == me and message.embeds and message.embeds[0].footer.text == PANEL_FOOTER:
                    return message.id
        except discord.HTTPException:
            return None
        return None


def names_in(channel: RoomChannel, users: list[str]) -> dict[str, str]:
    """Return display names for the core's user ids that Discord has cached."""
    names: dict[str, str] = {}
    for user in users:
        member = channel.guild.get_member(int(user)) if user.isdigit() else None
        if member is not None:
            names[user] = member.display_name
    return names
