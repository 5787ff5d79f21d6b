"""Build the Slack side of stagedoor: the Bolt app and everything its listeners share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.persistence.sql import SqlStore
from adapters.slack.client import make_client
from adapters.slack.huddle import HuddleWatch, StageGate
from adapters.slack.kit import words
from adapters.slack.listeners import register_listeners
from adapters.slack.notices import slack_failure
from adapters.slack.notify import Deliverer
from adapters.slack.options import SlackOptions
from adapters.slack.respond import remember_response_url
from adapters.slack.roles import Roles
from adapters.slack.roster import UPDATE_INTERVAL, RosterBoard
from adapters.slack.stage import SlackStage
from adapters.slack.state import SlackState
from adapters.slack.uses import SlackUses
from core import events as ev
from core.commands import Actor
from core.room import RoomKey
from core.service import StageService


@dataclass(frozen=True)
class SlackBot:
    """The Bolt app, the use cases its listeners call, and the outbox consumer."""

    app: AsyncApp
    uses: SlackUses
    deliverer: Deliverer

    @property
    def stage(self) -> SlackStage:
        """Return the parts every listener shares."""
        return self.uses.stage


def build_app(
    options: SlackOptions,
    service: StageService,
    clock: Callable[[], float],
    *,
    client: AsyncWebClient | None = None,
    state: SlackState | None = None,
    roster_interval: float = UPDATE_INTERVAL,
    records: SqlStore | None = None,
) -> SlackBot:
    """Build the Bolt app and its shared parts; nothing starts running here."""
    client = client or make_client(options.bot_token or "", options.api_url)
    state = state if state is not None else SlackState()  # without a store: remembered until the process ends
    roles = Roles(client, state, clock)  # the service's clock: cached roles age as the stage does

    # The roster is drawn as anyone in the channel sees it (no moderator notes).
    async def public_status(key: RoomKey) -> ev.StatusReply:
        return await stage.status(key, Actor(""))

    async def report_roster(key: RoomKey, code: str) -> None:
        message = words(slack_failure("update the stage roster", code))
        for moderator in await stage.moderators(key):
            await stage.tell(key, moderator, message)

    roster = RosterBoard(client, state, public_status, roster_interval, report_roster, clock)
    stage = SlackStage(service, client, state, roles, roster, clock, records=records)
    app = AsyncApp(client=client, signing_secret=options.signing_secret or "", name="stagedoor")
    app.middleware(remember_response_url)  # the clicker's answer goes through their request's response_url
    gate = StageGate(stage)
    uses = SlackUses(stage, HuddleWatch(stage), gate)
    register_listeners(app, uses)
    return SlackBot(app, uses, Deliverer(stage, gate))
