"""What Slack listeners do beyond one command: the get-ready step, the admin page, its forms, expiry ticks."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from adapters.slack.forms import get_ready
from adapters.slack.home import home
from adapters.slack.huddle import HuddleWatch, StageGate
from adapters.slack.kit import words
from adapters.slack.notices import reply
from adapters.slack.panels import panel
from adapters.slack.stage import SlackStage
from adapters.slack.state import workspace_room
from core import commands as c
from core import events as ev
from core.commands import Actor, Arrive
from core.errors import StageError
from core.room import RoomKey

log = logging.getLogger(__name__)

TICK_SECONDS = 5.0  # invitation expiry (J8) is checked this often

FormValues = dict[str, Any]
Acked = Callable[[], Awaitable[Any]]  # Bolt's ack, called once the change is committed
TargetCommand = Callable[[Actor, str, bool], c.Command]


@dataclass
class SlackUses:
    """The use cases listeners call, with the shared parts they act through."""

    stage: SlackStage
    huddles: HuddleWatch
    gate: StageGate

    async def open_get_ready(self, key: RoomKey, trigger_id: str | None, user: str) -> None:
        """J1: show the get-ready step; joining happens when it is submitted.

        A join the room would refuse now (J6 without an invitation, no live session, already on stage) is
        answered with that refusal instead of the step: nobody gets ready only to be turned away. The core
        checks again on submit, since the room may change while the step is open.
        """
        stage_channel = self.stage.state.channel(key).stage_channel
        if trigger_id:
            refused = await self._join_refusal(key, user)
            if refused is not None:
                await self.stage.answer(key, user, [ev.ErrorReply.of(user, refused)])
                return
            await self.stage.client.views_open(trigger_id=trigger_id, view=get_ready(key, stage_channel))
            return
        events = await self.stage.act(key, user, c.JoinStage)
        await self.stage.answer(key, user, events)

    async def _join_refusal(self, key: RoomKey, user: str) -> StageError | None:
        """Return the refusal joining would certainly get now, asking the core without changing anything (J1)."""
        actor = await self.stage.roles.actor(key, user)
        await self.stage.service.handle(key, Arrive(Actor(user)))  # as joining would: they are in the channel
        return await self.stage.service.refusal(key, c.JoinStage(actor))

    async def act_on_target(
        self,
        user: str,
        key: RoomKey,
        target: str,
        build: TargetCommand,
        panel_id: str | None = None,
        acked: Acked | None = None,
    ) -> None:
        """Run a moderator's action on someone, then ack; refresh the moderator panel it came from, if any."""
        stage = self.stage
        is_bot = await stage.roles.is_bot(target) if target else False
        if target and not is_bot:
            await stage.service.handle(key, Arrive(Actor(target), if_new=True))
        events = await stage.act(key, user, lambda actor: build(actor, target, is_bot))
        if acked is not None:
            await acked()  # the change is committed: Slack may now be told it is done
        await stage.answer(key, user, events)
        if panel_id:
            status = await stage.status(key, await stage.roles.actor(key, user))
            await stage.client.views_update(view_id=panel_id, view=panel(status, key))

    async def may_moderate(self, key: RoomKey, user: str) -> bool:
        """A3: say whether Slack or the room makes this person a moderator right now."""
        actor = await self.stage.roles.actor(key, user)
        return actor.moderator or user in await self.stage.moderators(key)

    async def publish_home(self, team: str, user: str) -> None:
        """Show the admin page in the App Home tab."""
        rooms = []
        for key in self.stage.state.rooms():
            if key.workspace == team:
                status = await self.stage.status(key, Actor(user))
                moderators = await self.stage.service.channel_moderators(key)
                rooms.append((key, status, moderators, self.stage.state.channel(key).stage_channel))
        await self.stage.client.views_publish(user_id=user, view=home(rooms, workspace_room(team)))

    async def apply_settings(self, key: RoomKey, user: str, values: FormValues, acked: Acked | None = None) -> None:
        """A2: apply each filled-in field of the settings form, ack, then report what happened."""
        events: list[ev.Event] = []
        for build in settings_commands(values):
            events += await self.stage.act(key, user, build)
        if acked is not None:
            # Gated mode creates a channel through Slack first, so it is switched after the ack (docs/slack.md).
            await acked()
        gated = _field(values, "gated", "selected_option")
        if gated is not None:
            changed = await self._set_gated(key, gated.get("value") == "on")
            if changed:
                await self.stage.tell(key, user, words(changed))
        if events:
            await self.stage.answer(key, user, events)
        await self.publish_home(key.workspace, user)

    async def apply_workspace_defaults(
        self, team: str, user: str, values: FormValues, acked: Acked | None = None
    ) -> None:
        """M2, A2: apply each filled-in field of the workspace form to the workspace, ack, then report in the DM."""
        key = workspace_room(team)
        # Only the admin flag matters here; the pseudo-room has no starter or groups, and nobody arrives in it.
        admin = await self.stage.roles.is_admin(user)
        actor = Actor(user, moderator=admin, admin=admin)
        events: list[ev.Event] = []
        for build in settings_commands(values, workspace=True):
            events += await self.stage.service.handle(key, build(actor))
        if acked is not None:
            await acked()
        message = reply(events, user, key)
        if message is not None:
            await self.stage.client.chat_postMessage(channel=user, text=message.text, blocks=message.blocks)
        await self.publish_home(team, user)

    async def _set_gated(self, key: RoomKey, on: bool) -> str | None:
        state = await self.stage.state.refresh(key)  # another replica may have switched it already
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


def settings_commands(values: FormValues, *, workspace: bool = False) -> list[Callable[[Actor], c.Command]]:
    """Turn a settings form's filled-in fields into admin commands, for the workspace when asked."""
    builds: list[Callable[[Actor], c.Command]] = []
    mode = _field(values, "default_mode", "selected_option")
    if mode:
        builds.append(partial(_with_actor, c.SetDefaultMode, str(mode["value"]), workspace=workspace))
    numbers: dict[str, Callable[..., c.Command]] = {
        "capacity": c.SetCapacity,
        "cameras": c.SetCameras,
        "cooldown": c.SetCooldown,
        "expiry": c.SetExpiry,
        "turn": c.SetTurn,
    }
    for name, kind in numbers.items():
        raw = _field(values, name, "value")
        if raw not in (None, ""):
            builds.append(partial(_with_actor, kind, str(raw), workspace=workspace))
    for name, word_kind in (("advance", c.SetAdvance), ("order", c.SetOrder)):
        chosen = _field(values, name, "selected_option")
        if chosen:
            builds.append(partial(_with_actor, word_kind, str(chosen["value"]), workspace=workspace))
    for user in _field(values, "moderators_add", "selected_users") or []:
        builds.append(partial(_with_actor, c.AddModerator, str(user), workspace=workspace))
    for user in _field(values, "moderators_remove", "selected_users") or []:
        builds.append(partial(_with_actor, c.RemoveModerator, str(user), workspace=workspace))
    return builds


def _with_actor(kind: Callable[..., c.Command], argument: str, actor: Actor, *, workspace: bool = False) -> c.Command:
    return kind(actor, argument, workspace=workspace)


def _field(values: FormValues, block: str, key: str) -> Any:
    return ((values.get(block) or {}).get(block) or {}).get(key)
