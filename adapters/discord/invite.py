"""What the bot asks for when it is added to a server: intents, permissions, the invite URL."""

from __future__ import annotations

import discord


def intents() -> discord.Intents:
    """Return the gateway intents the bot uses; none of them is privileged."""
    wanted = discord.Intents.none()
    wanted.guilds = True  # channels, roles and stage instances
    wanted.voice_states = True  # who is connected, suppressed, muted, has a hand up
    wanted.guild_messages = True  # C4: a message in the channel's chat counts as activity
    return wanted


def permissions() -> discord.Permissions:
    """Return the permissions the bot needs in stage and voice channels."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,  # the panel and notices in the channel's chat
        embed_links=True,  # the panel is an embed
        read_message_history=True,  # find the panel again after a restart
        connect=True,  # see into voice channels that only connected members may see
        mute_members=True,  # suppress / un-suppress on stages, server mute in voice channels
        move_members=True,  # with the two around it: a stage moderator, to start and end stage instances
        manage_channels=True,
        set_voice_channel_status=True,  # "Join by request · 3 waiting" under a live voice channel's name
    )


def invite_url(application_id: int | None) -> str:
    """Return the URL that adds the bot (and its slash commands) to a server."""
    if application_id is None:
        raise ValueError(
            "DISCORD_APPLICATION_ID is not set. Copy the Application ID from the Discord developer portal "
            "(your application → General Information) into .env."
        )
    return discord.utils.oauth_url(
        application_id,
        permissions=permissions(),
        scopes=("bot", "applications.commands"),
    )
