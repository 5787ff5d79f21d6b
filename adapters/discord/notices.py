"""What each event means to whom, in Discord's words: answers to the clicker and notices from the event log."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import discord

from adapters.discord.forms import invitation_view
from adapters.discord.kit import Message, Place, mention, mode_label
from adapters.discord.roster import status_embed
from core import events as ev
from core.modes import Mode

SNOWFLAKE = re.compile(r"\b(\d{15,21})\b")
SERVER_PREFIX = "workspace."  # the core's name for a server-wide setting
SERVER_SETTING_WORDS = {"default": "default mode"}


def mentions_in(text: str) -> str:
    """Turn the ids inside a core message into mentions."""
    return SNOWFLAKE.sub(lambda m: f"<@{m.group(1)}>", text)


# -- answers to the person who clicked or typed -------------------------------------------------


def error_words(error: ev.ErrorReply, place: Place) -> str:
    """Say what went wrong and what to do, in Discord's words."""
    if error.code == "unknown_user":
        target = SNOWFLAKE.search(error.message)
        if target is None or target.group(1) == error.actor:
            return f"You are not connected to {place.channel}. Connect to it first, then try again."
        return (
            f"{mention(target.group(1))} is not connected to {place.channel}. "
            "Pick someone who is, or wait until they connect."
        )
    return mentions_in(error.message)


def describe(event: ev.Event, viewer: str, place: Place) -> str | None:
    """Tell the viewer what an event means to them; None when it is not theirs to hear."""
    you = getattr(event, "user", None) == viewer
    who = mention(getattr(event, "user", None))
    match event:
        case ev.SessionStarted(mode=mode):
            return f"The session is live in **{mode_label(mode)}** mode."
        case ev.SessionEnded():
            return "The session has ended; everyone is back in the audience."
        case ev.ModeChanged(mode=mode):
            return f"The stage is now in **{mode_label(mode)}** mode."
        case ev.StageJoined(evicted=evicted):
            text = "You are on stage." if you else f"{who} is on stage."
            if you and place.stage:
                text += " Accept Discord's invitation to speak to start talking."
            if evicted:
                text += f" To make room, {mention(evicted)} moved to the audience."
            return text
        case ev.StageLeft(reason=reason, by=by):
            return _stage_left(you, who, reason, by)
        case ev.RequestCreated(position=position, note=note):
            if you:
                return f"You asked to join the stage. You are number {position} in the queue."
            return f"{who} wants to join the stage (position {position})." + (f" Note: {note}" if note else "")
        case ev.RequestCancelled(reason=reason):
            return _request_cancelled(you, who, reason)
        case ev.RequestApproved() | ev.InvitationSent():
            return _invitation_text(place) if you else f"Invitation sent to {who}."
        case ev.RequestDeclined(reason=reason):
            because = f" Reason: {reason}" if reason else ""
            if you:
                return f"Your request to join the stage was declined.{because} You may ask again later."
            return f"Declined {who}'s request.{because}"
        case ev.InvitationDeclined():
            return "You declined the invitation." if you else f"{who} declined the invitation to join the stage."
        case ev.InvitationExpired():
            return "Your invitation to join the stage expired." if you else f"{who}'s invitation expired."
        case ev.InvitationCancelled(reason=reason):
            why = "you left the channel" if reason == "left_room" else "the session ended"
            return f"Your invitation was closed because {why}." if you else f"{who}'s invitation was closed."
        case ev.HandRaised(by=by):
            if you:
                return "Your hand is raised; moderators see it." if by == viewer else "Your hand is raised."
            return f"{who} raised their hand."
        case ev.HandLowered(by=by):
            if you:
                return "Your hand is lowered." if by in (viewer, None) else f"{mention(by)} lowered your hand."
            return f"{who}'s hand is lowered."
        case ev.SettingsChanged(setting=setting, value=value) if setting.startswith(SERVER_PREFIX):
            return _server_setting(setting.removeprefix(SERVER_PREFIX), value)
        case ev.SettingsChanged(setting="moderators", value=value):
            return f"This channel's own moderators: {_people(value)}."
        case ev.SettingsChanged(setting=setting, value=value):
            return f"The channel's {SERVER_SETTING_WORDS.get(setting, setting)} is now **{value}**."
    return None


def _people(value: object) -> str:
    return ", ".join(mention(str(user)) for user in value) if isinstance(value, list) and value else "nobody"


