"""Clicks on the panel, invitation and get-ready buttons, handed over by the items in buttons.py.

The room and the target come from the button; whether the clicker may act comes
from Discord at the moment of the click (A3).
"""

from __future__ import annotations

from collections.abc import Callable

import discord

from adapters.discord import forms, replies
from adapters.discord.actions import act, answer, connected, defer, member_in
from adapters.discord.buttons import Click
from adapters.discord.enforce import Enforcer
from adapters.discord.failures import answer_failure
from adapters.discord.kit import Message, place_for
from adapters.discord.notices import error_words, note_answer
from adapters.discord.runtime import RoomChannel, Runtime, is_room_channel, room_key
from adapters.discord.selfjoin import join
from core import commands as c
from core import events as ev
from core.errors import NotModerator
from core.room import RoomKey

PERSONAL: dict[str, Callable[[c.Actor], c.Command]] = {
    "ask": lambda a: c.AskToJoin(a),
    "cancel": lambda a: c.CancelRequest(a),
    "hand": lambda a: c.RaiseHand(a),
    "lower": lambda a: c.LowerHand(a),
    "decinv": lambda a: c.DeclineInvitation(a),
    "next": lambda a: c.NextSpeaker(a),
    "handsdown": lambda a: c.LowerAllHands(a),
}
ON_SOMEONE: dict[str, type[c.Targeted]] = {
    "bring": c.BringToStage,
    "decline": c.DeclineRequest,
    "invite": c.Invite,
    "remove": c.RemoveFromStage,
    "uninvite": c.Uninvite,
    "extend": c.ExtendTurn,
}


# Joining needs who is connected to the voice channel, which only the gateway of the server's shard tells.
NEEDS_VOICE = ("join", "ready")


async def fetch_room(bot: discord.Client, key: RoomKey) -> RoomChannel | None:
    """Read a room's server (its roles) and channel (its overwrites) over HTTP; voice states are not there."""
    try:
        guild = await bot.fetch_guild(int(key.workspace))
        channel = await guild.fetch_channel(int(key.channel))
    except (discord.NotFound, discord.Forbidden):
        return None
    return channel if is_room_channel(channel) else None


