"""The control panel: one message per room, edited in place, one edit per burst of changes.

Clicks on its buttons (and on invitation and get-ready buttons) arrive here
through the persistent items in buttons.py.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from adapters.discord import render
from adapters.discord.actions import act, answer, connected, member_in, names_in
from adapters.discord.enforce import is_transient, place_for
from adapters.discord.runtime import room_key
from core import commands as c
from core.room import RoomKey

if TYPE_CHECKING:
    from adapters.discord.runtime import RoomChannel, Runtime

log = logging.getLogger(__name__)


class PanelKeeper:
    """Keep each room's panel true, without ever hitting Discord's rate limits."""

    def __init__(self, runtime: Runtime, attempts: int = 6) -> None:
        self.runtime = runtime
        self.attempts = attempts
        self.messages: dict[RoomKey, int] = {}
        self._searched: set[RoomKey] = set()
        self._fetched: dict[str, str] = {}
        self._dirty: set[RoomKey] = set()
        self._backoff: dict[RoomKey, tuple[int, float]] = {}  # failures so far, when to try again

    def touch(self, key: RoomKey) -> None:
        """Say that a room's panel is out of date; the next beat of the panel clock shows it."""
        self._dirty.add(key)

    async def beat(self) -> None:
        """Refresh every out-of-date panel once: all changes since the last beat share one edit."""
        now = asyncio.get_running_loop().time()
        for key in list(self._dirty):
            if self._backoff.get(key, (0, 0.0))[1] > now:
                continue
            self._dirty.discard(key)
            try:
                await self.refresh(key)
            except discord.HTTPException as error:
                if not is_transient(error):
                    log.warning("the panel of %s cannot be shown: %s", key, error)
                    continue
                failures = self._backoff.get(key, (0, 0.0))[0] + 1
                self._backoff[key] = (failures, now + min(2.0 ** (failures - 1), 30.0))
                self._dirty.add(key)  # Discord is busy: show the latest state after the back-off
            except Exception:
                log.exception("refreshing the panel of %s failed", key)
            else:
                self._backoff.pop(key, None)

    async def refresh(self, key: RoomKey) -> None:
        """Show the room as it is now, editing the panel in place (or posting it when it cannot be)."""
        channel = self.runtime.channel_for(key)
        if channel is not None:
            await self._show(key, channel, await self._render(key, channel))

    async def _render(self, key: RoomKey, channel: RoomChannel) -> render.Message:
        status = await self.runtime.snapshot(key, moderator=False)
        people = status.on_stage + [r["user"] for r in status.requests] + status.invitations + status.hands
        warnings = list(self.runtime.enforcer.warnings.get(key, {}).values())
        return render.panel(status, place_for(channel), channel.name, await self._names(channel, people), warnings)

    async def _names(self, channel: RoomChannel, users: list[str]) -> dict[str, str]:
        """Display names for button labels; members Discord has not sent yet are fetched once."""
        names = names_in(channel, users)
        for user in users:
            if user in names or not user.isdigit():
                continue
            if user not in self._fetched:
                try:
                    self._fetched[user] = (await channel.guild.fetch_member(int(user))).display_name
                except discord.HTTPException:
                    self._fetched[user] = user
            names[user] = self._fetched[user]
        return names

    async def _show(self, key: RoomKey, channel: RoomChannel, message: render.Message) -> None:
        message_id = self.messages.get(key) or await self._find(key, channel)
        if message_id is not None:
            try:
                await channel.get_partial_message(message_id).edit(**message.kwargs())
                self.messages[key] = message_id
                return
            except (discord.NotFound, discord.Forbidden) as gone:
                # Deleted, or no longer ours to edit: post a new panel.
                log.info("panel %s of %s cannot be edited (%s); posting it again", message_id, key, gone.code)
        sent = await channel.send(**message.kwargs())
        self.messages[key] = sent.id

    async def _find(self, key: RoomKey, channel: RoomChannel) -> int | None:
        """After a restart, find the panel the bot posted before, so it is edited rather than repeated."""
        if key in self._searched:
            return None
        self._searched.add(key)
        me = self.runtime.bot.user
        try:
            async for message in channel.history(limit=50):
                if message.author == me and message.embeds and message.embeds[0].footer.text == render.PANEL_FOOTER:
                    return message.id
        except discord.HTTPException:
            return None
        return None


