"""Every failure of a command, click or form answered to the person who acted, in words a member understands.

One handler serves /stage (the command tree's on_error), the persistent buttons and the
decline form, so no interaction ends in Discord's "This interaction failed" or "The
application did not respond". The answer goes the way the interaction allows: the first
response, or a follow-up once it was deferred or answered (never a second response, 40060).
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from adapters.discord.actions import answer
from adapters.discord.kit import Message
from core.service import StoreBusy

log = logging.getLogger(__name__)

CHECK_THE_PANEL = "Look at the panel to see whether it went through; if not, try again"


def failure_message(error: BaseException) -> Message:
    """Say what went wrong and what to do, without a traceback's words."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.NoPrivateMessage):
        text = "Use /stage in a server: in the chat of a stage or voice channel, or while connected to one."
    elif isinstance(error, app_commands.TransformerError):
        text = f"I couldn't use “{error.value}” there. Pick a member of this server from the list, then try again."
    elif isinstance(error, StoreBusy):
        text = "The stage is busy with many changes at once, so I couldn't do that now. Try again in a few seconds."
    elif isinstance(error, discord.HTTPException):
        text = f"Discord refused part of that ({error.status}). {CHECK_THE_PANEL} in a minute."
    else:
        text = (
            f"Something went wrong on stagedoor's side, so I couldn't finish that. {CHECK_THE_PANEL}; "
            "if it keeps failing, tell the server's admins (the bot's log says what happened)."
        )
    return Message(content=f"⚠️ {text}")


async def answer_failure(interaction: discord.Interaction, error: BaseException) -> None:
    """Log a failure and tell the person who acted, only them; a refusal of that answer is logged too."""
    what = interaction.command.qualified_name if interaction.command is not None else "a click"
    log.error("answering %s for %s failed", what, interaction.user.id, exc_info=error)
    try:
        await answer(interaction, failure_message(error))
    except discord.HTTPException as refused:
        # Past the interaction's 15 minutes, or Discord is down: the log above is all that is left.
        log.warning("could not tell %s that their action failed (%s)", interaction.user.id, refused.code)


class StageTree(app_commands.CommandTree[discord.Client]):
    """discord.py's command tree, answering every failure of a slash command to the person who typed it."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Tell the person, ephemerally, what went wrong and what to do."""
        await answer_failure(interaction, error)
