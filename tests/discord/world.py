"""A simulated Discord server for the adapter's tests: simcord, with stage voice states as Discord documents them.

simcord runs discord.py unmodified against an in-memory Discord. It stores
voice states but does not model what a stage channel does with them; this
module adds that, and it is the only place the tests touch simcord's backend
internals. Every rule below cites the line of Discord's docs it follows
(tests/data/platform/discord-stage-voice.md quotes them, from
discord/discord-api-docs `developers/resources/voice.mdx` and
`stage-instance.mdx` @ c98d64bc). A stage member's voice state is one of four
rows of that file's table:

| row | suppress | request_to_speak_timestamp |
|---|---|---|
| audience | true | null |
| hand (request to speak) | true | set |
| invited (prompt shown, not accepted) | false | set |
| speaker | false | null |

ASSUMPTIONS — behaviour the quoted docs do not state, modelled here and nowhere else:

- A1 Joining a stage channel makes you a listener: suppressed, no timestamp (the docs define a
  speaker and a listener but do not say which one a newcomer is; Discord's client shows newcomers
  in the audience).
- A2 Accepting the prompt is the person clearing their own timestamp through Modify Current User
  Voice State ("You can always clear your own request to speak"); declining it is suppressing
  themselves ("You can always suppress yourself") and leaves no timestamp, as a suppress by Modify
  User Voice State does.
- A3 A human moderator's "Invite to speak" and "Move to audience" in Discord's client do what Modify
  User Voice State does (the data file's Reading: the two "cannot be told apart from the voice
  state alone"); the update says nothing of who did it.
- A4 Everyone may request to speak (the REQUEST_TO_SPEAK permission is granted to @everyone).
- A5 A server mute belongs to the member, not the connection: it is on their voice state in any
  voice channel they connect to until someone lifts it (Guild Member `mute`: "whether the user is
  muted in voice channels").
- A6 "On the order of minutes" for the stage instance's auto-close is taken as AUTO_CLOSE_SECONDS.
- A8 simcord replaces discord.py's HTTPClient.request, so discord.py's own 429/5xx retries do not run
  here: an injected 429 stands for what discord.py raises once its own retries are spent.
- A7 Modify User Voice State ignores a `request_to_speak_timestamp` in its body (its documented
  body is `channel_id` and `suppress`); discord.py's Member.edit sends one.
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
PICKED_FROM_A_LIST = {"approve", "decline", "invite", "remove", "uninvite", "extend"}
MODERATOR_PERMISSIONS = discord.Permissions(manage_channels=True, mute_members=True, move_members=True)
AUTO_CLOSE_SECONDS = 300.0  # A6


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
    _quiet_since: float | None = None  # when the live stage last had no speaker

    def build(self) -> World:
        self.guild = self.env.create_guild("Community")
        self.stage = self.guild.create_stage_channel("town-hall")
        self.voice = self.guild.create_voice_channel("hangout")
        self.lobby = self.guild.create_text_channel("lobby")
        moderators = self.guild.create_role("Stage Team", permissions=MODERATOR_PERMISSIONS)
        admins = self.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
        # Mute Members alone lets Discord's client invite and mute, but is not a stage moderator (A3 of the rules).
        helpers = self.guild.create_role("Voice Helpers", permissions=discord.Permissions(mute_members=True))
        self.people["mo"] = self.guild.add_member(self.env.create_user("mo"), roles=[moderators])
        self.people["ada"] = self.guild.add_member(self.env.create_user("ada"), roles=[admins])
        for name in ("alex", "bea", "cy", "dee"):
            self.people[name] = self.guild.add_member(self.env.create_user(name))
        self.people["hal"] = self.guild.add_member(self.env.create_user("hal"), roles=[helpers])
        backend = self.env.backend
        self._set = backend.set_voice_state  # simcord's own write, under the rules below
        backend.set_voice_state = self._discord_rules  # type: ignore[method-assign]
        return self

    # -- Discord's documented stage behaviour, applied to every voice write --------------------------------
    def _is_stage(self, channel_id: int | None) -> bool:
        return channel_id == self.stage.id

    def _discord_rules(self, guild_id: int, user_id: int, channel_id: int | None, **flags: Any) -> VoiceState | None:
        """simcord's voice write as Discord does it: on connect, and for Modify (Current) User Voice State."""
        backend = self.env.backend
        state = backend.get_guild(guild_id).voice_states.get(user_id)
        if channel_id is not None and (state is None or state.channel_id != channel_id):
            member = backend.get_member(guild_id, user_id)
            flags["mute"] = bool(member.mute)  # A5: the server mute comes along
            flags["suppress"] = self._is_stage(channel_id)  # A1: a newcomer is a listener
            flags["request_to_speak_timestamp"] = None
        elif "suppress" in flags and state is not None and self._is_stage(state.channel_id):
            flags.pop("request_to_speak_timestamp", None)  # A7
            bot = backend.get_user(user_id).bot
            if flags["suppress"]:
                # "When suppressed, the user will have their request_to_speak_timestamp removed."
                flags["request_to_speak_timestamp"] = None
            else:
                # "When unsuppressed, non-bot users will have their request_to_speak_timestamp set to the
                # current time. Bot users will not."
                flags["request_to_speak_timestamp"] = None if bot else self.env.now().isoformat()
        return self._set(guild_id, user_id, channel_id, **flags)

    def _own(self, name: str, **flags: Any) -> None:
        """Modify Current User Voice State, as the person's own client does it (no rule rewrites it)."""
        state = self._state(name)
        assert state is not None, f"{name} is not connected"
        self._set(self.guild.id, self.people[name].id, state.channel_id, **flags)

    def _can_mute(self, name: str) -> bool:
        # "You must have the MUTE_MEMBERS permission." (Modify User Voice State; also unsuppressing yourself)
        member = self.env.backend.get_member(self.guild.id, self.people[name].id)
        roles = self.env.backend.get_guild(self.guild.id).roles
        return any(discord.Permissions(roles[r].permissions).mute_members for r in member.role_ids if r in roles)

    def _state(self, name: str) -> VoiceState | None:
        return self.env.backend.get_guild(self.guild.id).voice_states.get(self.people[name].id)

    def row(self, name: str) -> str:
        """Which of the four rows a stage member's voice state is in (discord-stage-voice.md's table)."""
        state = self._state(name)
        assert state is not None and self._is_stage(state.channel_id), f"{name} is not on the stage channel"
        raised = state.request_to_speak_timestamp is not None
        if state.suppress:
            return "hand" if raised else "audience"
        # "A participant of a Stage channel is a speaker when their voice state is not suppressed, and has no
        # request_to_speak_timestamp."
        return "invited" if raised else "speaker"

    @property
    def speak_invitations(self) -> set[int]:
        """Who Discord shows the invitation-to-speak prompt to now (suppress false with a timestamp)."""
        states = self.env.backend.get_guild(self.guild.id).voice_states.values()
        return {
            s.user_id
            for s in states
            if self._is_stage(s.channel_id) and not s.suppress and s.request_to_speak_timestamp is not None
        }

    # -- people using Discord's own controls --------------------------------------------------------------
    async def connect(self, name: str, channel: simcord.ChannelHandle | None = None) -> None:
        channel = channel or self.stage
        # People here connect with their own mic muted (a choice of these tests, not a Discord rule), so a mic
        # is live only when a test turns it on (C5).
        self.env.backend.set_voice_state(self.guild.id, self.people[name].id, channel.id, self_mute=True)
        await self.settle()

    async def disconnect(self, name: str) -> None:
        await self.people[name].leave_voice()
        await self.settle()

    async def raise_hand(self, name: str) -> None:
        """Request to speak (A4): suppressed, with a timestamp."""
        assert self.row(name) == "audience", f"{name} is {self.row(name)}"
        self._own(name, request_to_speak_timestamp=self.env.now().isoformat())
        await self.settle()

    async def lower_hand(self, name: str) -> None:
        """ "You can always clear your own request to speak."""
        assert self.row(name) == "hand", f"{name} is {self.row(name)}"
        self._own(name, request_to_speak_timestamp=None)
        await self.settle()

    async def accept_speak(self, name: str) -> None:
        """Accept Discord's invitation-to-speak prompt (A2): the timestamp goes, suppress stays false."""
        assert self.row(name) == "invited", f"{name} has no invitation to speak from Discord ({self.row(name)})"
        self._own(name, request_to_speak_timestamp=None)
        await self.settle()

    async def decline_speak(self, name: str) -> None:
        """Decline Discord's prompt (A2): "You can always suppress yourself"; no timestamp is left."""
        assert self.row(name) == "invited", f"{name} has no invitation to speak from Discord ({self.row(name)})"
        self._own(name, suppress=True, request_to_speak_timestamp=None)
        await self.settle()

    def declines_unseen(self, name: str) -> None:
        """Decline Discord's prompt (A2) while the bot is away: no gateway event reaches it."""
        assert self.row(name) == "invited", f"{name} has no invitation to speak from Discord ({self.row(name)})"
        backend, user_id = self.env.backend, self.people[name].id
        state = backend.prepare_voice_state(
            self.guild.id, user_id, self.stage.id, suppress=True, request_to_speak_timestamp=None
        )
        assert state is not None
        backend.commit_voice_state(state, broadcast=False)

    async def become_speaker(self, name: str) -> None:
        """A member un-suppressing themselves: "You must have the MUTE_MEMBERS permission to unsuppress yourself"."""
        assert self._can_mute(name), f"{name} lacks Mute Members"
        self._own(name, suppress=False, request_to_speak_timestamp=None)
        await self.settle()

    async def invite_to_speak(self, moderator: str, name: str) -> None:
        """A member's own "Invite to speak" in Discord (A3): Modify User Voice State with suppress false."""
        assert self._can_mute(moderator), f"{moderator} lacks Mute Members"  # "You must have the MUTE_MEMBERS ..."
        state = self._state(name)
        assert state is not None
        self.env.backend.set_voice_state(self.guild.id, self.people[name].id, state.channel_id, suppress=False)
        await self.settle()

    async def move_to_audience(self, moderator: str, name: str) -> None:
        """A member's own "Move to audience" in Discord (A3): Modify User Voice State with suppress true."""
        assert self._can_mute(moderator), f"{moderator} lacks Mute Members"
        state = self._state(name)
        assert state is not None
        self.env.backend.set_voice_state(self.guild.id, self.people[name].id, state.channel_id, suppress=True)
        await self.settle()

    async def server_mute(self, moderator: str, name: str, on: bool = True) -> None:
        """A member's own "Server Mute" / "Server Unmute" in Discord (needs Mute Members); it stays with them (A5)."""
        assert self._can_mute(moderator), f"{moderator} lacks Mute Members"
        self.env.backend.edit_member(self.guild.id, self.people[name].id, {"mute": on})
        await self.settle()

    async def moderator_sets(self, name: str, **flags: bool) -> None:
        """mo uses Discord's own control for one flag: suppress (stage) or mute (voice)."""
        ((flag, value),) = flags.items()
        if flag == "suppress":
            await (self.move_to_audience if value else self.invite_to_speak)("mo", name)
        else:
            assert flag == "mute", flag
            await self.server_mute("mo", name, value)

    async def unmute_self(self, name: str) -> None:
        await self.people[name].set_voice(self_mute=True)
        await self.people[name].set_voice(self_mute=False)
        await self.settle()

    async def mute_self(self, name: str, on: bool = True) -> None:
        await self.people[name].set_voice(self_mute=on)
        await self.settle()

    async def camera(self, name: str, on: bool = True) -> None:
        self._own(name, self_video=on)
        await self.settle()

    def speaking(self, name: str) -> bool:
        """Say whether Discord lets this person speak now (stage: a speaker; voice: not server-muted)."""
        state = self._state(name)
        assert state is not None, f"{name} is not connected"
        if self._is_stage(state.channel_id):
            return self.row(name) == "speaker"
        return not state.mute

    def muted(self, name: str) -> bool:
        """Say whether this member has a server mute (whatever channel they are in)."""
        return bool(self.env.backend.get_member(self.guild.id, self.people[name].id).mute)

    # -- the stage instance ----------------------------------------------------------------------------------
    def _auto_close(self) -> None:
        """ "When a Stage channel has no speakers for a certain period of time (on the order of minutes), the
        Stage instance will be automatically deleted." (A6 for the period)"""
        backend = self.env.backend
        if self.stage.id not in backend.stage_instances:
            self._quiet_since = None
            return
        states = backend.get_guild(self.guild.id).voice_states.values()
        speakers = [
            s for s in states if self._is_stage(s.channel_id) and not s.suppress and not s.request_to_speak_timestamp
        ]
        now = self.env.now().timestamp()
        if speakers:
            self._quiet_since = None
        elif self._quiet_since is None:
            self._quiet_since = now
        elif now - self._quiet_since >= AUTO_CLOSE_SECONDS:
            self._quiet_since = None
            backend.delete_stage_instance(self.stage.id)

    # -- the bot's side ----------------------------------------------------------------------------------
    async def settle(self, seconds: float = 1.2) -> None:
        """Let the bot deliver events, enforce voice states and edit the panel."""
        # simcord gives one advance a few real seconds; long waits go a minute at a time.
        while seconds > 0:
            step = min(seconds, 60.0)
            self._auto_close()
            await self.env.advance_time(step)
            seconds -= step
        self._auto_close()

    def panel(self, channel: simcord.ChannelHandle | None = None) -> discord.Message:
        panels = self.panels(channel)
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
    return StageBot(app, beat_seconds=1.0, poll_seconds=5.0, tick_seconds=5.0)


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
