"""Send to Discord: the channel's chat, a person (DM, or a mention when DMs are refused), the moderators.

A refused fallback is logged, never raised: a notice must not stop the delivery of the ones after it.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.kit import Message, mention
from adapters.discord.runtime import RoomChannel, Runtime

log = logging.getLogger(__name__)


class Messenger:
    """Post and DM on the bot's behalf."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def to_room(self, channel: RoomChannel, message: Message) -> discord.Message | None:
        """Post in the channel's chat; a refusal is logged, not raised."""
        try:
            return await channel.send(**message.kwargs())
        except discord.HTTPException as error:
            log.warning("could not post in %s: %s", channel.id, error)
            return None

    async def to_user(self, channel: RoomChannel, user: str, message: Message) -> None:
        """DM someone; when Discord refuses, mention them in the channel's chat instead."""
        bot = self.runtime.bot
        try:
            target = bot.get_user(int(user)) or await bot.fetch_user(int(user))
            await target.send(**message.kwargs())
            return
        except discord.HTTPException as error:
            log.info("DM to %s refused (%s); telling them in the channel", user, error.code)
        fallback = Message(
            content=f"{mention(user)} {message.content}",
            view=message.view,
            mentions=discord.AllowedMentions(users=[discord.Object(int(user))], roles=False, everyone=False),
        )
        await self.to_room(channel, fallback)

    def moderator_pings(self, channel: RoomChannel) -> list[int]:
        """Return the roles a ping in the channel's chat reaches its moderators through.

        Those are the roles in DISCORD_MODERATOR_ROLE_IDS and the roles that make their members
        stage moderators there, of those Discord lets the bot ping: a role whose members anyone may
        mention, or any role when the bot has *Mention @everyone, @here and All Roles* there.
        """
        guild = channel.guild
        me = guild.me
        may_ping_any = me is not None and channel.permissions_for(me).mention_everyone
        found: list[int] = []
        for role in guild.roles:
            if role.is_default() or role.managed:
                continue  # @everyone is not a moderators' role; a managed role is a bot's or a booster's
            moderates = role.id in self.runtime.moderator_roles or is_stage_moderator_role(
                channel.permissions_for(role)
            )
            if moderates and (role.mentionable or may_ping_any):
                found.append(role.id)
        return found

    async def to_moderators(self, channel: RoomChannel, message: Message, skip: str | None) -> None:
        """DM each moderator connected to the channel (the message may hold what only moderators may read)."""
        for member in channel.members:
            if member.bot or str(member.id) == skip:
                continue
            if self.runtime.actor(member, channel).moderator:
                try:
                    told = Message(content=f"{channel.mention}: {message.content}", view=message.view)
                    await member.send(**told.kwargs())
                except discord.HTTPException as error:
                    log.info("DM to moderator %s refused (%s)", member.id, error.code)


def is_stage_moderator_role(permissions: discord.Permissions) -> bool:
    """Say whether a role's permissions in a channel make its members Discord's stage moderators there."""
    return permissions.manage_channels and permissions.mute_members and permissions.move_members
