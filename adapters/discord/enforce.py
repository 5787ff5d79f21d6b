"""Make Discord's voice state follow the core (X4): retried with back-off, corrected when refused.

On a stage channel the audience is suppressed; un-suppressing someone is
Discord's invitation to speak. In a voice channel the audience is server-muted.
Every change the bot makes is remembered until Discord echoes it back, so the
voice listener can tell the bot's own changes from people using Discord's controls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import discord

from adapters.discord import replies
from adapters.discord.kit import mention, place_for
from adapters.discord.messenger import Messenger
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import RoomChannel, Runtime, Signal, is_transient
from core import commands as c
from core.room import RoomKey

log = logging.getLogger(__name__)

EVERYONE = "*"
NOT_CONNECTED = 40032  # "Target user is not connected to voice": an invitation waits for them
UNKNOWN_MEMBER = 10007


def _now() -> float:
    return asyncio.get_running_loop().time()


class Enforcer:
    """Converge each room's voice states on the core's roster, one room at a time."""

    def __init__(
        self,
        runtime: Runtime,
        messenger: Messenger,
        panels: PanelKeeper,
        attempts: int = 5,
        first_delay: float = 1.0,
    ) -> None:
        self.runtime = runtime
        self.messenger = messenger
        self.panels = panels
        self.attempts = attempts
        self.first_delay = first_delay
        self._pending: dict[RoomKey, set[str]] = {}  # EVERYONE among them: all connected members
        self._wake = Signal(runtime.bot, "stagedoor_enforce")
        self._sent: dict[tuple[int, int], tuple[str, bool]] = {}
        # Changes Discord refused for now (429, 5xx): user -> (failures so far, when to try again).
        self._retry: dict[tuple[RoomKey, str], tuple[int, float]] = {}
        # Server mute follows a member into every voice channel: remember whom the bot muted.
        self.muted: set[tuple[int, int]] = set()

    # -- what the rest of the adapter calls ---------------------------------------------------------

    def want(self, key: RoomKey, users: Iterable[str] | None) -> None:
        """Ask for a room's voice states to follow the core: these users, or everyone (None)."""
        self._pending.setdefault(key, set()).update([EVERYONE] if users is None else users)
        self._wake.fire()

    def is_echo(self, guild_id: int, user_id: int, field: str, value: bool) -> bool:
        """Say (once) whether a voice change is the bot's own change coming back."""
        if self._sent.get((guild_id, user_id)) == (field, value):
            del self._sent[(guild_id, user_id)]
            return True
        return False

    def forget(self, guild_id: int, user_id: int) -> None:
        """Drop what the bot expected of someone who left voice."""
        self._sent.pop((guild_id, user_id), None)

    def settled(self, key: RoomKey, user: str) -> None:
        """Discord now shows someone in the audience: the warning about them is over."""
        self.panels.clear_warning(key, user)

    async def run(self) -> None:
        """Apply what was asked for, room by room, until cancelled."""
        while True:
            await self._wake.wait()
            pending, self._pending = self._pending, {}
            for key, users in pending.items():
                try:
                    await self.converge(key, users)
                except Exception:
                    log.exception("enforcing the stage of %s failed", key)

    def retry_due(self) -> None:
        """Ask again for the changes whose back-off is over (called on a clock)."""
        now = _now()
        for (key, user), (_, at) in list(self._retry.items()):
            if at <= now:
                self.want(key, [user])

    # -- converging ---------------------------------------------------------------------------------

    async def converge(self, key: RoomKey, users: set[str]) -> None:
        """Compare Discord with the core for these users and change Discord where they differ."""
        channel = self.runtime.channel_for(key)
        if channel is None:
            return
        status = await self.runtime.snapshot(key)
        stage = isinstance(channel, discord.StageChannel)
        speakers = set(status.on_stage) | (set(status.invitations) if stage else set())
        states = channel.voice_states
        named = {int(u) for u in users if u.isdigit()}
        targets = set(states) | named if EVERYONE in users else named
        for user_id in targets:
            state = states.get(user_id)
            member = channel.guild.get_member(user_id)
            if state is None or (member is not None and member.bot) or self.runtime.is_me(user_id):
                continue
            user = str(user_id)
            if stage:
                if not status.live and user_id not in named:
                    continue  # outside a session, the stage's own moderators run it
                want_speaker = status.live and user in speakers
                suppress = not want_speaker
                asked = self._sent.get((channel.guild.id, user_id))
                # An un-suppress still waiting for the person's accept is withdrawn by suppressing again.
                if asked != ("suppress", suppress) and (state.suppress != suppress or asked is not None):
                    await self._change(key, channel, user, "suppress", suppress, on_stage=user in status.on_stage)
            else:
                want_muted = status.live and user not in status.on_stage
                if not want_muted and not status.live and (channel.guild.id, user_id) not in self.muted:
                    continue  # outside a session, never undo a mute the bot did not make
                if want_muted and state.mute:
                    self.muted.add((channel.guild.id, user_id))  # during a session the stage owns the mute
                if state.mute != want_muted:
                    await self._change(key, channel, user, "mute", want_muted, on_stage=user in status.on_stage)

    async def _change(
        self, key: RoomKey, channel: RoomChannel, user: str, field: str, value: bool, on_stage: bool
    ) -> None:
        guild_id, user_id = channel.guild.id, int(user)
        http = self.runtime.bot.http
        if (key, user) in self._retry and self._retry[(key, user)][1] > _now():
            return  # backing off; retry_due asks again when it is time
        self._sent[(guild_id, user_id)] = (field, value)
        try:
            if field == "suppress":
                await http.edit_voice_state(guild_id, user_id, {"channel_id": str(channel.id), "suppress": value})
            else:
                await http.edit_member(guild_id, user_id, mute=value)
        except discord.HTTPException as failure:
            self._sent.pop((guild_id, user_id), None)
            failures = self._retry.get((key, user), (0, 0.0))[0] + 1
            if is_transient(failure) and failures < self.attempts:
                self._retry[(key, user)] = (failures, _now() + self.first_delay * 2 ** (failures - 1))
                return
            self._retry.pop((key, user), None)
            await self._refused(key, channel, user, value, on_stage, failure)
            return
        self._retry.pop((key, user), None)
        if field == "mute":
            (self.muted.add if value else self.muted.discard)((guild_id, user_id))
        if value:  # moved to the audience as the core says
            self.settled(key, user)

    async def _refused(
        self,
        key: RoomKey,
        channel: RoomChannel,
        user: str,
        to_audience: bool,
        on_stage: bool,
        error: discord.HTTPException,
    ) -> None:
        """A permanent failure: correct the core or flag the roster, and tell moderators."""
        if error.code == NOT_CONNECTED:
            return  # they left voice meanwhile; the voice listener records it
        if error.code == UNKNOWN_MEMBER:
            await self.runtime.handle(key, c.Leave(c.Actor(user)))
            return
        place = place_for(channel)
        if to_audience:
            self.panels.warn(key, user, f"{mention(user)} still speaks in Discord")
            notice = replies.failure_notice(
                "move to the audience", user, error, place, "The panel marks them until Discord catches up."
            )
        elif on_stage:
            # The roster must not say "on stage" when Discord would not let them speak.
            await self.runtime.handle(key, c.MovedToAudience(c.Actor(user), by=self.runtime.me))
            await self.messenger.to_user(channel, user, replies.join_refused_by_discord(place))
            notice = replies.failure_notice(
                "bring on stage", user, error, place, "They are back in the audience on the roster."
            )
        else:
            notice = replies.failure_notice(
                "send Discord's invitation to speak to",
                user,
                error,
                place,
                "Their invitation stays open; they can still answer it with the panel's buttons.",
            )
        await self.messenger.to_room(channel, notice)

    async def release(self, member: discord.Member) -> None:
        """Unmute someone the bot muted, now that they are somewhere the stage does not reach."""
        if (member.guild.id, member.id) not in self.muted:
            return
        self.muted.discard((member.guild.id, member.id))
        self._sent[(member.guild.id, member.id)] = ("mute", False)
        try:
            await self.runtime.bot.http.edit_member(member.guild.id, member.id, mute=False)
        except discord.HTTPException as error:
            log.info("could not unmute %s after they left the stage: %s", member.id, error)

    # -- stage instances ---------------------------------------------------------------------------------

    async def follow_session(self, key: RoomKey, live: bool) -> None:
        """Open the Stage when a session starts here, close it when the session ends."""
        channel = self.runtime.channel_for(key)
        if not isinstance(channel, discord.StageChannel):
            return
        try:
            if live and channel.instance is None:
                # Ids go as strings, as Discord's API schema types snowflakes.
                await self.runtime.bot.http.create_stage_instance(
                    channel_id=str(channel.id), topic=channel.name[:120] or "Live stage", reason=None
                )
            elif not live and channel.instance is not None:
                await channel.instance.delete()
        except discord.HTTPException as error:
            await self.messenger.to_room(channel, replies.stage_instance_failure(live, error, place_for(channel)))
