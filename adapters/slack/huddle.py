"""The huddle as the stage: who is in it (L2, soft enforcement), its cameras and end, and the gated stage channel.

Slack has no API to invite, remove or mute anyone in a huddle. What it exposes:
- a `huddle_thread` message in the channel when its huddle starts, carrying the huddle's
  `room` (its id `R…`, `participants`, `participants_camera_on`, `has_ended`); Slack edits that
  message as the huddle runs, and each edit arrives as a hidden `message_changed` event whose
  `message.room` is the huddle now (tests/data/platform/slack-huddle-message-changed.json);
- `user_huddle_changed` for each person, whose profile names `huddle_state`
  (`in_a_huddle` or not) and `huddle_state_call_id` — the huddle's room id.
Matching the two tells which channel's huddle a person is in; that match is inferred.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_sdk.errors import SlackApiError

from adapters.slack.client import error_code, transient
from adapters.slack.huddle_cap import over_cap
from adapters.slack.kit import mention, words
from adapters.slack.notices import huddle_alert, huddle_ended, huddle_left, slack_failure
from adapters.slack.stage import SlackStage
from core import events as ev
from core.commands import Actor, Arrive, MovedToAudience, Speak
from core.room import RoomKey

log = logging.getLogger(__name__)

ALREADY_IN = {"already_in_channel"}
ALREADY_OUT = {"not_in_channel", "user_not_found"}


class HuddleWatch:
    """Follow who is in each room's huddle; tell moderators about anyone not on stage."""

    def __init__(self, stage: SlackStage) -> None:
        self._stage = stage
        self.where: dict[str, RoomKey] = {}  # user → room whose stage huddle they are in

    async def huddle_message(self, team: str, channel: str, room: dict[str, Any], ts: str = "") -> None:
        """A channel's huddle started or changed: take in who is in it now, whose camera is on, and its end."""
        huddle_id = room.get("id")
        if not huddle_id:
            return
        key = await self._stage.state.stage_channel_room(team, channel)
        if key is None:
            key = RoomKey("slack", team, channel)
            if (await self._stage.state.refresh(key)).stage_channel:
                return  # gated: the channel's own huddle is not the stage; its stage channel's is
        state = self._stage.state.channel(key)  # read as stored just now: another replica may have taken an edit
        if ts and state.huddle_seen and _stamp(ts) <= _stamp(state.huddle_seen):
            return  # X2: a redelivered edit, or an older one arriving late; the newer one was taken in already
        ended = bool(room.get("has_ended", bool(room.get("date_end"))))
        now = [] if ended else _people(room.get("participants"))
        cameras = [user for user in _people(room.get("participants_camera_on")) if user in now]
        # A different huddle (a new one, or gated mode switched on or off) starts from nobody: leaving the old one
        # is not leaving this one, so only people this huddle listed can leave the stage by leaving it.
        same = state.huddle_room == huddle_id
        before = state.huddle_people if same else []
        ended_before = state.huddle_ended and same
        if cameras != state.huddle_cameras:
            self._stage.roster.mark(key)
        state.huddle_room, state.huddle_people, state.huddle_cameras = huddle_id, now, cameras
        state.huddle_ended, state.huddle_seen = ended, ts or state.huddle_seen
        await self._stage.state.save(key)
        for user in before:
            if user not in now:
                await self.left(key, user)
        for user in now:
            if user not in before and self.where.get(user) != key:
                await self.joined(key, user)
        if ended and not ended_before:
            await self._ended(key)

    async def user_changed(self, user: dict[str, Any]) -> None:
        """A person's huddle state changed: joined a room's huddle, or left one."""
        user_id = user.get("id")
        profile = user.get("profile") or {}
        if not user_id or user.get("is_bot"):
            return
        call = profile.get("huddle_state_call_id") if profile.get("huddle_state") == "in_a_huddle" else None
        key = await self._stage.state.huddle_room_of(call) if call else None
        if key is None:
            # Left a huddle (or joined one that is no stage). This does not say which huddle was left, so the
            # stage place goes only when the stage huddle's own message stops listing them (L2, huddle_message).
            self.where.pop(user_id, None)
            return
        if self.where.get(user_id) != key:
            await self.joined(key, user_id)

    async def joined(self, key: RoomKey, user: str) -> None:
        """C4: huddle presence is activity; someone in the huddle but not on stage is flagged."""
        self.where[user] = key
        service = self._stage.service
        await service.handle(key, Arrive(Actor(user)))
        await service.handle(key, Speak(Actor(user)))
        status = await self._stage.status(key, Actor(user))
        if not status.live or user in status.on_stage:
            return
        if (await self._stage.roles.actor(key, user)).moderator:
            return  # moderators may be in the huddle to run it (J11)
        alert = huddle_alert(user, key)
        for moderator in await self._stage.moderators(key):
            try:
                await self._stage.tell(key, moderator, alert)
            except Exception as error:  # Slack still failing: the other moderators are told all the same
                log.warning("could not alert %s in %s: %s", moderator, key, error_code(error))

    async def left(self, key: RoomKey, user: str) -> None:
        """L2: someone the stage huddle listed is no longer in it; if they were on stage, they left it."""
        if self.where.get(user) == key:
            del self.where[user]
        if await self._stage.service.handle(key, MovedToAudience(Actor(user))):
            # The outbox tells everyone but the actor, and here the actor is the person who left.
            await self._stage.tell(key, user, huddle_left())

    async def _ended(self, key: RoomKey) -> None:
        if not (await self._stage.status(key, Actor(""))).live:
            return
        message = huddle_ended()
        for moderator in await self._stage.moderators(key):
            await self._stage.tell(key, moderator, message)


