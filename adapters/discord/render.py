"""Every word and embed the Discord adapter shows, and every error turned into words.

The core names people by their Discord ids; here they become mentions, which
Discord shows as names without notifying anyone (mentions are sent muted
unless a notice is meant to ping).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.buttons import StageButton, StagePicker
from core import events as ev
from core.modes import Mode

PANEL_FOOTER = "stagedoor control panel · every button checks who clicked it"
FIELD_BUDGET = 900  # of the 1024 a field may hold: six full fields stay under the 6000 an embed may hold
LABEL_NAME_LIMIT = 32
PANEL_ANSWER_ROWS = 2  # action rows left for Bring/Decline after the participant row and two pickers
ANSWERS_PER_ROW = 2
SNOWFLAKE = re.compile(r"\b(\d{15,21})\b")
QUIET = discord.AllowedMentions.none()

SERVER_PREFIX = "workspace."  # the core's name for a server-wide setting
SERVER_SETTING_WORDS = {"default": "default mode"}
PERMISSION_NAMES = {50013: "Mute Members", 50001: "View Channel"}


@dataclass(frozen=True)
class Place:
    """Where the room is, for words and button ids."""

    guild_id: int
    channel_id: int
    stage: bool  # a Discord stage channel (else a voice channel)

    @property
    def channel(self) -> str:
        """Return the channel as a mention."""
        return f"<#{self.channel_id}>"


@dataclass
class Message:
    """What to send: text, an embed and buttons."""

    content: str = ""
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    mentions: discord.AllowedMentions = field(default_factory=lambda: QUIET)

    def kwargs(self) -> dict[str, Any]:
        """Return keyword arguments for send/edit."""
        out: dict[str, Any] = {"content": self.content or None, "allowed_mentions": self.mentions}
        if self.embed is not None:
            out["embed"] = self.embed
        if self.view is not None:
            out["view"] = self.view
        return out


def mention(user: str | None) -> str:
    """Show a core user name: Discord ids become mentions."""
    if user is None:
        return "someone"
    return f"<@{user}>" if user.isdigit() else user


def mentions_in(text: str) -> str:
    """Turn the ids inside a core message into mentions."""
    return SNOWFLAKE.sub(lambda m: f"<@{m.group(1)}>", text)


def mode_label(mode: str) -> str:
    """Return the name people see for a mode."""
    return Mode(mode).label


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


def personal_notice(event: ev.Event, place: Place, mode: str) -> Message | None:
    """Tell a participant about something someone else did to them (a DM)."""
    user = getattr(event, "user", None)
    if user is None:
        return None
    if isinstance(event, ev.RequestCancelled) and event.reason == "mode_changed":
        after = {
            Mode.INVITE.value: " It became a raised hand, in the same order.",
            Mode.OPEN.value: " Everyone may join now: press **Join stage** on the panel.",
        }.get(mode, "")
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


DECLINE_TITLE = "Decline a request"
DECLINE_REASON_LABEL = "Reason (optional, shown to them)"
DECLINE_REASON_ID = "reason"


def decline_reason_input() -> discord.ui.TextInput[Any]:
    """J5: the optional reason a moderator gives when declining from the panel."""
    return discord.ui.TextInput(
        label=DECLINE_REASON_LABEL,
        custom_id=DECLINE_REASON_ID,
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=200,
        placeholder="For example: we're out of time today",
    )


def get_ready(place: Place) -> Message:
    """J1: the get-ready step before joining a voice channel's stage."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        StageButton("ready", place.guild_id, place.channel_id, label="Join stage", style=discord.ButtonStyle.success)
    )
    return Message(
        content="Get ready to join the stage: check your microphone and camera, then press **Join stage**.",
        view=view,
    )


def invitation_view(place: Place) -> discord.ui.View:
    """The invitation's answers: Join stage or Decline invitation."""
    view = discord.ui.View(timeout=None)
    join_action = "join" if place.stage else "ready"
    view.add_item(
        StageButton(
            join_action, place.guild_id, place.channel_id, label="Join stage", style=discord.ButtonStyle.success
        )
    )
    view.add_item(
        StageButton(
            "decinv", place.guild_id, place.channel_id, label="Decline invitation", style=discord.ButtonStyle.secondary
        )
    )
    return view


