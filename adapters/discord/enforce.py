"""Make Discord's voice state follow the core (X4); a change Discord refuses is corrected or flagged.

On a stage channel the audience is suppressed; un-suppressing someone is
Discord's invitation to speak (Discord sets their request_to_speak_timestamp
and shows them an accept prompt). In a voice channel the audience is
server-muted. The bot remembers (adapters/discord/memory.py) whom it
un-suppressed and whose server mute it applied, so the voice listener can
tell its own changes from people's, and a mute the bot did not apply is
never lifted by it.

A stage-channel Join stage (J1) is held here while Discord's accept prompt
shows: the person stays un-suppressed, not yet on the roster, until they
accept (the voice listener records the join), decline, or let it run out.

discord.py's HTTP client is the one retry layer: it waits out a 429's
retry_after and retries 5xx itself; a failure it gives up on is final here.
Each room's changes run in its own lane, so a room Discord holds back delays
no other room's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from adapters.discord import replies
from adapters.discord.kit import mention, place_for
from adapters.discord.lanes import Lanes
from adapters.discord.memory import VoiceMemory
from adapters.discord.messenger import Messenger
from adapters.discord.panel import PanelKeeper
from adapters.discord.runtime import RoomChannel, Runtime
from core import commands as c
from core.room import RoomKey

log = logging.getLogger(__name__)

EVERYONE = "*"
# J1 on a stage channel: how long Discord's accept prompt for a self-join stays up unanswered.
JOIN_PROMPT_SECONDS = 120.0
NOT_CONNECTED = 40032  # "Target user is not connected to voice": an invitation waits for them
UNKNOWN_MEMBER = 10007


class Enforcer:
    """Converge each room's voice states on the core's roster, each room in its own lane (lanes.py)."""

    def __init__(
        self, runtime: Runtime, messenger: Messenger, panels: PanelKeeper, memory: VoiceMemory | None = None
    ) -> None:
        self.runtime = runtime
        self.messenger = messenger
        self.panels = panels
        self.memory = memory if memory is not None else VoiceMemory()  # without a store: this process only
        self._pending: dict[RoomKey, set[str]] = {}  # EVERYONE among them: all connected members
        # Changes sent and not yet seen back in a voice state update: (guild, user) -> (field, value).
        self._sent: dict[tuple[int, int], tuple[str, bool]] = {}
        # J1 on stage channels: people the bot un-suppressed for their own join, seconds left to accept.
        self.joining: dict[RoomKey, dict[str, float]] = {}
        self.join_prompt_seconds = JOIN_PROMPT_SECONDS
        self._expired: dict[RoomKey, set[str]] = {}  # self-join prompts run out, the person not yet told
        self._lanes = Lanes[RoomKey](self._converge_pending, name="stagedoor-enforce")

    # -- what the rest of the adapter calls ---------------------------------------------------------

    def want(self, key: RoomKey, users: Iterable[str] | None) -> None:
        """Ask for a room's voice states to follow the core: these users, or everyone (None)."""
        self._pending.setdefault(key, set()).update([EVERYONE] if users is None else users)
        self._lanes.push(key)

    def prompt_join(self, key: RoomKey, user: str) -> None:
        """J1 on a stage channel: un-suppress someone for their own join; it counts once they accept."""
        self.joining.setdefault(key, {})[user] = self.join_prompt_seconds
        self.want(key, [user])

    def end_join(self, key: RoomKey, user: str) -> bool:
        """The prompt of a self-join was answered (or they left): stop holding it; say whether one was held."""
        return self.joining.get(key, {}).pop(user, None) is not None

    def tick(self, seconds: float) -> None:
        """Let unanswered self-join prompts run out: withdrawn, the person stays in the audience and is told.

        Only marks them: the suppress and the DM run in the room's lane, so the clock never waits for Discord.
        """
        for key, people in list(self.joining.items()):
            for user in list(people):
                people[user] -= seconds
                if people[user] <= 0:
                    del people[user]
                    self._expired.setdefault(key, set()).add(user)
                    self.want(key, [user])  # no longer held: suppressed again

    def is_echo(self, guild_id: int, user_id: int, field: str, value: bool) -> bool:
        """Say (once) whether a voice change is the bot's own change coming back."""
        if self._sent.get((guild_id, user_id)) == (field, value):
            del self._sent[(guild_id, user_id)]
            return True
        return False

    def forget(self, guild_id: int, user_id: int) -> None:
        """Drop what the bot expected of someone who left voice."""
        self._sent.pop((guild_id, user_id), None)
        for key, people in self.joining.items():
            if key.workspace == str(guild_id):
                people.pop(str(user_id), None)

    def settled(self, key: RoomKey, user: str) -> None:
        """Discord now shows someone in the audience: the warning about them is over."""
        self.panels.clear_warning(key, user)

    def stop(self) -> None:
        """Cancel the changes under way (the bot is closing)."""
        self._lanes.stop()

    async def _converge_pending(self, key: RoomKey) -> None:
        """Converge a room on everything asked for it so far (one lane: never two at once for a room)."""
        users = self._pending.pop(key, set())
        if users:
            try:
                await self.converge(key, users)
            except Exception:
                log.exception("enforcing the stage of %s failed", key)
        channel = self.runtime.channel_for(key)
        for user in sorted(self._expired.pop(key, set())):
            if channel is not None:
                await self.messenger.to_user(channel, user, replies.join_prompt_expired(place_for(channel)))

    # -- converging ---------------------------------------------------------------------------------

    async def converge(self, key: RoomKey, users: set[str]) -> None:
        """Compare Discord with the core for these users and change Discord where they differ."""
        channel = self.runtime.channel_for(key)
        if channel is None:
            return
        status = await self.runtime.snapshot(key)
        stage = isinstance(channel, discord.StageChannel)
        if not status.live:
            self.joining.pop(key, None)
        joining = set(self.joining.get(key, {})) if stage else set()
        speakers = set(status.on_stage) | (set(status.invitations) if stage else set()) | joining
        states = channel.voice_states
        named = {int(u) for u in users if u.isdigit()}
        targets = set(states) | named if EVERYONE in users else named
        guild_id = channel.guild.id
        for user_id in targets:
            state = states.get(user_id)
            member = channel.guild.get_member(user_id)
            if state is None or (member is not None and member.bot) or self.runtime.is_me(user_id):
                continue
            user = str(user_id)
            on_stage = user in status.on_stage
            if on_stage and status.live:
                # C5: the core hears of a mic only while they are on stage, so it learns the mic they came with.
                await self.runtime.handle(key, c.MicChanged(c.Actor(user), on=not state.self_mute))
            if stage:
                if not status.live and user_id not in named:
                    continue  # outside a session, the stage's own moderators run it
                suppress = not (status.live and user in speakers)
                if state.suppress != suppress and self._sent.get((guild_id, user_id)) != ("suppress", suppress):
                    await self._change(key, channel, user, "suppress", suppress, on_stage)
                elif suppress and state.suppress:
                    await self.memory.set_unsuppressed(guild_id, channel.id, user, False)
            else:
                muted = status.live and user not in status.on_stage
                if state.mute == muted or self._sent.get((guild_id, user_id)) == ("mute", muted):
                    continue
                if muted:
                    await self._change(key, channel, user, "mute", True, on_stage)
                elif await self.memory.bot_muted(guild_id, user):
                    await self._change(key, channel, user, "mute", False, on_stage)
                elif status.live and on_stage:
                    # Never lift a server mute the bot did not apply: a moderator (or Discord) put it there.
                    self.panels.warn(key, user, f"{mention(user)} is server-muted by someone else")

    async def _member(self, channel: RoomChannel, user_id: int) -> discord.Member:
        member = channel.guild.get_member(user_id)
        return member if member is not None else await channel.guild.fetch_member(user_id)

    async def _change(
        self, key: RoomKey, channel: RoomChannel, user: str, field: str, value: bool, on_stage: bool
    ) -> None:
        guild_id, user_id = channel.guild.id, int(user)
        self._sent[(guild_id, user_id)] = (field, value)
        try:
            member = await self._member(channel, user_id)
            if field == "suppress":
                if not value:
                    # Remembered before Discord answers: the update can arrive before the response does.
                    await self.memory.set_unsuppressed(guild_id, channel.id, user, True)
                # Member.edit also sends request_to_speak_timestamp (a time when un-suppressing, null when
                # suppressing), which Modify User Voice State does not take: its body is "channel_id,
                # suppress" only, and "When unsuppressed, non-bot users will have their
                # request_to_speak_timestamp set to the current time" by Discord itself.
                await member.edit(suppress=value)
                if value:
                    await self.memory.set_unsuppressed(guild_id, channel.id, user, False)
            else:
                await member.edit(mute=value)
                await self.memory.set_bot_muted(guild_id, user, value)
        except discord.HTTPException as failure:
            self._sent.pop((guild_id, user_id), None)
            if field == "suppress" and not value:
                await self.memory.set_unsuppressed(guild_id, channel.id, user, False)
            await self._refused(key, channel, user, value, on_stage, failure)
            return
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
        """Discord said no (discord.py already retried what may pass): correct the core or flag the roster."""
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
        elif self.end_join(key, user):
            await self.messenger.to_user(channel, user, replies.join_refused_by_discord(place))
            notice = replies.failure_notice(
                "send Discord's invitation to speak to", user, error, place, "They stay in the audience."
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
        user = str(member.id)
        if not await self.memory.bot_muted(member.guild.id, user):
            return
        self._sent[(member.guild.id, member.id)] = ("mute", False)
        try:
            await member.edit(mute=False)
        except discord.HTTPException as error:
            self._sent.pop((member.guild.id, member.id), None)
            log.info("could not unmute %s after they left the stage: %s", member.id, error)
            return
        await self.memory.set_bot_muted(member.guild.id, user, False)

    # -- stage instances ---------------------------------------------------------------------------------

    async def follow_session(self, key: RoomKey, live: bool) -> None:
        """Open the Stage when a session starts here, close it when the session ends."""
        channel = self.runtime.channel_for(key)
        if not isinstance(channel, discord.StageChannel):
            return
        try:
            if live and channel.instance is None:
                await channel.create_instance(topic=channel.name[:120] or "Live stage")
            elif not live and channel.instance is not None:
                await channel.instance.delete()
        except discord.HTTPException as error:
            await self.messenger.to_room(channel, replies.stage_instance_failure(live, error, place_for(channel)))
