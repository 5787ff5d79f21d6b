"""Deliver logged events to Slack: tell the people each event names, redraw the roster.

The clicker already had their answer from the events the service returned; here
everyone else is told. Each event id is delivered once per process (the outbox may
hand over an event again after a crash, and that repeat is skipped by its id).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError

from adapters.present import Notice, present
from adapters.slack.huddle import StageGate
from adapters.slack.render import render
from adapters.slack.stage import SlackStage
from adapters.slack.state import WORKSPACE_CHANNEL
from core import events as ev
from core.room import RoomKey
from core.service import LoggedEvent

log = logging.getLogger(__name__)

CONSUMER = "slack"
# Moderators are told of each request while the queue is short; past this, a rush of hundreds would
# flood them and Slack's limits, and the roster and the moderator panel already show the queue.
TELL_MODERATORS_UP_TO = 25


class Deliverer:
    """The outbox consumer for Slack rooms."""

    def __init__(self, stage: SlackStage, gate: StageGate) -> None:
        self._stage = stage
        self._gate = gate
        self._last_id = 0

    async def deliver(self, item: LoggedEvent, caused: Sequence[ev.Event] = ()) -> None:
        """Tell the recipients of one logged event (worded with the rest of its command) and mark the roster."""
        if item.room.platform != "slack" or item.id <= self._last_id:
            return
        if item.room.channel == WORKSPACE_CHANNEL:
            # A workspace default changed: its admin was answered already; there is no channel or roster to update.
            self._last_id = item.id
            return
        key, event = item.room, item.event
        await self._stage.learn(key, event)
        if isinstance(event, ev.SessionStarted):
            await self._stage.roster.forget(key)  # a new session gets a new roster message at the bottom
        await self._tell(item, present(event, caused))
        await self._gate.apply(key, event)
        self._stage.roster.mark(key)
        self._last_id = item.id

    async def _tell(self, item: LoggedEvent, notices: list[Notice]) -> None:
        key, event = item.room, item.event
        about = getattr(event, "user", None)
        for notice in notices:
            if notice.recipient == ev.ROOM:
                await self._announce(key, notice)
            elif notice.recipient == ev.MODERATORS:
                if isinstance(event, ev.RequestCreated) and event.position > TELL_MODERATORS_UP_TO:
                    continue
                message = render(notice, key)
                for moderator in await self._stage.moderators(key):
                    if moderator not in (item.actor, about):
                        await self._stage.tell(key, moderator, message)
            elif notice.recipient != item.actor:
                await self._stage.tell(key, notice.recipient, render(notice, key))

    async def _announce(self, key: RoomKey, notice: Notice) -> None:
        message = render(notice, key)
        try:
            await self._stage.client.chat_postMessage(channel=key.channel, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            log.warning("could not announce in %s: %s", key, error.response.get("error"))