# -- clicks ------------------------------------------------------------------------------------------

PERSONAL = {
    "ask": lambda a: c.AskToJoin(a),
    "cancel": lambda a: c.CancelRequest(a),
    "hand": lambda a: c.RaiseHand(a),
    "lower": lambda a: c.LowerHand(a),
    "decinv": lambda a: c.DeclineInvitation(a),
}
ON_SOMEONE = {
    "bring": c.BringToStage,
    "decline": c.DeclineRequest,
    "invite": c.Invite,
    "remove": c.RemoveFromStage,
}


async def clicked(
    interaction: discord.Interaction, action: str, guild_id: int, channel_id: int, user_id: int | None
) -> None:
    """Handle a click: the room and the target come from the button, the permission from Discord now."""
    runtime: Runtime = interaction.client.runtime  # type: ignore[attr-defined]
    channel = runtime.channel_for(room_key(guild_id, channel_id))
    if channel is None:
        await answer(interaction, render.unknown_room())
        return
    place = place_for(channel)
    if action == "join" and not place.stage and await _may_get_ready(runtime, channel, interaction):
        # J1: a voice channel has no accept prompt of its own, so show the get-ready step first.
        if not connected(channel, interaction.user.id):
            await answer(interaction, render.not_connected(place))
        else:
            await answer(interaction, render.get_ready(place))
        return
    if action in ("join", "ready"):
        await act(runtime, interaction, channel, lambda a: c.JoinStage(a), needs_connection=True)
    elif action in PERSONAL:
        await act(runtime, interaction, channel, PERSONAL[action])
    elif action == "decline" and user_id is not None and await _moderates(runtime, channel, interaction):
        await interaction.response.send_modal(DeclineModal(runtime, channel, user_id))
    elif action in ON_SOMEONE and user_id is not None:
        try:
            target = channel.guild.get_member(user_id) or await runtime.bot.fetch_user(user_id)
        except discord.NotFound:
            await answer(interaction, render.Message(content="That person's account is gone; nothing changed."))
            return
        kind = ON_SOMEONE[action]
        await act(
            runtime,
            interaction,
            channel,
            lambda a: kind(a, target=str(user_id), target_is_bot=target.bot or user_id == runtime.bot.user.id),  # type: ignore[union-attr]
            target=target,
        )
    else:
        await answer(interaction, render.Message(content="That button is no longer in use; look at the latest panel."))


async def _may_get_ready(runtime: Runtime, channel: RoomChannel, interaction: discord.Interaction) -> bool:
    """Say whether a join looks welcome; otherwise the join runs at once and the core says why not."""
    status = await runtime.snapshot(room_key(channel.guild.id, channel.id))
    user = str(interaction.user.id)
    moderator = isinstance(interaction.user, discord.Member) and runtime.actor(interaction.user, channel).moderator
    return status.live and (status.mode == "open" or user in status.invitations or moderator)


async def _moderates(runtime: Runtime, channel: RoomChannel, interaction: discord.Interaction) -> bool:
    """Say whether Discord makes the clicker a moderator (others get the core's answer at once)."""
    member = await member_in(interaction, channel.guild)
    return member is not None and runtime.actor(member, channel).moderator


class DeclineModal(discord.ui.Modal):
    """J5: decline from the panel, optionally saying why."""

    def __init__(self, runtime: Runtime, channel: RoomChannel, user_id: int) -> None:
        super().__init__(title=render.DECLINE_TITLE)
        self.runtime, self.channel, self.user_id = runtime, channel, user_id
        self.reason = render.decline_reason_input()
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Decline with the reason given; who submitted is checked again now (A3)."""
        reason = self.reason.value or None
        target = str(self.user_id)
        await act(self.runtime, interaction, self.channel, lambda a: c.DeclineRequest(a, target=target, reason=reason))
