"""Deliver logged events to Slack: tell the people each event names, redraw the roster.

The clicker has their answer from the listener; here everyone else is told, and the
clicker too when no listener of this process answered them (adapters/slack/answers.py).
Each event id is delivered once per process and room (the outbox may hand over an event
again after a failure, and that repeat is skipped by its id; rooms are delivered each in
id order, but ids of different rooms commit in any order, so the check is per room).
With several replicas, a room's events are delivered by whichever holds its lease
(adapters/persistence/delivery.py); the channel's Slack state is read again at each
command's first event, since another replica may have changed it.

X4: an event is done only when every message it causes is delivered or refused by
Slack for good. Slack being busy or unreachable (after the client's own retries)
raises, so the outbox keeps the event and tries again; the messages already sent
for it are remembered, so a retry sends only the rest. A refusal for good is handled
(join the channel, or tell the people directly) and reported to the moderators; a
message that keeps failing is given up after a few rounds, with a moderator notice,
so the events after it flow.

Two lanes read the log, each with its own outbox cursor, so that what one person is told never
waits behind what a room is told: the personal lane (`PERSONAL`) tells the people events are about
(invitations, approvals, declines, positions); the room lane (`CONSUMER`) posts in channels, tells
moderators and redraws the roster. Past `SEPARATE_UP_TO` hands and requests waiting in a room, its
moderators get one summary each (adapters/slack/summary.py) instead of a notice per hand or request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError

from adapters.present import Notice, coalesce, present
from adapters.slack.client import error_code, transient
from adapters.slack.huddle import StageGate
from adapters.slack.kit import Message, mention, words
from adapters.slack.render import render
from adapters.slack.stage import SlackStage
from adapters.slack.state import WORKSPACE_CHANNEL
from adapters.slack.summary import SummaryBoard
from core import events as ev
from core.commands import Actor
from core.room import RoomKey
from core.service import LoggedEvent

log = logging.getLogger(__name__)

CONSUMER = "slack"  # the room lane's outbox cursor (its name from before there were lanes)
PERSONAL = "slack.personal"  # the personal lane's cursor
# Moderators' notices that a summary replaces once a room is busy (a stampede of clicks).
SUMMARISED = (ev.HandRaised, ev.RequestCreated)
# Rounds of the outbox an event may fail in (each after the client's own retries) before its stuck
# message is given up: about half a minute, so one bad message never holds every later event back.
GIVE_UP_AFTER = 4


class Deliverer:
    """The outbox consumers for Slack rooms: the room lane and the personal lane, each with its own cursor."""

    def __init__(self, stage: SlackStage, gate: StageGate, give_up_after: int = GIVE_UP_AFTER) -> None:
        async def public_status(key: RoomKey) -> ev.StatusReply:
            return await stage.status(key, Actor(""))

        self.summaries = SummaryBoard(stage.client, public_status, stage.moderators, stage.roster.pacer, stage.state)
        self.room = Lane(stage, gate, give_up_after, personal=False, summaries=self.summaries)
        self.personal = Lane(stage, gate, give_up_after, personal=True, summaries=self.summaries)

    async def deliver(self, item: LoggedEvent, caused: Sequence[ev.Event] = ()) -> None:
        """The room lane: post in the channel, tell the moderators, mark the roster."""
        await self.room.deliver(item, caused)

    async def deliver_personal(self, item: LoggedEvent, caused: Sequence[ev.Event] = ()) -> None:
        """The personal lane: tell the people the event is about."""
        await self.personal.deliver(item, caused)

    def lanes(self) -> list[tuple[str, Callable[[LoggedEvent, Sequence[ev.Event]], Awaitable[None]]]]:
        """Return each lane's outbox cursor and delivery, personal first."""
        return [(PERSONAL, self.deliver_personal), (CONSUMER, self.deliver)]


async def start_personal_lane(events: LaneStart) -> None:
    """Start a new personal lane where the room lane is, so an upgraded install does not retell its history."""
    await events.start_like(PERSONAL, CONSUMER)


class LaneStart(Protocol):
    """The store's way to start one consumer where another stands."""

    async def start_like(self, consumer: str, like: str) -> bool:
        """Give `consumer`, if it never read the log, the cursors of `like`; return whether it did."""
        ...


