"""The moderators' summaries of a busy room: one message per moderator and room, edited as the room changes.

Past `SEPARATE_UP_TO` hands and requests waiting, a moderator is no longer sent a notice per hand or
request (a thousand clicks would be a thousand messages, and Slack's limits would hold back every
other message for minutes). Instead each moderator gets one message in their DM with the app —
a DM, because Slack cannot edit an ephemeral message — saying what `adapters.present.summary`
says, and it is edited in the roster's rounds, paced with the roster's edits, only when what it
shows changed.

Which rooms have summaries and where each moderator's message is are kept with the channel's state
(adapters/slack/state.py), so whichever replica delivers the room edits the same messages; a room's
summaries are drawn under the channel's drawing, as its roster is.
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
from adapters.slack.roster import Busy, digest
from adapters.slack.state import SlackState
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
        state: SlackState | None = None,
    ) -> None:
        self._client = client
        self._status = status
        self._moderators = moderators
        self._pacer = pacer
        self._state = state if state is not None else SlackState()  # without one: this process's memory

    def summarised(self, key: RoomKey) -> bool:
        """Say whether the room's moderators have a summary (kept until its session ends)."""
        return self._state.channel(key).summarised

    def open(self, key: RoomKey) -> None:
        """Give the room's moderators a summary from now on (the caller saves the channel's state)."""
        self._state.channel(key).summarised = True

    def messages(self) -> dict[Slot, tuple[str, str]]:
        """Return every summary message (channel and ts) by room and moderator."""
        return {
            (key, moderator): (where[0], where[1])
            for key, channel in self._state.channels.items()
            for moderator, where in channel.summaries.items()
        }

    async def draw(self, key: RoomKey) -> None:
        """Post or edit each moderator's summary of the room, where it would show something new."""
        if not self.summarised(key):
            return
        async with self._state.drawing(key) as mine:
            if mine:
                await self._draw(key)
                return
        raise Busy(key)  # another replica draws the room now: the roster's rounds try again

    async def _draw(self, key: RoomKey) -> None:
        channel = self._state.channel(key)
        if not channel.summarised:
            return
        status = await self._status(key)
        message = summary_message(status, key)
        shows = digest(message)
        for moderator in await self._moderators(key):
            where = channel.summaries.get(moderator)
            if where is not None and where[2:] == [shows]:
                continue
            try:
                channel.summaries[moderator] = await self._show(where, moderator, message) + [shows]
            except SlackApiError as error:
                if transient(error):
                    raise  # kept due: the next round tries again
                # The roster and the moderator panel still show the room; one moderator's refusal stops no one else.
                log.warning("Slack refused %s's stage summary in %s: %s", moderator, key, error_code(error))
                channel.summaries[moderator] = [*(where or ["", ""])[:2], shows]
        if not status.live:
            channel.summarised = False  # the next busy session starts new summaries
            channel.summaries = {}

    async def _show(self, where: list[str] | None, moderator: str, message: Message) -> list[str]:
        if where is None or not where[1]:
            response = await self._client.chat_postMessage(channel=moderator, text=message.text, blocks=message.blocks)
            # Slack answers with the DM's own channel id, which chat.update needs.
            return [str(response.get("channel") or moderator), str(response["ts"])]
        await self._pacer.turn()
        await self._client.chat_update(channel=where[0], ts=where[1], text=message.text, blocks=message.blocks)
        return where[:2]