class Clicks:
    """The bot's click handler."""

    def __init__(self, runtime: Runtime, enforcer: Enforcer) -> None:
        self.runtime = runtime
        self.enforcer = enforcer

    async def __call__(self, interaction: discord.Interaction, click: Click) -> None:
        """Handle a click; any failure is answered to the clicker (discord.py would only log it)."""
        try:
            await self._handle(interaction, click)
        except Exception as error:
            await answer_failure(interaction, error)

    async def _handle(self, interaction: discord.Interaction, click: Click) -> None:
        """Handle a click: the room and the target come from the button, the permission from Discord now."""
        runtime = self.runtime
        key = room_key(click.guild_id, click.channel_id)
        channel = runtime.channel_for(key)
        # A DM's click reaches shard 0 only (Discord sends events without a guild there), so a server another
        # process's shards serve is not in this process's cache; HTTP is not sharded, so read it from there.
        # The command goes through the store like any other, and the server's own process delivers its events.
        foreign = channel is None and runtime.owns is not None and not runtime.owns(key)
        if foreign and click.action not in NEEDS_VOICE:
            channel = await fetch_room(runtime.bot, key)
        if channel is None:
            await answer(interaction, replies.other_process() if foreign else replies.unknown_room())
            return
        place = place_for(channel)
        action, user_id = click.action, click.user_id
        if action == "decline" and user_id is not None and await self._moderates(channel, interaction):
            # A form must be the first answer, so it opens before anything reads the store.
            await interaction.response.send_modal(DeclineModal(runtime, channel, user_id))
            return
        await defer(interaction)  # everything below reads or writes the store
        if action == "join" and not place.stage and await self._may_get_ready(channel, interaction):
            # J1: a voice channel has no accept prompt of its own, so show the get-ready step first.
            if not connected(channel, interaction.user.id):
                await answer(interaction, replies.not_connected(place))
            else:
                await answer(interaction, forms.get_ready(place))
            return
        if action in ("join", "ready"):
            await join(runtime, self.enforcer, interaction, channel)
        elif action == "note" and user_id is not None:
            await self._show_note(interaction, channel, user_id)
        elif action in PERSONAL:
            await act(runtime, interaction, channel, PERSONAL[action])
        elif action in ON_SOMEONE and user_id is not None:
            await self._on_someone(interaction, channel, ON_SOMEONE[action], user_id, click.seconds)
        else:
            await answer(interaction, replies.stale_button())

    async def _on_someone(
        self,
        interaction: discord.Interaction,
        channel: RoomChannel,
        kind: type[c.Targeted],
        user_id: int,
        seconds: int | None = None,
    ) -> None:
        target: discord.abc.User
        try:
            target = channel.guild.get_member(user_id) or await self.runtime.bot.fetch_user(user_id)
        except discord.NotFound:
            await answer(interaction, replies.account_gone())
            return
        is_bot = target.bot or self.runtime.is_me(user_id)
        extra = {"seconds": str(seconds)} if seconds is not None else {}
        await act(
            self.runtime,
            interaction,
            channel,
            lambda a: kind(a, target=str(user_id), target_is_bot=is_bot, **extra),
            target=target,
        )

    async def _show_note(self, interaction: discord.Interaction, channel: RoomChannel, user_id: int) -> None:
        """J2: show a moderator, only them, what a requester wrote for the moderators (A3 checked now)."""
        member = await member_in(interaction, channel.guild)
        place = place_for(channel)
        if member is None:
            await answer(interaction, replies.not_a_member(place))
            return
        actor = self.runtime.actor(member, channel)
        if not actor.moderator:
            refusal = ev.ErrorReply.of(actor.user, NotModerator(action="read requests' notes"))
            await answer(interaction, Message(content=error_words(refusal, place)))
            return
        status = await self.runtime.snapshot(room_key(channel.guild.id, channel.id), moderator=True)
        request = next((item for item in status.requests if item["user"] == str(user_id)), None)
        await answer(interaction, note_answer(actor.user, request, str(user_id), place))

    async def _may_get_ready(self, channel: RoomChannel, interaction: discord.Interaction) -> bool:
        """Say whether a join looks welcome; otherwise the join runs at once and the core says why not."""
        status = await self.runtime.snapshot(room_key(channel.guild.id, channel.id))
        user = str(interaction.user.id)
        clicker = interaction.user
        moderator = isinstance(clicker, discord.Member) and self.runtime.actor(clicker, channel).moderator
        return status.live and (status.mode == "open" or user in status.invitations or moderator)

    async def _moderates(self, channel: RoomChannel, interaction: discord.Interaction) -> bool:
        """Say whether Discord makes the clicker a moderator (others get the core's answer at once)."""
        member = await member_in(interaction, channel.guild)
        return member is not None and self.runtime.actor(member, channel).moderator


class DeclineModal(discord.ui.Modal):
    """J5: decline from the panel, optionally saying why."""

    def __init__(self, runtime: Runtime, channel: RoomChannel, user_id: int) -> None:
        super().__init__(title=forms.DECLINE_TITLE)
        self.runtime, self.channel, self.user_id = runtime, channel, user_id
        self.reason = forms.decline_reason_input()
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Decline with the reason given; who submitted is checked again now (A3)."""
        reason = self.reason.value or None
        target = str(self.user_id)
        await act(self.runtime, interaction, self.channel, lambda a: c.DeclineRequest(a, target=target, reason=reason))

    # Modal.on_error has no item argument: discord.py's Modal narrows BaseView's signature the same way.
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        """Tell the moderator, only them, that the decline failed and what to do."""
        await answer_failure(interaction, error)
