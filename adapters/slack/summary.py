"""The moderators' summaries of a busy room: one message per moderator and room, edited as the room changes.

Past `SEPARATE_UP_TO` hands and requests waiting, a moderator is no longer sent a notice per hand or
request (a thousand clicks would be a thousand messages, and Slack's limits would hold back every
other message for minutes). Instead each moderator gets one message in their DM with the app —
a DM, because Slack cannot edit an ephemeral message — saying what `adapters.present.summary`
says, and it is edited in the roster's rounds, paced with the roster's edits, only when what it
shows changed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.present import moderator_summary
from adapters.slack.client import error_code, transient
from adapters.slack.kit import PANEL, Message, actions, button, value_for
from adapters.slack.pace import Pacer
from adapters.slack.render import render
from core.events import StatusReply
from core.room import RoomKey

log = logging.getLogger(__name__)

Slot = tuple[RoomKey, str]  # a room and one of its moderators


def summary_message(status: StatusReply, key: RoomKey) -> Message:
    """Render a moderator's summary for Slack: the presenter's words, then the moderator panel's button."""
    message = render(moderator_summary(status), key)
    if not status.live:
        return message
    return Message(message.text, [*message.blocks, actions(button("Moderator panel", PANEL, value_for(key)))])


class SummaryBoard:
    """Keep each moderator's summary of each busy room true, one message each."""

    def __init__(
        self,
        client: AsyncWebClient,
        status: Callable[[RoomKey], Awaitable[StatusReply]],
        moderators: Callable[[RoomKey], Awaitable[list[str]]],
        pacer: Pacer,
    ) -> None:
        self._client = client
        self._status = status
        self._moderators = moderators
        self._pacer = pacer
        self._rooms: set[RoomKey] = set()  # rooms whose moderators have a summary
        self._where: dict[Slot, tuple[str, str]] = {}  # the summary message: its DM channel and ts
        self._shown: dict[Slot, Message] = {}

    def summarised(self, key: RoomKey) -> bool:
        """Say whether the room's moderators have a summary (kept until its session ends)."""
        return key in self._rooms

    def open(self, key: RoomKey) -> None:
        """Give the room's moderators a summary from now on."""
        self._rooms.add(key)

    def messages(self) -> dict[Slot, tuple[str, str]]:
        """Return every summary message (channel and ts) by room and moderator."""
        return dict(self._where)

    async def draw(self, key: RoomKey) -> None:
        """Post or edit each moderator's summary of the room, where it would show something new."""
        if key not in self._rooms:
            return
        status = await self._status(key)
        message = summary_message(status, key)
        for moderator in await self._moderators(key):
            slot = (key, moderator)
            if self._shown.get(slot) == message:
                continue
            try:
                await self._show(slot, moderator, message)
            except SlackApiError as error:
                if transient(error):
                    raise  # kept due: the next round tries again
                # The roster and the moderator panel still show the room; one moderator's refusal stops no one else.
                log.warning("Slack refused %s's stage summary in %s: %s", moderator, key, error_code(error))
                self._shown[slot] = message
        if not status.live:
            self._rooms.discard(key)  # the next busy session starts new summaries
            for slot in [slot for slot in self._where if slot[0] == key]:
                del self._where[slot]
                self._shown.pop(slot, None)

    async def _show(self, slot: Slot, moderator: str, message: Message) -> None:
        where = self._where.get(slot)
        if where is None:
            response = await self._client.chat_postMessage(channel=moderator, text=message.text, blocks=message.blocks)
            # Slack answers with the DM's own channel id, which chat.update needs.
            self._where[slot] = (str(response.get("channel") or moderator), str(response["ts"]))
        else:
            await self._pacer.turn()
            await self._client.chat_update(channel=where[0], ts=where[1], text=message.text, blocks=message.blocks)
        self._shown[slot] = message