def _server_setting(setting: str, value: object) -> str:
    if setting == "moderators":
        listed = _people(value)
        return (
            f"Server-wide moderators: {listed}. They moderate every stage and voice channel in this server, "
            "alongside each channel's own moderators."
        )
    word = SERVER_SETTING_WORDS.get(setting, setting)
    return (
        f"The server-wide {word} is now **{value}**. It applies to every stage and voice channel in this server "
        f"that has no {word} of its own."
    )


def _stage_left(you: bool, who: str, reason: str, by: str | None) -> str:
    if reason == "evicted":
        if you:
            return (
                "You were moved to the audience to make room on a full stage. "
                "You can come back under the current mode's rules."
            )
        return f"{who} was moved to the audience to make room."
    if reason == "session_ended":
        return "The session ended; you are back in the audience." if you else f"{who} is back in the audience."
    if reason == "removed":
        return "You are now a viewer." if you else f"{who} is now a viewer."
    return "You left the stage." if you else f"{who} left the stage."


def _request_cancelled(you: bool, who: str, reason: str) -> str:
    if reason == "withdrawn":
        return "Your request is cancelled." if you else f"{who} cancelled their request."
    if reason == "mode_changed":
        return "A moderator changed the mode, so your request is closed." if you else f"{who}'s request closed."
    if reason == "left_room":
        return f"{who}'s request closed: they left the channel."
    return "The session ended, so your request is closed." if you else f"{who}'s request closed."


def _invitation_text(place: Place) -> str:
    if place.stage:
        return (
            f"You have been invited to join the stage in {place.channel}. Accept Discord's invitation to speak "
            "(or press **Join stage**), or press **Decline invitation**."
        )
    return (
        f"You have been invited to join the stage in {place.channel}. Get ready: check your microphone and "
        "camera, then press **Join stage**; or press **Decline invitation**."
    )


def reply(events: list[ev.Event], viewer: str, place: Place) -> Message:
    """Answer the clicker from what their action caused (shown only to them)."""
    lines: list[str] = []
    embed = None
    for event in events:
        if isinstance(event, ev.ErrorReply):
            lines.append(error_words(event, place))
        elif isinstance(event, ev.StatusReply):
            embed = status_embed(event, place)
        else:
            text = describe(event, viewer, place)
            if text:
                lines.append(text)
    if not lines and embed is None:
        lines.append("Done.")
    return Message(content="\n".join(lines), embed=embed)


# -- notices delivered from the event log -----------------------------------------------------------


def mode_after(batch: Sequence[ev.Event]) -> str | None:
    """Return the mode a command switched to, from the events it caused."""
    return next((event.mode for event in batch if isinstance(event, ev.ModeChanged)), None)


def personal_notice(event: ev.Event, place: Place, batch: Sequence[ev.Event] = ()) -> Message | None:
    """Tell a participant about something someone else did to them (a DM)."""
    user = getattr(event, "user", None)
    if user is None:
        return None
    if isinstance(event, ev.RequestCancelled) and event.reason == "mode_changed":
        mode = mode_after(batch)
        after = {
            Mode.INVITE.value: " It became a raised hand, in the same order.",
            Mode.OPEN.value: " Everyone may join now: press **Join stage** on the panel.",
        }.get(mode or "", "")
        return Message(content=f"{place.channel}: a moderator changed the mode, so your request is closed.{after}")
    text = describe(event, user, place)
    if text is None:
        return None
    view = invitation_view(place) if isinstance(event, (ev.InvitationSent, ev.RequestApproved)) else None
    return Message(content=f"{place.channel}: {text}", view=view)


def room_notice(event: ev.Event, place: Place) -> Message | None:
    """Tell everyone in the channel's chat (sessions and modes)."""
    if isinstance(event, (ev.SessionStarted, ev.SessionEnded, ev.ModeChanged)):
        return Message(content=describe(event, "", place) or "")
    return None


MODERATOR_EVENTS = (ev.RequestCreated, ev.InvitationDeclined, ev.InvitationExpired)


def moderator_notice(event: ev.Event, place: Place, roles: Iterable[int] = ()) -> Message | None:
    """Tell moderators of a request, or of an invitation that came to nothing."""
    if not isinstance(event, MODERATOR_EVENTS):
        return None
    text = describe(event, "", place) or ""
    pings = " ".join(f"<@&{role}>" for role in roles)
    content = f"{pings} {text}".strip() if pings else text
    return Message(content=content, mentions=discord.AllowedMentions(roles=True, users=False, everyone=False))
