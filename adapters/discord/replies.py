"""Fixed answers of the Discord side itself: where /stage works, and what Discord refused and what to do."""

from __future__ import annotations

import discord

from adapters.discord.kit import Message, Place, mention

PERMISSION_NAMES = {50013: "Mute Members", 50001: "View Channel"}


def failure_notice(doing: str, user: str, error: discord.HTTPException, place: Place, corrected: str) -> Message:
    """Tell moderators that Discord refused a change, why, and what to do about it."""
    if error.code in PERMISSION_NAMES or error.status == 403:
        permission = PERMISSION_NAMES.get(error.code, "Mute Members")
        why = (
            f"I'm missing the **{permission}** permission in {place.channel}. Give stagedoor's role that "
            "permission there (channel settings → Permissions), then try again."
        )
    else:
        why = f"Discord kept answering {error.status} ({error.text or 'no details'}). Try again in a minute."
    return Message(content=f"⚠️ Moderators: I couldn't {doing} {mention(user)}. {why} {corrected}".strip())


def join_refused_by_discord(place: Place) -> Message:
    """Tell someone whose join Discord refused that they are in the audience, and why."""
    return Message(
        content=(
            f"{place.channel}: Discord did not let me bring you on stage (the bot is missing a permission), "
            "so you are in the audience. The moderators have been told; try again once they fix it."
        )
    )


def stage_instance_failure(starting: bool, error: discord.HTTPException, place: Place) -> Message:
    """Tell moderators the Stage could not be opened or closed, and why."""
    what = "open the Stage" if starting else "close the Stage"
    return Message(
        content=(
            f"⚠️ Moderators: the session is {'live' if starting else 'over'} here, but I couldn't {what} in "
            f"{place.channel} ({error.status}: {error.text or 'refused'}). Stage moderator permissions "
            "(Manage Channels, Mute Members, Move Members) let me do it; or do it yourself from Discord."
        )
    )


def not_connected(place: Place) -> Message:
    """Ask someone to connect to the channel before joining."""
    return Message(content=f"Connect to {place.channel} first, then press **Join stage** again.")


def no_such_member(typed: str, place: Place) -> Message:
    """Answer a moderator whose typed target matches nobody."""
    shown = discord.utils.escape_markdown(typed.strip())[:100]
    return Message(
        content=(
            f"I couldn't find “{shown}” in {place.channel}. Pick someone from the list that opens as you type "
            "the member option (it shows the queue, the audience or the stage), or type their @mention."
        )
    )


def not_a_member(place: Place) -> Message:
    """Answer someone who is not in the room's server."""
    return Message(content=f"You are not a member of the server of {place.channel}.")


def wrong_channel() -> Message:
    """Say where /stage works."""
    return Message(
        content=(
            "Use /stage in the chat of a stage or voice channel, or while you are connected to one, "
            "so I know which stage you mean."
        )
    )


def unknown_room() -> Message:
    """Answer a click on a button whose channel is gone."""
    return Message(content="That channel is gone or I can no longer see it, so this button does nothing now.")


def other_process() -> Message:
    """Answer a Join stage in a DM for a server this process's shards do not serve (its voice is not seen here)."""
    return Message(
        content="I can't act on that server from here: joining needs its voice channel. Use Join stage on the "
        "stage's panel, or /stage join in its channel."
    )


def account_gone() -> Message:
    """Answer a click on someone whose account is gone."""
    return Message(content="That person's account is gone; nothing changed.")


def stale_button() -> Message:
    """Answer a click on a button this version no longer uses."""
    return Message(content="That button is no longer in use; look at the latest panel.")


def accept_to_join(place: Place, seconds: float) -> Message:
    """J1 on a stage channel: the join waits for Discord's own accept prompt, the get-ready step."""
    minutes = max(1, round(seconds / 60))
    return Message(
        content=(
            f"Discord now shows you its invitation to speak in {place.channel}: accept it to join the stage "
            f"(check your microphone and camera first). It stays open for {minutes} minute"
            f"{'s' if minutes != 1 else ''}; declining it keeps you in the audience."
        )
    )


def join_prompt_expired(place: Place) -> Message:
    """J1 on a stage channel: Discord's prompt for their own join went unanswered and was withdrawn."""
    return Message(
        content=(
            f"{place.channel}: you did not accept Discord's invitation to speak in time, so you are still in "
            "the audience. Press **Join stage** again when you are ready."
        )
    )
