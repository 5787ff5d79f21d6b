"""Build the Slack side of stagedoor: the Bolt app and everything its listeners share."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from adapters.slack.client import make_client
from adapters.slack.huddle import HuddleWatch, StageGate
from adapters.slack.listeners import register_listeners
from adapters.slack.notify import Deliverer
from adapters.slack.roles import Roles
from adapters.slack.roster import UPDATE_INTERVAL, RosterBoard
from adapters.slack.stage import SlackStage
from adapters.slack.state import SlackState, workspace_room
from bot.settings import Settings
from core import commands as c
from core import events as ev
from core.commands import Actor, Tick
from core.room import RoomKey
from core.service import StageService

log = logging.getLogger(__name__)

TICK_SECONDS = 5.0  # invitation expiry (J8) is checked this often


@dataclass
class SlackBot:
    """The Bolt app with the parts its listeners and the outbox use."""

    app: AsyncApp
    stage: SlackStage
    huddles: HuddleWatch
    gate: StageGate
    deliverer: Deliverer

    async def open_get_ready(self, key: RoomKey, trigger_id: str | None, user: str) -> None:
        """J1: show the get-ready step; joining happens when it is submitted."""
        stage_channel = self.stage.state.channel(key).stage_channel
        if trigger_id:
            await self.stage.client.views_open(trigger_id=trigger_id, view=blocks.get_ready(key, stage_channel))
            return
        events = await self.stage.act(key, user, c.JoinStage)
        await self.stage.answer(key, user, events)

    async def publish_home(self, team: str, user: str) -> None:
        """Show the admin page in the App Home tab."""
        rooms = []
        for key in self.stage.state.rooms():
            if key.workspace == team:
                status = await self.stage.status(key, Actor(user))
                moderators = await self.stage.service.channel_moderators(key)
                rooms.append((key, status, moderators, self.stage.state.channel(key).stage_channel))
        await self.stage.client.views_publish(user_id=user, view=blocks.home(rooms, workspace_room(team)))

    async def apply_settings(self, key: RoomKey, user: str, values: dict[str, Any]) -> None:
        """A2: apply each filled-in field of the settings form, then report what happened."""
        events: list[ev.Event] = []
        for build in settings_commands(values):
            events += await self.stage.act(key, user, build)
        gated = _field(values, "gated", "selected_option")
        if gated is not None:
            changed = await self._set_gated(key, gated.get("value") == "on")
            if changed:
                await self.stage.tell(key, user, blocks.Message(changed, [blocks.section(changed)]))
        if events:
            await self.stage.answer(key, user, events)
        await self.publish_home(key.workspace, user)

    async def apply_workspace_defaults(self, team: str, user: str, values: dict[str, Any]) -> None:
        """M2, A2: apply each filled-in field of the workspace form to the workspace, then report in the DM."""
        key = workspace_room(team)
        # Only the admin flag matters here; the pseudo-room has no starter or groups, and nobody arrives in it.
        admin = await self.stage.roles.is_admin(user)
        actor = Actor(user, moderator=admin, admin=admin)
        events: list[ev.Event] = []
        for build in settings_commands(values, workspace=True):
            events += await self.stage.service.handle(key, build(actor))
        message = blocks.reply(events, user, key)
        if message is not None:
            await self.stage.client.chat_postMessage(channel=user, text=message.text, blocks=message.blocks)
        await self.publish_home(team, user)

    async def _set_gated(self, key: RoomKey, on: bool) -> str | None:
        state = self.stage.state.channel(key)
        if on == bool(state.stage_channel):
            return None
        state.huddle_room = None  # the stage huddle changes with the mode; learnt from its next start
        if not on:
            state.stage_channel = None
            await self.stage.state.save(key)
            self.stage.roster.mark(key)
            return ":unlock: Gated mode is off: the channel's own huddle is the stage again."
        state.stage_channel = await self.gate.create(key)
        await self.stage.state.save(key)
        status = await self.stage.status(key, Actor(""))
        for user in status.on_stage:
            await self.gate.apply(key, ev.StageJoined(user))
        self.stage.roster.mark(key)
        return f":lock: Gated mode is on: <#{state.stage_channel}> is the stage; its huddle is the stage huddle."

    async def tick(self) -> None:
        """Let invitation expiry run in every room this app has seen (J8)."""
        for key in self.stage.state.rooms():
            try:
                await self.stage.service.handle(key, Tick(Actor("")))
            except Exception:
                log.exception("expiry check failed in %s", key)

    async def tick_forever(self, every: float = TICK_SECONDS) -> None:
        """Check expiry every few seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            await self.tick()


def settings_commands(values: dict[str, Any], *, workspace: bool = False) -> list[Callable[[Actor], c.Command]]:
    """Turn a settings form's filled-in fields into admin commands, for the workspace when asked."""
    builds: list[Callable[[Actor], c.Command]] = []
    mode = _field(values, "default_mode", "selected_option")
    if mode:
        builds.append(partial(_with_actor, c.SetDefaultMode, str(mode["value"]), workspace=workspace))
    numbers = {"capacity": c.SetCapacity, "cameras": c.SetCameras, "cooldown": c.SetCooldown, "expiry": c.SetExpiry}
    for name, kind in numbers.items():
        raw = _field(values, name, "value")
        if raw not in (None, ""):
            builds.append(partial(_with_actor, kind, str(raw), workspace=workspace))
    for user in _field(values, "moderators_add", "selected_users") or []:
        builds.append(partial(_with_actor, c.AddModerator, str(user), workspace=workspace))
    for user in _field(values, "moderators_remove", "selected_users") or []:
        builds.append(partial(_with_actor, c.RemoveModerator, str(user), workspace=workspace))
    return builds


def _with_actor(kind: Callable[..., c.Command], argument: str, actor: Actor, *, workspace: bool = False) -> c.Command:
    return kind(actor, argument, workspace=workspace)


def _field(values: dict[str, Any], block: str, key: str) -> Any:
    return ((values.get(block) or {}).get(block) or {}).get(key)


def build_app(
    settings: Settings,
    service: StageService,
    clock: Callable[[], float],
    *,
    client: AsyncWebClient | None = None,
    state: SlackState | None = None,
    roster_interval: float = UPDATE_INTERVAL,
) -> SlackBot:
    """Build the Bolt app and its shared parts; nothing starts running here."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    client = client or make_client(token, settings.slack_api_url)
    state = state if state is not None else SlackState()  # without a store: remembered until the process ends
    roles = Roles(client, state)

    # The roster is drawn as anyone in the channel sees it (no moderator notes).
    async def public_status(key: RoomKey) -> ev.StatusReply:
        return await stage.status(key, Actor(""))

    async def report_roster(key: RoomKey, code: str) -> None:
        text = blocks.slack_failure("update the stage roster", code)
        for moderator in await stage.moderators(key):
            await stage.tell(key, moderator, blocks.Message(text, [blocks.section(text)]))

    roster = RosterBoard(client, state, public_status, roster_interval, report_roster)
    stage = SlackStage(service, client, state, roles, roster, clock)
    app = AsyncApp(client=client, signing_secret=secret, name="stagedoor")
    huddles, gate = HuddleWatch(stage), StageGate(stage)
    bot = SlackBot(app, stage, huddles, gate, Deliverer(stage, gate))
    register_listeners(app, bot)
    return bot
