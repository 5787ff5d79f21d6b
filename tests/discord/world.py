"""A simulated Discord server for the adapter's tests, built on simcord.

simcord runs discord.py unmodified against an in-memory Discord. Three
things real Discord does that simcord does not model are added here, around it:

- joining a stage channel makes you a suppressed listener;
- a moderator un-suppressing someone on a stage is an invitation to speak that
  the person accepts (then they speak) or not (they stay in the audience);
- Discord's raise hand (request_to_speak_timestamp) set by the person themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord
import simcord
from simcord.backend.models import VoiceState

from adapters.discord.client import StageBot
from adapters.discord.roster import PANEL_FOOTER

# /stage commands whose member option autocompletes from the room (a string option holding the id).
PICKED_FROM_A_LIST = {"approve", "decline", "invite", "remove"}
MODERATOR_PERMISSIONS = discord.Permissions(manage_channels=True, mute_members=True, move_members=True)


@dataclass
class World:
    """One server with a stage channel and a voice channel, and people in it."""

    env: simcord.Env
    app: Any
    guild: simcord.GuildHandle = field(init=False)
    stage: simcord.ChannelHandle = field(init=False)
    voice: simcord.ChannelHandle = field(init=False)
    lobby: simcord.ChannelHandle = field(init=False)
    people: dict[str, simcord.MemberActor] = field(default_factory=dict)
    speak_invitations: set[int] = field(default_factory=set)

    def build(self) -> World:
        self.guild = self.env.create_guild("Community")
        self.stage = self.guild.create_stage_channel("town-hall")
        self.voice = self.guild.create_voice_channel("hangout")
        self.lobby = self.guild.create_text_channel("lobby")
        moderators = self.guild.create_role("Stage Team", permissions=MODERATOR_PERMISSIONS)
        admins = self.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
        self.people["mo"] = self.guild.add_member(self.env.create_user("mo"), roles=[moderators])
        self.people["ada"] = self.guild.add_member(self.env.create_user("ada"), roles=[admins])
        for name in ("alex", "bea", "cy", "dee"):
            self.people[name] = self.guild.add_member(self.env.create_user(name))
        self._hold_speak_invitations()
        return self

    # -- real Discord's stage behaviour, around simcord --------------------------------------------------
    def _hold_speak_invitations(self) -> None:
        backend = self.env.backend
        original = backend.set_voice_state
        world = self

        def set_voice_state(guild_id: int, user_id: int, channel_id: int | None, **flags: Any) -> VoiceState | None:
            state = backend.get_guild(guild_id).voice_states.get(user_id)
            held = (
                flags.get("suppress") is False
                and state is not None
                and state.suppress
                and channel_id == world.stage.id
                and not flags.pop("_apply", False)
            )
            flags.pop("_apply", None)
            if held:
                # Discord shows the person an invitation to speak; nothing changes until they accept.
                world.speak_invitations.add(user_id)
                return state
            if flags.get("suppress") is True:
                world.speak_invitations.discard(user_id)
            return original(guild_id, user_id, channel_id, **flags)

        backend.set_voice_state = set_voice_state  # type: ignore[method-assign]
        self._set = set_voice_state

    def _state(self, name: str) -> VoiceState | None:
        return self.env.backend.get_guild(self.guild.id).voice_states.get(self.people[name].id)

    async def connect(self, name: str, channel: simcord.ChannelHandle | None = None) -> None:
        channel = channel or self.stage
        self._set(self.guild.id, self.people[name].id, channel.id, suppress=channel.id == self.stage.id)
        await self.settle()

    async def disconnect(self, name: str) -> None:
        await self.people[name].leave_voice()
        await self.settle()

    async def raise_hand(self, name: str) -> None:
        """Discord's own raise hand on a stage."""
        self._set(
            self.guild.id, self.people[name].id, self.stage.id, request_to_speak_timestamp=self.env.now().isoformat()
        )
        await self.settle()

    async def lower_hand(self, name: str) -> None:
        self._set(self.guild.id, self.people[name].id, self.stage.id, request_to_speak_timestamp=None)
        await self.settle()

    async def accept_speak(self, name: str) -> None:
        """Accept Discord's invitation to speak."""
        user_id = self.people[name].id
        assert user_id in self.speak_invitations, f"{name} has no invitation to speak from Discord"
        self.speak_invitations.discard(user_id)
        self._set(self.guild.id, user_id, self.stage.id, suppress=False, request_to_speak_timestamp=None, _apply=True)
        await self.settle()

    async def moderator_sets(self, name: str, **flags: Any) -> None:
        """A human moderator uses Discord's own controls on someone."""
        state = self._state(name)
        assert state is not None
        self._set(self.guild.id, self.people[name].id, state.channel_id, _apply=True, **flags)
        await self.settle()

    async def unmute_self(self, name: str) -> None:
        await self.people[name].set_voice(self_mute=True)
        await self.people[name].set_voice(self_mute=False)
        await self.settle()

    def speaking(self, name: str) -> bool:
        """Say whether Discord lets this person speak now (stage: not suppressed; voice: not server-muted)."""
        state = self._state(name)
        assert state is not None, f"{name} is not connected"
        return not (state.suppress if state.channel_id == self.stage.id else state.mute)

    # -- the bot's side ----------------------------------------------------------------------------------
    async def settle(self, seconds: float = 1.2) -> None:
        """Let the bot deliver events, enforce voice states and edit the panel."""
        # simcord gives one advance a few real seconds; long waits go a minute at a time.
        while seconds > 0:
            step = min(seconds, 60.0)
            await self.env.advance_time(step)
            seconds -= step

    def panel(self, channel: simcord.ChannelHandle | None = None) -> discord.Message:
        panels = [
            m
            for m in (channel or self.stage).history()
            if m.author.bot and m.embeds and m.embeds[0].footer.text == PANEL_FOOTER
        ]
        assert panels, "no panel posted"
        return panels[-1]

    def panels(self, channel: simcord.ChannelHandle | None = None) -> list[discord.Message]:
        return [
            m
            for m in (channel or self.stage).history()
            if m.author.bot and m.embeds and m.embeds[0].footer.text == PANEL_FOOTER
        ]

    def chat(self, channel: simcord.ChannelHandle | None = None) -> list[str]:
        return [m.content for m in (channel or self.stage).history() if m.author.bot and m.content]

    def dms(self, name: str) -> list[discord.Message]:
        """Messages the bot sent this person directly."""
        return [m for m in self.user(name).dm_channel.history() if m.author.bot]

    def user(self, name: str) -> simcord.UserHandle:
        return simcord.UserHandle(self.env, self.env.backend.get_user(self.people[name].id))

    def id(self, name: str) -> str:
        return str(self.people[name].id)

    def mention(self, name: str) -> str:
        return f"<@{self.people[name].id}>"

    async def status(self, channel: simcord.ChannelHandle | None = None) -> Any:
        from adapters.discord.runtime import room_key
        from core.commands import Actor, Status

        key = room_key(self.guild.id, (channel or self.stage).id)
        events = await self.app.service.handle(key, Status(Actor("observer", moderator=True)))
        return next(e for e in events if e.name == "status")