class Lane:
    """One outbox consumer for Slack rooms: the personal notices, or everything else."""

    def __init__(
        self, stage: SlackStage, gate: StageGate, give_up_after: int, *, personal: bool, summaries: SummaryBoard
    ) -> None:
        self._stage = stage
        self._gate = gate
        self._give_up_after = give_up_after
        self._personal = personal
        self._summaries = summaries
        self._board = -1 if personal else stage.roster.attach(summaries)
        self._last_id: dict[RoomKey, int] = {}  # per room: the last event delivered
        self._done: dict[int, set[str]] = {}  # event id → the steps (messages) already delivered for it
        self._failures: dict[int, int] = {}  # event id → rounds that failed
        self._refused: dict[int, dict[str, str]] = {}  # event id → step → Slack's code for a refusal for good
        self._step = self._doing = ""  # the step under way (and its words), for a give-up notice

    async def deliver(self, item: LoggedEvent, caused: Sequence[ev.Event] = ()) -> None:
        """Tell the recipients of one logged event (worded with the rest of its command) and mark the roster."""
        if item.room.platform != "slack" or item.id <= self._last_id.get(item.room, 0):
            return
        if item.room.channel == WORKSPACE_CHANNEL:
            # A workspace default changed: its admin was answered already; there is no channel or roster to update.
            self._last_id[item.room] = item.id
            return
        while True:
            self._step = self._doing = ""
            try:
                await self._deliver(item, caused)
                break
            except Exception as error:
                if not transient(error):
                    raise
                failures = self._failures[item.id] = self._failures.get(item.id, 0) + 1
                if failures < self._give_up_after or not await self._give_up(item, error):
                    raise  # the outbox keeps the event and tries again; what was sent is not sent twice
                if not self._step:
                    break  # it failed outside any one message: the event as a whole is set aside
                self._done.setdefault(item.id, set()).add(self._step)  # set aside; the event's other steps go on
        self._done.pop(item.id, None)
        self._failures.pop(item.id, None)
        self._refused.pop(item.id, None)
        self._last_id[item.room] = item.id

    async def _deliver(self, item: LoggedEvent, caused: Sequence[ev.Event]) -> None:
        key, event = item.room, item.event
        if self._personal:
            await self._tell(item, present(event, caused))
            await self._once(item, "actor", "answer the person who acted", self._answer, item, caused)
            return
        if not caused or caused[0] is event:
            await self._stage.state.refresh(key)  # another replica may have changed the channel since
        await self._stage.learn(key, event)
        if isinstance(event, ev.SessionStarted):
            # a new session gets a new roster message at the bottom
            await self._once(item, "roster", "start a new roster", self._stage.roster.forget, key)
        await self._tell(item, present(event, caused))
        await self._once(item, "gate", "update the stage channel", self._gate.apply, key, event)
        self._stage.roster.mark(key)
        if self._summaries.summarised(key):
            self._stage.roster.mark_board(self._board, key)

    async def _once(
        self, item: LoggedEvent, step: str, doing: str, send: Callable[..., Awaitable[object]], *args: Any
    ) -> None:
        """Run one step of an event's delivery unless an earlier round already did it."""
        done = self._done.setdefault(item.id, set())
        if step in done:
            return
        outer = self._step, self._doing
        self._step, self._doing = step, doing
        await send(*args)  # a failure leaves the step named: it is the one a give-up sets aside
        done.add(step)
        self._step, self._doing = outer

    async def _tell(self, item: LoggedEvent, notices: list[Notice]) -> None:
        key, event = item.room, item.event
        about = getattr(event, "user", None)
        for index, notice in enumerate(notices):
            if (notice.recipient in (ev.ROOM, ev.MODERATORS)) == self._personal:
                continue  # the other lane's
            if notice.recipient == ev.ROOM:
                await self._once(item, f"{index}:room", "post in the channel", self._announce, item, index, notice)
            elif notice.recipient == ev.MODERATORS:
                if isinstance(event, SUMMARISED) and await self._summarised(key):
                    continue
                message = render(notice, key)
                for moderator in await self._stage.moderators(key):
                    if moderator not in (item.actor, about):
                        await self._person(item, f"{index}:{moderator}", moderator, message)
            elif notice.recipient != item.actor:
                await self._person(item, f"{index}:{notice.recipient}", notice.recipient, render(notice, key))

    async def _answer(self, item: LoggedEvent, caused: Sequence[ev.Event]) -> None:
        """X4: answer whoever acted when no listener here did (killed after the ack); the cursor waits for it."""
        message = await self._stage.owed_answer(item, caused)
        if message is not None and item.actor:
            await self._person(item, f"actor:{item.actor}", item.actor, message)

    async def _summarised(self, key: RoomKey) -> bool:
        """Say whether the room's moderators have a summary instead of a notice per hand and request."""
        if self._summaries.summarised(key):
            return True
        if not coalesce(await self._stage.status(key, Actor(""))):
            return False
        self._summaries.open(key)
        await self._stage.state.save(key)  # every replica delivering the room reads it from now on
        return True

    async def _person(self, item: LoggedEvent, step: str, user: str, message: Message) -> None:
        """Tell one person; a refusal for good (even as a DM) is reported, so moderators know who was not told."""
        await self._once(item, step, f"tell {mention(user)}", self._send_noting_refusal, item, step, user, message)
        code = self._refused.get(item.id, {}).get(step)
        if code is None:
            return
        report = words(
            f":warning: Slack refused to show {mention(user)} a stage message ({code}); "
            "they were not told, so tell them yourself."
        )
        for moderator in await self._stage.moderators(item.room):
            if moderator != user:
                await self._once(
                    item, f"{step}:refused:{moderator}", "report a refusal", self._send, item, moderator, report
                )

    async def _send_noting_refusal(self, item: LoggedEvent, step: str, user: str, message: Message) -> None:
        code = await self._stage.send(item.room, user, message)
        if code is not None:
            self._refused.setdefault(item.id, {})[step] = code

    async def _send(self, item: LoggedEvent, user: str, message: Message) -> None:
        await self._stage.send(item.room, user, message)

    async def _announce(self, item: LoggedEvent, index: int, notice: Notice) -> None:
        """Post in the channel; not in it: join (channels:join) and post; refused: tell the people directly."""
        key, done = item.room, self._done.setdefault(item.id, set())
        message = render(notice, key)
        posted, joined = f"{index}:posted", f"{index}:joined"

        async def post() -> None:
            await self._stage.client.chat_postMessage(channel=key.channel, text=message.text, blocks=message.blocks)
            done.add(posted)

        code = ""
        if posted not in done:
            try:
                await post()
            except SlackApiError as error:
                if transient(error):
                    raise
                code = error_code(error)
        if code == "not_in_channel":
            # A public channel the app was never added to: join it, then post once more.
            try:
                await self._stage.client.conversations_join(channel=key.channel)
                await post()
                done.add(joined)
            except SlackApiError as error:
                if transient(error):
                    raise
                code = error_code(error)  # a private channel, an archived one, a missing scope
        if posted in done:
            if joined in done:
                notice_text = f":information_source: stagedoor joined <#{key.channel}> to post the stage's messages."
                await self._moderators(item, joined, words(notice_text))
            return
        log.warning("Slack refused to post in %s: %s", key, code)
        # Slack will not post it: the moderators (and whoever acted) get the message directly, with why.
        why = words(
            f":warning: Slack refused to post this in <#{key.channel}> ({code}). Invite the app there with "
            "/invite @stagedoor (or unarchive the channel), so the channel sees the stage's messages."
        )
        fallback = Message(f"{why.text}\n{message.text}", [*why.blocks, *message.blocks])
        await self._moderators(item, f"{index}:fallback", fallback, also=item.actor)

    async def _moderators(self, item: LoggedEvent, step: str, message: Message, also: str | None = None) -> None:
        people = dict.fromkeys(await self._stage.moderators(item.room))
        if also:
            people[also] = None
        for person in people:
            await self._once(item, f"{step}:{person}", f"tell {mention(person)}", self._send, item, person, message)

    async def _give_up(self, item: LoggedEvent, error: BaseException) -> bool:
        """Set a stuck message aside with one moderator notice; say whether Slack took it (else keep trying)."""
        code, doing = error_code(error), self._doing or "deliver a message"
        rounds = self._failures.get(item.id)
        log.error(
            "gave up on event %s in %s after %s rounds: could not %s (%s)",
            item.id,
            item.room,
            rounds,
            doing,
            code,
        )
        notice = words(
            f":warning: Slack kept failing ({code}), so stagedoor gave up trying to {doing} about the stage. "
            "The roster shows the stage as it is; the next messages go on."
        )
        moderators = await self._stage.moderators(item.room)
        told = 0
        for moderator in moderators:
            try:
                told += await self._stage.tell(item.room, moderator, notice)
            except Exception as failure:
                if not transient(failure):
                    raise
        # Slack answering no one means it is down for every message: giving up would only lose this one too.
        return told > 0 or not moderators
