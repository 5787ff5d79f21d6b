"""What every Slack listener shares: act on the core for a clicker, and answer them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.persistence.sql import SqlStore
from adapters.slack.answers import Answers
from adapters.slack.answers import owed as answers_owed
from adapters.slack.client import error_code, transient
from adapters.slack.kit import Message
from adapters.slack.notices import reply
from adapters.slack.replicas import Replicas
from adapters.slack.roles import Roles
from adapters.slack.roster import RosterBoard
from adapters.slack.state import SlackState, is_group
from core import events as ev
from core.commands import Actor, Arrive, Command, Status
from core.room import RoomKey
from core.service import LoggedEvent, StageService

log = logging.getLogger(__name__)

NOT_THERE = {"not_in_channel", "channel_not_found", "user_not_in_channel"}
SEEN_EVENT_IDS = 5_000  # Slack retries within minutes; remembering the last few thousand is plenty


@dataclass
class SlackStage:
    """The adapter's shared parts, built once per app."""

    service: StageService
    client: AsyncWebClient
    state: SlackState
    roles: Roles
    roster: RosterBoard
    clock: Callable[[], float]
    answers: Answers = field(default_factory=Answers)  # what listeners owe the people who acted (X4)
    records: SqlStore | None = None  # the database the exports read (R2); None when the bot runs without one
    replicas: Replicas | None = None  # the other replicas' watermarks (X4 across replicas); None: one process
    _seen_events: dict[str, None] = field(default_factory=dict)
    started_at: float = field(init=False)  # by the clock: commands logged earlier were acked by an earlier process
    _busy: int = 0
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.started_at = self.clock()

    # -- bookkeeping ------------------------------------------------------------------------
    @asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Count a listener's work, so shutdown and tests can wait for it to finish."""
        self._busy += 1
        self._idle.clear()
        try:
            with self.answers.listening():
                yield
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until no listener is working (Bolt starts listeners as tasks, so let them start first)."""
        while True:
            for _ in range(5):
                await asyncio.sleep(0)
            if not self._busy:
                return
            await asyncio.wait_for(self._idle.wait(), timeout)

    def first_delivery(self, event_id: str | None) -> bool:
        """X2: say whether this Events API delivery is new (a retry carries the same event id)."""
        if not event_id:
            return True
        if event_id in self._seen_events:
            return False
        self._seen_events[event_id] = None
        if len(self._seen_events) > SEEN_EVENT_IDS:
            self._seen_events.pop(next(iter(self._seen_events)))
        return True

    # -- acting --------------------------------------------------------------------------------
    async def act(self, key: RoomKey, user: str, build: Callable[[Actor], Command]) -> list[ev.Event]:
        """Run a person's command with the roles Slack grants them now (A3); they are in the room."""
        actor = await self.roles.actor(key, user)
        if actor.moderator and user not in self.state.channel(key).acting:
            await self.note_acting(key, user)
        # Taken on before the commit, so the outbox, woken by the commit, knows this person's answer is coming.
        claim = self.answers.begin(key, user, self.clock())
        try:
            # They are in the room (they clicked in it): recorded in the same transaction as their command.
            events = await self.service.handle(key, build(actor), after=[Arrive(Actor(user))])
        except BaseException:
            self.answers.failed(claim)
            raise
        self.answers.committed(claim, events, self.clock())
        for event in events:
            await self.learn(key, event)
        return events

    async def note_acting(self, key: RoomKey, user: str) -> None:
        """Remember a moderator who acted in a room, where every replica reads it (told of new requests)."""
        channel = await self.state.refresh(key)  # the list as stored: another replica may have added to it
        if user not in channel.acting:
            channel.acting = sorted({*channel.acting, user})
            await self.state.save(key)

    async def status(self, key: RoomKey, actor: Actor) -> ev.StatusReply:
        """Return the room as this actor may see it."""
        for event in await self.service.handle(key, Status(actor)):
            if isinstance(event, ev.StatusReply):
                return event
        raise AssertionError("status always answers")

    async def learn(self, key: RoomKey, event: ev.Event) -> None:
        """Remember the Slack-side facts an event implies (who started, which groups moderate)."""
        channel = self.state.channel(key)
        if isinstance(event, ev.SessionStarted | ev.SessionEnded):
            starter = event.by if isinstance(event, ev.SessionStarted) else None
            if channel.started_by != starter:
                channel.started_by = starter
                await self.state.save(key)
        elif isinstance(event, ev.SettingsChanged) and event.setting == "moderators":
            groups = [name for name in event.value if is_group(name)]
            if channel.groups != groups:
                channel.groups = groups
                await self.state.save(key)

    async def moderators(self, key: RoomKey) -> list[str]:
        """Return who is told what moderators are told: starter, listed (groups' members too), and those who acted.

        A user group Slack cannot list now raises (the outbox tries again later); one it refuses to list for good
        (a missing scope) is left out with a warning, so the other moderators are still told.
        """
        channel = self.state.channel(key)
        names: dict[str, None] = {}
        if channel.started_by:
            names[channel.started_by] = None
        for name in await self.service.channel_moderators(key):
            if not is_group(name):
                names[name] = None
                continue
            try:
                names.update(dict.fromkeys(sorted(await self.roles.group_members(name))))
            except SlackApiError as error:
                if transient(error):
                    raise
                log.warning(
                    "Slack refused to list user group %s for %s (%s); its members are not told",
                    name,
                    key,
                    error_code(error),
                )
        names.update(dict.fromkeys(sorted(channel.acting)))
        return list(names)

    # -- answering -------------------------------------------------------------------------------
    async def tell(self, key: RoomKey, user: str, message: Message) -> bool:
        """Show a message to one person in the room's channel; say whether Slack took it.

        Slack being busy or unreachable (after the client's retries) raises, so the outbox tries again later.
        """
        return await self.send(key, user, message) is None

    async def send(self, key: RoomKey, user: str, message: Message) -> str | None:
        """Show a message to one person (ephemeral, else their DM); return Slack's code if it refused for good."""
        try:
            await self.client.chat_postEphemeral(
                channel=key.channel, user=user, text=message.text, blocks=message.blocks
            )
            return None
        except SlackApiError as error:
            if transient(error):
                raise
            code = error_code(error)
            if code not in NOT_THERE:
                log.warning("Slack refused to tell %s in %s: %s", user, key, code)
                return code
        # The app or the person is not in that channel (a Home tab form, a gated room): use the app's DM.
        try:
            await self.client.chat_postMessage(channel=user, text=message.text, blocks=message.blocks)
            return None
        except SlackApiError as error:
            if transient(error):
                raise
            log.warning("Slack refused to message %s: %s", user, error_code(error))
            return error_code(error)

    async def answer(self, key: RoomKey, user: str, events: list[ev.Event]) -> None:
        """Answer the clicker or typer with what their action did; if Slack cannot take it, the outbox sends it (X4)."""
        message = reply(events, user, key)
        try:
            if message is not None:
                await self.tell(key, user, message)  # a refusal for good is logged: sending again would not help
        except Exception as error:
            self.answers.answered(events, sent=False)
            if not transient(error):
                raise
            # Slack is busy or unreachable past the client's retries: the outbox answers for this command (if it
            # changed anything; a refusal is not kept) once Slack takes messages again.
            log.warning("could not answer %s in %s (%s); the outbox tries again", user, key, error_code(error))
            return
        self.answers.answered(events, sent=True)

    async def owed_answer(self, item: LoggedEvent, batch: Sequence[ev.Event]) -> Message | None:
        """Return the answer the outbox owes whoever caused this command's events, if no listener here gave it.

        Asked at the command's first event, before the outbox's cursor moves past any of them (X4).
        """
        batch = list(batch) or [item.event]
        if not item.actor or batch[0] is not item.event or not answers_owed(batch):
            return None
        taken = await self.answers.taken(item.id, item.room, item.actor, batch)
        if taken:
            return None  # answered here
        if taken is None:
            replicas = self.replicas
            lost = await replicas.maybe_lost(item.room, item.actor, item.at) if replicas is not None else None
            if lost is None and item.at >= self.started_at:
                # Committed since this process started by something other than its listeners and no replica
                # (another tool on the same database), which answers its own people.
                return None
            if lost is False:
                return None  # the replica that acked it has answered it
        # Its listener failed to answer, or it was committed before this process started: the process that
        # acked it may have been killed before answering, so the answer is sent now (at least once).
        return reply(batch, item.actor, item.room)