def bot_for(app: Any) -> StageBot:
    return StageBot(app, beat_seconds=1.0, poll_seconds=5.0, tick_seconds=5.0, retry_delay=1.0)


async def slash(world: World, name: str, command: str, channel: simcord.ChannelHandle | None = None, **options: Any):
    """Type /stage COMMAND as someone; return what only they see."""
    if command in PICKED_FROM_A_LIST and isinstance(options.get("member"), simcord.MemberActor):
        options["member"] = str(options["member"].id)  # picking them from the autocomplete list sends their id
    result = await world.people[name].slash(channel or world.stage, f"stage {command}", **options)
    await world.settle()
    return result


async def click(world: World, name: str, label: str, message: discord.Message | None = None):
    """Click a button (on the panel unless another message is given); return what only they see."""
    message = message or world.panel()
    clicker = world.user(name) if message.guild is None else world.people[name]  # a DM is clicked as a user
    result = await clicker.click(message, label=label)
    await world.settle()
    return result


async def pick(world: World, name: str, action: str, target: str, channel: simcord.ChannelHandle | None = None):
    """Use a moderator's member picker on the panel."""
    from adapters.discord.buttons import picker_id

    channel = channel or world.stage
    custom_id = picker_id(action, world.guild.id, channel.id)
    result = await world.people[name].select(world.panel(channel), [world.people[target]], custom_id=custom_id)
    await world.settle()
    return result


def said(result: Any) -> str:
    """The ephemeral answer's text."""
    assert result.response is not None, "the bot did not answer"
    assert result.ephemeral, "the answer was visible to everyone"
    return result.response.content or ""