def _people(users: Any) -> list[str]:
    """Return the people in one of a huddle room's user lists (Slackbot posts the huddle message; it is no one)."""
    if not isinstance(users, list):
        return []
    return [user for user in dict.fromkeys(users) if isinstance(user, str) and user and user != "USLACKBOT"]


def _stamp(ts: str) -> Decimal:
    """Order Slack timestamps ("1759867394.232700") exactly; one that is not a number sorts first."""
    try:
        return Decimal(ts)
    except InvalidOperation:
        return Decimal(0)


class StageGate:
    """Gated mode: the private stage channel's members follow the stage."""

    def __init__(self, stage: SlackStage) -> None:
        self._stage = stage
        self._bot_user: str | None = None

    async def apply(self, key: RoomKey, event: ev.Event) -> None:
        """Warn of the huddle's cap at start; invite on joining, remove on leaving, empty the channel at the end."""
        if isinstance(event, ev.SessionStarted) and event.by:
            await self._warn_cap(key, event.by)
        stage_channel = self._stage.state.channel(key).stage_channel
        if not stage_channel:
            return
        if isinstance(event, ev.StageJoined):
            await self._invite(key, stage_channel, event.user)
        elif isinstance(event, ev.StageLeft):
            await self._kick(key, stage_channel, event.user)
        elif isinstance(event, ev.SessionEnded):
            await self._empty(key, stage_channel)

    async def create(self, key: RoomKey) -> str:
        """Make the private stage channel for a room (the app is its first member)."""
        info = await self._stage.client.conversations_info(channel=key.channel)
        base = f"{info['channel'].get('name') or key.channel.lower()}-stage"[:70]
        for attempt in range(5):
            name = base if attempt == 0 else f"{base}-{attempt + 1}"
            try:
                created = await self._stage.client.conversations_create(name=name, is_private=True)
                return str(created["channel"]["id"])
            except SlackApiError as error:
                if error.response.get("error") != "name_taken":
                    raise
        raise RuntimeError(f"no free name for {base}")

    async def _invite(self, key: RoomKey, stage_channel: str, user: str) -> None:
        try:
            await self._stage.client.conversations_invite(channel=stage_channel, users=user)
        except SlackApiError as error:
            if transient(error):
                raise  # the outbox tries the event again; only a refusal for good moves them off
            code = str(error.response.get("error"))
            if code not in ALREADY_IN:
                # X4: Slack will not let them in, so the roster must not say they are on stage.
                await self._stage.service.handle(key, MovedToAudience(Actor(user)))
                await self._report(key, f"add {mention(user)} to the stage channel", code)
                return
        await self._remember(key, user, True)

    async def _kick(self, key: RoomKey, stage_channel: str, user: str) -> None:
        try:
            await self._stage.client.conversations_kick(channel=stage_channel, user=user)
        except SlackApiError as error:
            if transient(error):
                raise
            code = str(error.response.get("error"))
            if code not in ALREADY_OUT:
                await self._report(key, f"remove {mention(user)} from the stage channel", code)
                return
        await self._remember(key, user, False)

    async def _empty(self, key: RoomKey, stage_channel: str) -> None:
        bot = await self._bot()
        response = await self._stage.client.conversations_members(channel=stage_channel, limit=1000)
        for member in response.get("members") or []:
            if member != bot:
                await self._kick(key, stage_channel, member)

    async def _bot(self) -> str | None:
        if self._bot_user is None:
            self._bot_user = (await self._stage.client.auth_test()).get("user_id")
        return self._bot_user

    async def _remember(self, key: RoomKey, user: str, inside: bool) -> None:
        state = self._stage.state.channel(key)
        members = [m for m in state.gated_members if m != user] + ([user] if inside else [])
        if members != state.gated_members:
            state.gated_members = members
            await self._stage.state.save(key)

    async def _warn_cap(self, key: RoomKey, starter: str) -> None:
        warning = over_cap((await self._stage.status(key, Actor(starter))).capacity)
        if warning:
            await self._stage.tell(key, starter, words(warning))

    async def _report(self, key: RoomKey, action: str, code: str) -> None:
        message = words(slack_failure(action, code))
        for moderator in await self._stage.moderators(key):
            await self._stage.tell(key, moderator, message)
