"""The /stage command group: the rulebook's subcommands, answered only to the person who typed."""

from __future__ import annotations

from collections.abc import Callable

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord import export as records
from adapters.discord import replies, selfjoin, targets
from adapters.discord.actions import act, answer, defer, member_in, room_of
from adapters.discord.enforce import Enforcer
from adapters.discord.kit import Message, place_for
from adapters.discord.roster import status_embed
from adapters.discord.runtime import Runtime, room_key
from core import commands as c
from core import events as ev
from core.limits import CAMERAS, CAPACITY, COOLDOWN, EXPIRY, EXTEND_HIGH, EXTEND_LOW, NAME_LIMIT, NOTE_LIMIT, TURN

# The ranges Discord checks before a setting reaches the core: the core's own.

MODES = [
    app_commands.Choice(name="Everyone on stage (open)", value="open"),
    app_commands.Choice(name="Join by request (request)", value="request"),
    app_commands.Choice(name="Invite only (invite)", value="invite"),
]
DEFAULTS = MODES + [
    app_commands.Choice(name="Preset: event (everyone on stage)", value="event"),
    app_commands.Choice(name="Preset: webinar (join by request)", value="webinar"),
]
HAND = [app_commands.Choice(name="raise", value="raise"), app_commands.Choice(name="lower", value="lower")]
LIST_CHANGE = [app_commands.Choice(name="add", value="add"), app_commands.Choice(name="remove", value="remove")]
SWITCH = [app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
ORDER = [
    app_commands.Choice(name="In the order they asked (asked)", value="asked"),
    app_commands.Choice(name="Least time on stage this session first (fair)", value="fair"),
]
SCOPES = [
    app_commands.Choice(name="This channel (channel)", value="channel"),
    app_commands.Choice(name="Every stage and voice channel in the server (server)", value="server"),
]
SCOPE_HELP = "channel: only this one (the default); server: every stage/voice channel without its own value"
Scope = app_commands.Choice[str] | None
# A person a moderator acts on: the id of a choice picked from the list, or a typed mention or name.
Target = app_commands.Range[str, 0, NAME_LIMIT]
Build = Callable[[c.Actor], c.Command]


@app_commands.guild_only()
class StageCommands(
    commands.GroupCog, group_name="stage", group_description="Run the stage of a voice or stage channel"
):
    """/stage SUBCOMMAND, typed in the chat of a stage or voice channel (or while connected to one)."""

    def __init__(self, runtime: Runtime, enforcer: Enforcer) -> None:
        self.runtime = runtime
        self.enforcer = enforcer
        super().__init__()

    async def _run(
        self,
        interaction: discord.Interaction,
        build: Build,
        target: discord.abc.User | None = None,
        needs_connection: bool = False,
    ) -> None:
        channel = room_of(interaction)
        if channel is None:
            await answer(interaction, replies.wrong_channel())
            return
        await act(self.runtime, interaction, channel, build, target=target, needs_connection=needs_connection)

    async def _on_typed(
        self, interaction: discord.Interaction, kind: type[c.Targeted], typed: str, **extra: str | None
    ) -> None:
        """Act on the member a target option names (picked from its list, or typed)."""
        channel = room_of(interaction)
        if channel is None:
            await answer(interaction, replies.wrong_channel())
            return
        await defer(interaction)  # finding the member may ask Discord
        member = await targets.resolve(channel, typed)
        if member is None:
            await answer(interaction, replies.no_such_member(typed, place_for(channel)))
            return
        await self._on(interaction, kind, member, **extra)

    async def _on(
        self, interaction: discord.Interaction, kind: type[c.Targeted], member: discord.Member, **extra: str | None
    ) -> None:
        is_bot = member.bot or self.runtime.is_me(member.id)
        await self._run(
            interaction, lambda a: kind(a, target=str(member.id), target_is_bot=is_bot, **extra), target=member
        )

    # -- sessions (moderators) ----------------------------------------------------------------------
    @app_commands.command(name="start", description="Start a session (moderators)")
    @app_commands.describe(mode="How people get on stage; the channel's default when left out")
    @app_commands.choices(mode=MODES)
    async def start(self, interaction: discord.Interaction, mode: app_commands.Choice[str] | None = None) -> None:
        await self._run(interaction, lambda a: c.StartSession(a, mode.value if mode else None))

    @app_commands.command(name="end", description="End the session: everyone back to the audience (moderators)")
    async def end(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, lambda a: c.EndSession(a))

    @app_commands.command(name="mode", description="Change how people get on stage (moderators)")
    @app_commands.describe(mode="How people get on stage from now on")
    @app_commands.choices(mode=MODES)
    async def mode(self, interaction: discord.Interaction, mode: app_commands.Choice[str]) -> None:
        await self._run(interaction, lambda a: c.ChangeMode(a, mode.value))

    # -- channel and server-wide defaults (admins) ---------------------------------------------------
    @app_commands.command(name="default", description="Set the mode sessions start in (admins)")
    @app_commands.describe(mode="The mode, or a preset that sets it", scope=SCOPE_HELP)
    @app_commands.choices(mode=DEFAULTS, scope=SCOPES)
    async def default(
        self, interaction: discord.Interaction, mode: app_commands.Choice[str], scope: Scope = None
    ) -> None:
        await self._run(interaction, lambda a: c.SetDefaultMode(a, mode.value, workspace=server_wide(scope)))

    @app_commands.command(name="capacity", description="Set how many people fit on stage (admins)")
    @app_commands.describe(people="How many people may be on stage at once", scope=SCOPE_HELP)
    @app_commands.choices(scope=SCOPES)
    async def capacity(
        self,
        interaction: discord.Interaction,
        people: app_commands.Range[int, CAPACITY.low, CAPACITY.high],
        scope: Scope = None,
    ) -> None:
        await self._run(interaction, lambda a: c.SetCapacity(a, str(people), workspace=server_wide(scope)))

    @app_commands.command(name="cameras", description="Set how many on stage are on camera (admins)")
    @app_commands.describe(slots="How many people on stage may be on camera", scope=SCOPE_HELP)
    @app_commands.choices(scope=SCOPES)
    async def cameras(
        self,
        interaction: discord.Interaction,
        slots: app_commands.Range[int, CAMERAS.low, CAMERAS.high],
        scope: Scope = None,
    ) -> None:
        await self._run(interaction, lambda a: c.SetCameras(a, str(slots), workspace=server_wide(scope)))

    @app_commands.command(name="cooldown", description="Seconds a declined person waits before asking again (admins)")
    @app_commands.describe(seconds="Seconds to wait after a declined request (0: ask again at once)", scope=SCOPE_HELP)
    @app_commands.choices(scope=SCOPES)
    async def cooldown(
        self,
        interaction: discord.Interaction,
        seconds: app_commands.Range[int, COOLDOWN.low, COOLDOWN.high],
        scope: Scope = None,
    ) -> None:
        await self._run(interaction, lambda a: c.SetCooldown(a, str(seconds), workspace=server_wide(scope)))

    @app_commands.command(name="expiry", description="Seconds before an unanswered invitation expires (admins)")
    @app_commands.describe(seconds="Seconds an invitation stays open unanswered", scope=SCOPE_HELP)
    @app_commands.choices(scope=SCOPES)
    async def expiry(
        self,
        interaction: discord.Interaction,
        seconds: app_commands.Range[int, EXPIRY.low, EXPIRY.high],
        scope: Scope = None,
    ) -> None:
        await self._run(interaction, lambda a: c.SetExpiry(a, str(seconds), workspace=server_wide(scope)))

    @app_commands.command(name="moderators", description="Add or remove a moderator of this channel or server (admins)")
    @app_commands.describe(
        action="Add them to the moderators, or take them off",
        member="The member who moderates (or no longer does)",
        scope="channel: only this one (the default); server: every stage/voice channel",
    )
    @app_commands.choices(action=LIST_CHANGE, scope=SCOPES)
    async def moderators(
        self,
        interaction: discord.Interaction,
        action: app_commands.Choice[str],
        member: discord.Member,
        scope: Scope = None,
    ) -> None:
        kind = c.AddModerator if action.value == "add" else c.RemoveModerator
        is_bot = member.bot or self.runtime.is_me(member.id)
        await self._run(
            interaction,
            lambda a: kind(a, target=str(member.id), target_is_bot=is_bot, workspace=server_wide(scope)),
            target=member,
        )

    # -- participants -----------------------------------------------------------------------------------
    @app_commands.command(name="join", description="Join the stage (open mode, an invitation, or moderators)")
    async def join(self, interaction: discord.Interaction) -> None:
        channel = room_of(interaction)
        if channel is None:
            await answer(interaction, replies.wrong_channel())
            return
        await selfjoin.join(self.runtime, self.enforcer, interaction, channel)

    @app_commands.command(name="ask", description="Ask to join the stage")
    @app_commands.describe(note="What you want to say (optional, shown to moderators)")
    async def ask(
        self, interaction: discord.Interaction, note: app_commands.Range[str, 0, NOTE_LIMIT] | None = None
    ) -> None:
        await self._run(interaction, lambda a: c.AskToJoin(a, note))

    @app_commands.command(name="cancel", description="Cancel your request to join the stage")
    async def cancel(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, lambda a: c.CancelRequest(a))

    @app_commands.command(name="hand", description="Raise or lower your hand (moderators may lower anyone's)")
    @app_commands.describe(
        action="Raise (the default) or lower", member="Moderators: whose hand to lower; leave out for your own"
    )
    @app_commands.choices(action=HAND)
    async def hand(
        self,
        interaction: discord.Interaction,
        action: app_commands.Choice[str] | None = None,
        member: discord.Member | None = None,
    ) -> None:
        if action is None or action.value == "raise":
            await self._run(interaction, lambda a: c.RaiseHand(a))
        else:
            await self._run(interaction, lambda a: c.LowerHand(a, str(member.id) if member else None))

    @app_commands.command(name="status", description="Show the stage: mode, who is on it, requests and hands")
    async def status(self, interaction: discord.Interaction) -> None:
        channel = room_of(interaction)
        if channel is None:
            await answer(interaction, replies.wrong_channel())
            return
        await defer(interaction)
        place = place_for(channel)
        member = await member_in(interaction, channel.guild)
        if member is None:
            await answer(interaction, replies.not_a_member(place))
            return
        actor = self.runtime.actor(member, channel)
        events = await self.runtime.handle(room_key(channel.guild.id, channel.id), c.Status(actor))
        status = next(e for e in events if isinstance(e, ev.StatusReply))
        embed = status_embed(status, place, title=f"Stage · {channel.name}")
        await answer(interaction, Message(embed=embed))

    # -- moderators acting on someone ------------------------------------------------------------------
    @app_commands.command(name="approve", description="Bring someone who asked to the stage (moderators)")
    @app_commands.describe(member="Whose request: pick from the queue as you type")
    async def approve(self, interaction: discord.Interaction, member: Target) -> None:
        await self._on_typed(interaction, c.BringToStage, member)

    @approve.autocomplete("member")
    async def _queue(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await targets.suggest(self.runtime, interaction, current, "queue")

    @app_commands.command(name="decline", description="Decline a request (moderators), or your own invitation")
    @app_commands.describe(
        member="Whose request (pick from the queue as you type); leave out to decline your own invitation",
        reason="Why (optional, shown to them)",
    )
    async def decline(
        self,
        interaction: discord.Interaction,
        member: Target | None = None,
        reason: app_commands.Range[str, 0, NOTE_LIMIT] | None = None,
    ) -> None:
        if member is None:
            await self._run(interaction, lambda a: c.DeclineInvitation(a))
            return
        await self._on_typed(interaction, c.DeclineRequest, member, reason=reason)

    @decline.autocomplete("member")
    async def _declinable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await targets.suggest(self.runtime, interaction, current, "queue")

    @app_commands.command(name="invite", description="Invite someone on stage (moderators)")
    @app_commands.describe(member="Whom to invite: pick from the people in the channel (raised hands first)")
    async def invite(self, interaction: discord.Interaction, member: Target) -> None:
        await self._on_typed(interaction, c.Invite, member)

    @invite.autocomplete("member")
    async def _audience(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await targets.suggest(self.runtime, interaction, current, "audience")

    @app_commands.command(name="remove", description="Move someone from the stage to the audience (moderators)")
    @app_commands.describe(member="Whom to move to the audience: pick from the stage as you type")
    async def remove(self, interaction: discord.Interaction, member: Target) -> None:
        await self._on_typed(interaction, c.RemoveFromStage, member)

    @remove.autocomplete("member")
    async def _stage(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await targets.suggest(self.runtime, interaction, current, "stage")

    # -- running the line and timed turns (moderators; the settings: admins) ------------------------------
    @app_commands.command(name="next", description="Serve the head of the line: first request, else earliest hand")
    async def next_speaker(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, lambda a: c.NextSpeaker(a))

    @app_commands.command(name="uninvite", description="Withdraw someone's pending invitation (moderators)")
    @app_commands.describe(member="Whose invitation: pick from the people invited as you type")
    async def uninvite(self, interaction: discord.Interaction, member: Target) -> None:
        await self._on_typed(interaction, c.Uninvite, member)

    @uninvite.autocomplete("member")
    async def _invited(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await targets.suggest(self.runtime, interaction, current, "invited")

    @app_commands.command(name="hands-down", description="Lower every raised hand (moderators)")
    async def hands_down(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, lambda a: c.LowerAllHands(a))

    @app_commands.command(name="extend", description="Give someone on stage more time in their turn (moderators)")
    @app_commands.describe(
        member="Whose turn: pick from the stage as you type", seconds="Seconds to add to their turn (1-86400)"
    )
    async def extend(
        self,
        interaction: discord.Interaction,
        member: Target,
        seconds: app_commands.Range[int, EXTEND_LOW, EXTEND_HIGH],
    ) -> None:
        await self._on_typed(interaction, c.ExtendTurn, member, seconds=str(seconds))

    @extend.autocomplete("member")
    async def _speakers(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await targets.suggest(self.runtime, interaction, current, "stage")

    @app_commands.command(name="stats", description="Time on stage, joins, requests and waits (moderators)")
    async def stats(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, lambda a: c.Stats(a))

    @app_commands.command(name="export", description="Download this channel's records as CSV and JSON (admins)")
    @app_commands.describe(days="Only the last N days (leave out for everything recorded)")
    async def export(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, records.MIN_DAYS, records.MAX_DAYS] | None = None,
    ) -> None:
        channel = room_of(interaction)
        if channel is None:
            await answer(interaction, replies.wrong_channel())
            return
        await records.export(self.runtime, interaction, channel, days)

    # Discord lets a group hold 25 subcommands: the line's settings share one subgroup, /stage line ….
    line = app_commands.Group(name="line", description="How the line runs: turn length, auto-advance, order (admins)")

    @line.command(name="turn", description="Set how long a turn on stage lasts (admins)")
    @app_commands.describe(
        seconds="Seconds a non-moderator may speak (0: no limit); warned 30 s before", scope=SCOPE_HELP
    )
    @app_commands.choices(scope=SCOPES)
    async def turn(
        self,
        interaction: discord.Interaction,
        seconds: app_commands.Range[int, TURN.low, TURN.high],
        scope: Scope = None,
    ) -> None:
        await self._run(interaction, lambda a: c.SetTurn(a, str(seconds), workspace=server_wide(scope)))

    @line.command(name="advance", description="Bring the next in line up when a place frees (admins)")
    @app_commands.describe(switch="on: a place freed by a turn's end or a removal goes to the next", scope=SCOPE_HELP)
    @app_commands.choices(switch=SWITCH, scope=SCOPES)
    async def advance(
        self, interaction: discord.Interaction, switch: app_commands.Choice[str], scope: Scope = None
    ) -> None:
        await self._run(interaction, lambda a: c.SetAdvance(a, switch.value, workspace=server_wide(scope)))

    @line.command(name="order", description="Set the order requests are served in (admins)")
    @app_commands.describe(order="asked: asking time; fair: least time on stage this session first", scope=SCOPE_HELP)
    @app_commands.choices(order=ORDER, scope=SCOPES)
    async def order(
        self, interaction: discord.Interaction, order: app_commands.Choice[str], scope: Scope = None
    ) -> None:
        await self._run(interaction, lambda a: c.SetOrder(a, order.value, workspace=server_wide(scope)))


def server_wide(scope: Scope) -> bool:
    """Say whether an admin chose the whole server rather than this channel."""
    return scope is not None and scope.value == "server"