# -- the roster ---------------------------------------------------------------------------------------


def _listing(items: list[str], numbered: bool = False) -> str:
    if not items:
        return "—"
    lines: list[str] = []
    used = 0
    for index, item in enumerate(items, start=1):
        line = f"{index}. {item}" if numbered else item
        if used + len(line) + 1 > FIELD_BUDGET:
            lines.append(f"… and {len(items) - index + 1} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def status_embed(status: ev.StatusReply, place: Place, title: str = "Stage") -> discord.Embed:
    """The room in rule order: mode, count, on camera, audio only, requests, invitations, hands."""
    embed = discord.Embed(title=title[:256], colour=discord.Colour.green() if status.live else discord.Colour.greyple())
    if status.live:
        embed.description = f"**{mode_label(status.mode)}** · on stage: {status.count} / {status.capacity}"
    else:
        embed.description = (
            f"No session is live. The next one starts in **{mode_label(status.mode)}** mode; a moderator can "
            "start it with /stage start" + (" or by starting the Stage." if place.stage else ".")
        )
        return embed
    camera = set(status.on_camera)
    audio = [mention(u) for u in status.on_stage if u not in camera]
    embed.add_field(name="On camera", value=_listing([mention(u) for u in status.on_camera]), inline=False)
    if audio:
        embed.add_field(name="Audio only", value=_listing(audio), inline=False)
    requests = []
    for item in status.requests:
        note = item.get("note")
        requests.append(mention(item["user"]) + (f" — {note}" if note else ""))
    embed.add_field(name="Requests", value=_listing(requests, numbered=True), inline=False)
    embed.add_field(name="Invited", value=_listing([mention(u) for u in status.invitations]), inline=True)
    embed.add_field(name="Hands", value=_listing([mention(u) for u in status.hands], numbered=True), inline=True)
    return embed


def panel(
    status: ev.StatusReply, place: Place, title: str, names: dict[str, str], warnings: list[str] | None = None
) -> Message:
    """The control panel: the roster, the buttons everyone has, and the moderators' controls."""
    embed = status_embed(status, place, title=f"Stage · {title}")
    if warnings:
        embed.add_field(name="⚠️ Not yet matching Discord", value=_listing(warnings), inline=False)
    embed.set_footer(text=PANEL_FOOTER)
    view = discord.ui.View(timeout=None)
    if not status.live:
        return Message(embed=embed, view=view)
    g, ch = place.guild_id, place.channel_id
    button = StageButton
    view.add_item(button("join", g, ch, label="Join stage", style=discord.ButtonStyle.success))
    view.add_item(button("ask", g, ch, label="Ask to join stage", style=discord.ButtonStyle.primary))
    view.add_item(button("cancel", g, ch, label="Cancel request"))
    view.add_item(button("hand", g, ch, label="Raise hand"))
    view.add_item(button("lower", g, ch, label="Lower hand"))
    view.add_item(StagePicker("invite", g, ch, placeholder="Moderators: invite someone on stage"))
    view.add_item(StagePicker("remove", g, ch, placeholder="Moderators: remove someone from the stage"))
    for index, item in enumerate(status.requests[: PANEL_ANSWER_ROWS * ANSWERS_PER_ROW]):
        user = item["user"]
        name = names.get(user, user)[:LABEL_NAME_LIMIT]
        row = 3 + index // ANSWERS_PER_ROW
        bring = button(
            "bring", g, ch, int(user), label=f"Bring {item['position']}. {name}", style=discord.ButtonStyle.success
        )
        decline = button(
            "decline", g, ch, int(user), label=f"Decline {item['position']}. {name}", style=discord.ButtonStyle.danger
        )
        bring.item.row = decline.item.row = row
        view.add_item(bring)
        view.add_item(decline)
    return Message(embed=embed, view=view)
