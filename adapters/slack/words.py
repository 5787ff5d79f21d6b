"""What each event says to each person, in Slack's voice (emoji, mentions, *bold*)."""

from __future__ import annotations

import re
from typing import Any

from adapters.slack.kit import mention, mode_label, people
from adapters.slack.panels import status_words
from core import events as ev
from core.errors import StageError

USER_ID = re.compile(r"(?<![<@\w])([UW][A-Z0-9]{6,})\b")


def error_words(code: str, message: str) -> str:
    """Turn a refusal into the sentence the person sees: what went wrong and what to do."""
    text = USER_ID.sub(lambda m: mention(m.group(1)), message)
    return f":no_entry_sign: {text}"


def describe(event: ev.Event, viewer: str | None) -> str:
    """Say what happened, from the viewer's side ("You …" when it is about them)."""
    data = event.as_dict()
    user = data.get("user")
    you = user is not None and user == viewer
    who = "You" if you else mention(user) if user else ""
    by = data.get("by")
    by_text = f" by {mention(by)}" if by else ""
    match event:
        case ev.SessionStarted(mode=mode):
            return f":studio_microphone: A stage session started{by_text} in *{mode_label(mode)}* mode."
        case ev.SessionEnded():
            return f":checkered_flag: The stage session ended{by_text}. Everyone is back in the audience."
        case ev.ModeChanged(mode=mode):
            return f":arrows_counterclockwise: The stage is now *{mode_label(mode)}*{by_text}."
        case ev.StageJoined(evicted=evicted):
            made_room = f" ({mention(evicted)} was moved to the audience to make room)" if evicted else ""
            return f":white_check_mark: {who} {'are' if you else 'is'} on stage now{made_room}."
        case ev.StageLeft(reason=reason):
            return _left(who, you, reason, by)
        case ev.RequestCreated(position=position, note=note):
            if you:
                return f":raised_hand: Your request to join the stage is in. You are number {position} in the queue."
            noted = f" — “{note}”" if note else ""
            return f":raised_hand: {who} wants to join the stage (number {position} in the queue){noted}."
        case ev.RequestCancelled(reason=reason):
            return _request_closed(who, you, reason)
        case ev.RequestApproved():
            if you:
                return ":tada: You have been invited to join the stage. Join when you are ready, or decline."
            return f":ballot_box_with_check: {who}'s request was answered with an invitation{by_text}."
        case ev.RequestDeclined(reason=reason):
            because = f" Reason: {reason}" if reason else ""
            if you:
                return f":no_entry: Your request to join the stage was declined.{because} You may ask again later."
            return f":no_entry: {who}'s request was declined{by_text}.{because}"
        case ev.InvitationSent():
            if you:
                return ":tada: You have been invited to join the stage. Join when you are ready, or decline."
            return f":envelope: Invitation sent to {who}{by_text}."
        case ev.InvitationDeclined():
            return ":wave: You declined the invitation." if you else f":wave: {who} declined the invitation."
        case ev.InvitationExpired():
            if you:
                return ":hourglass: Your invitation to the stage expired. Raise your hand or ask again if you like."
            return f":hourglass: The invitation to {who} expired."
        case ev.InvitationCancelled():
            return f":wave: The invitation to {'you' if you else who} was closed ({_reason(data['reason'])})."
        case ev.HandRaised():
            return ":raised_hand: Your hand is up." if you else f":raised_hand: {who} raised a hand."
        case ev.HandLowered():
            lowered = "Your hand is down" if you else f"{who}'s hand is down"
            return f":wave: {lowered}{f' (lowered by {mention(by)})' if by and by != user else ''}."
        case ev.SettingsChanged(setting=setting, value=value):
            return f":gear: {setting_words(setting, value)}"
        case ev.ErrorReply(code=code, message=message):
            return error_words(code, message)
        case ev.StatusReply():
            return status_words(event)
    return f"{event.name}"  # pragma: no cover - every event is matched above


SETTING_NAMES = {
    "capacity": ("stage capacity", ""),
    "cameras": ("camera slots", ""),
    "cooldown": ("wait after a declined request", " s"),
    "expiry": ("invitation expiry", " s"),
}


def setting_words(setting: str, value: Any) -> str:
    """Say what a channel default (or, for "workspace.…", a workspace default) is now."""
    if setting.startswith("workspace."):
        return _workspace_setting_words(setting.removeprefix("workspace."), value)
    if setting == "moderators":
        return f"This channel's moderators are now {people(list(value))}."
    if setting == "default":
        return f"Sessions in this channel now start in *{mode_label(str(value))}* mode."
    name, unit = SETTING_NAMES.get(setting, (setting.replace("_", " "), ""))
    return f"This channel's {name} is now {value}{unit}."


def _workspace_setting_words(setting: str, value: Any) -> str:
    keep = "Channels with their own value keep it."
    if setting == "moderators":
        return f"Every channel's moderators now include the workspace's: {people(list(value))}."
    if setting == "default":
        return f"Sessions now start in *{mode_label(str(value))}* mode in every channel of the workspace. {keep}"
    name, unit = SETTING_NAMES.get(setting, (setting.replace("_", " "), ""))
    return f"The workspace's {name} is now {value}{unit} for every channel. {keep}"


def _left(who: str, you: bool, reason: str, by: str | None) -> str:
    if reason == "removed":
        if you:
            return f":arrow_down: You are now a viewer{f' ({mention(by)} removed you from the stage)' if by else ''}."
        return f":arrow_down: {who} was removed from the stage{f' by {mention(by)}' if by else ''}."
    if reason == "evicted":
        if you:
            return (
                ":arrow_down: The stage was full, so you were moved to the audience to make room. "
                "You can come back under the current mode's rules."
            )
        return f":arrow_down: {who} was moved to the audience to make room."
    return f":arrow_down: {'You are' if you else f'{who} is'} off the stage ({_reason(reason)})."


def _request_closed(who: str, you: bool, reason: str) -> str:
    if reason == "mode_changed":
        if you:
            return ":information_source: The stage left request mode, so your request was closed; see the new mode."
        return f":information_source: {who}'s request was closed by the mode change."
    if reason == "withdrawn":
        return ":wave: You cancelled your request." if you else f":wave: {who} cancelled their request."
    return f":wave: {'Your' if you else f'{who}’s'} request was closed ({_reason(reason)})."


def _reason(reason: str) -> str:
    return {"left_room": "left the channel", "session_ended": "the session ended"}.get(reason, reason.replace("_", " "))


def refusal(error: StageError) -> str:
    """Word a refusal the adapter makes itself, before the core is asked (A3 checks on buttons)."""
    return error_words(error.code, error.message)
