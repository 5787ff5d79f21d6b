"""Every word and Block Kit payload the Slack adapter shows, errors included.

Listeners and deliverers decide *what* to show; this module decides how it looks,
and keeps every payload inside Slack's limits (50 blocks a message, 100 a view,
3000 characters a text, 25 elements an actions block).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core import events as ev
from core.modes import Mode, parse_mode
from core.room import RoomKey

Blocks = list[dict[str, Any]]

TEXT_LIMIT = 3000
LIST_LIMIT = 40  # names listed before "…and N more": 40 mentions stay far below 3000 characters
PANEL_ROWS = 15  # people per section in the moderator panel: 2 blocks each for the queue and hands, 1 on stage

# Action ids: stable across releases so that buttons posted before a restart keep working.
JOIN, ASK, CANCEL, PANEL = "stage_join", "stage_ask", "stage_cancel", "stage_panel"
HAND, HAND_DOWN = "stage_hand", "stage_hand_down"
DECLINE_INVITATION, JOIN_INVITED = "stage_decline_invitation", "stage_join_invited"
APPROVE, DECLINE, INVITE, REMOVE, LOWER, ASK_LEAVE = (
    "mod_approve",
    "mod_decline",
    "mod_invite",
    "mod_remove",
    "mod_lower_hand",
    "mod_ask_leave",
)
HOME_EDIT, HOME_PICK, HOME_WORKSPACE = "home_edit", "home_pick_channel", "home_workspace_defaults"
GET_READY, ASK_NOTE, SETTINGS = "get_ready", "ask_note", "channel_settings"
WORKSPACE_SETTINGS, DECLINE_REASON = "workspace_settings", "decline_reason"
REASON_LIMIT = 200  # the core refuses longer reasons; the form stops them first

USER_ID = re.compile(r"(?<![<@\w])([UW][A-Z0-9]{6,})\b")


@dataclass(frozen=True)
class Message:
    """A message's fallback text and its blocks."""

    text: str
    blocks: Blocks


# -- small pieces ----------------------------------------------------------------------------


def mention(user: str) -> str:
    """Return a Slack mention for a user or user group id (Slack shows the name)."""
    return f"<!subteam^{user}>" if user.startswith("S") else f"<@{user}>"


def huddle_url(key: RoomKey, channel: str | None = None) -> str:
    """Return the link that opens (or joins) a channel's huddle."""
    return f"https://app.slack.com/huddle/{key.workspace}/{channel or key.channel}"


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    """Cut text to a Slack limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def people(users: list[str], limit: int = LIST_LIMIT) -> str:
    """List people as mentions, summarising past the limit."""
    if not users:
        return "nobody"
    shown = ", ".join(mention(u) for u in users[:limit])
    return shown + (f" …and {len(users) - limit} more" if len(users) > limit else "")


def section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a mrkdwn section, clipped to Slack's 3000 characters."""
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}
    if accessory:
        block["accessory"] = accessory
    return block


def context(text: str) -> dict[str, Any]:
    """Return a context line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text)}]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """Return a button that carries where and on whom it acts."""
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label[:75]},
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    """Return an actions block (at most 25 elements)."""
    block: dict[str, Any] = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    """Return plain text cut to a limit."""
    return {"type": "plain_text", "text": text[:limit]}


def value_for(key: RoomKey, user: str = "") -> str:
    """Return a button value: where the button acts, and on whom. Never who may click it (A3)."""
    return f"{key.channel}|{user}"


def parse_value(value: str) -> tuple[str, str]:
    """Return (channel, user) from a button value."""
    channel, _, user = (value or "").partition("|")
    return channel, user


def mode_label(mode: str) -> str:
    """Return a mode as people read it: "Join by request (request)"."""
    found = parse_mode(mode)
    return f"{found.label} ({found.value})" if found else mode


# -- words: events and errors ---------------------------------------------------------------


def error_words(code: str, message: str) -> str:
    """Turn a refusal into the sentence the person sees: what went wrong and what to do."""
    text = USER_ID.sub(lambda m: mention(m.group(1)), message)
    return f":no_entry_sign: {text}"


def slack_failure(action: str, error: str) -> str:
    """Say that Slack refused a call stagedoor made, and what to do."""
    hints = {
        "not_in_channel": "Invite the app to the channel with /invite @stagedoor and try again.",
        "channel_not_found": "The app cannot see that channel; invite it there first.",
        "missing_scope": "The app lacks a permission; reinstall it from slack/manifest.yml.",
        "restricted_action": "A workspace policy blocks this; ask a workspace admin.",
        "ratelimited": "Slack is busy; stagedoor will try again shortly.",
        "expired_trigger_id": "Slack took too long to hand over the click; click the button again.",
        "exchanged_trigger_id": "That click was already used; click the button again.",
    }
    return f":warning: Slack refused to {action} ({error}). {hints.get(error, 'Try again in a moment.')}"


USAGE = {
    "mention": "Name the person with an @-mention, for example `/stage invite @alex`.",
    "number": "Give a whole number, for example `/stage capacity 50`.",
}


def usage_error(problem: str, hint: str) -> str:
    """Explain input /stage could not read, and what to type instead."""
    return f":no_entry_sign: {problem} {hint}"


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


def status_words(status: ev.StatusReply) -> str:
    """Summarise the room for `/stage status`."""
    if not status.live:
        return f"No session is live. The next one starts in *{mode_label(status.mode)}* mode."
    lines = [
        f"*{mode_label(status.mode)}* — on stage: {status.count} / {status.capacity}",
        f"On camera: {people(status.on_camera)}",
        f"Queue: {queue_text(status.requests)}",
        f"Invited: {people(status.invitations)}",
        f"Hands: {people(status.hands)}",
    ]
    return clip("\n".join(lines))


def queue_text(requests: list[dict[str, Any]], limit: int = LIST_LIMIT) -> str:
    """List requests with their positions, summarising past the limit."""
    if not requests:
        return "nobody"
    shown = "  ".join(f"{r['position']}. {mention(r['user'])}" for r in requests[:limit])
    return shown + (f" …and {len(requests) - limit} more" if len(requests) > limit else "")


# -- messages --------------------------------------------------------------------------------


def reply(events: list[ev.Event], viewer: str, key: RoomKey) -> Message | None:
    """Answer the person who clicked or typed, with the buttons their new position needs.

    Room-wide news (session started or ended, mode changed) is posted in the channel for everyone,
    so it is left out here; with nothing else to say there is no reply.
    """
    events = [event for event in events if event.told != ev.ROOM]
    if not events:
        return None
    lines = [describe(event, viewer) for event in events]
    blocks: Blocks = [section(line) for line in lines[:45]]
    extra = _buttons_for(events, viewer, key)
    if extra:
        blocks.append(extra)
    return Message(clip("\n".join(lines) or "Done.", 3000), blocks)


def notification(event: ev.Event, viewer: str, key: RoomKey) -> Message:
    """Tell one person about an event, with the buttons that answer it."""
    text = describe(event, viewer)
    blocks: Blocks = [section(text)]
    extra = _buttons_for([event], viewer, key)
    if extra:
        blocks.append(extra)
    return Message(text, blocks)


def _buttons_for(events: list[ev.Event], viewer: str, key: RoomKey) -> dict[str, Any] | None:
    for event in reversed(events):
        user = getattr(event, "user", None)
        if isinstance(event, ev.InvitationSent | ev.RequestApproved) and user == viewer:
            return actions(
                button("Join stage", JOIN, value_for(key), "primary"),
                button("Decline invitation", DECLINE_INVITATION, value_for(key)),
            )
        if isinstance(event, ev.RequestCreated) and user and user != viewer:
            return actions(
                button("Bring to stage", APPROVE, value_for(key, user), "primary"),
                button("Decline", DECLINE, value_for(key, user), "danger"),
                button("Moderator panel", PANEL, value_for(key)),
            )
        if isinstance(event, ev.RequestCreated) and user == viewer:
            return actions(button("Cancel request", CANCEL, value_for(key)))
        if isinstance(event, ev.HandRaised) and user and user != viewer:
            return actions(button("Invite on stage", INVITE, value_for(key, user), "primary"))
    return None


def room_announcement(event: ev.Event, key: RoomKey) -> Message:
    """Post a room-wide happening (session started or ended, mode changed) in the channel."""
    text = describe(event, None)
    return Message(text, [section(text)])


def huddle_alert(user: str, key: RoomKey) -> Message:
    """Tell a moderator that someone is in the huddle without a place on stage."""
    text = (
        f":eyes: {mention(user)} is in this channel's huddle but is not on stage. "
        "Slack cannot remove people from a huddle; invite them on stage or ask them to leave."
    )
    return Message(
        text,
        [
            section(text),
            actions(
                button("Invite on stage", INVITE, value_for(key, user), "primary"),
                button("Ask them to leave", ASK_LEAVE, value_for(key, user), "danger"),
            ),
        ],
    )


def leave_request(by: str) -> Message:
    """Ask someone, for a moderator, to leave the huddle."""
    text = (
        f":wave: {mention(by)}, a moderator, asks you to leave the huddle: you are not on stage. "
        "Use *Ask to join stage* or *Raise hand* on the roster to take part."
    )
    return Message(text, [section(text)])


def help_message() -> Message:
    """List /stage's subcommands."""
    text = "\n".join(
        [
            "*/stage* runs this channel's huddle as a stage.",
            "*Everyone:* `join` · `ask [note]` · `cancel` · `decline` (an invitation) · `hand` · `hand down` · "
            "`status`",
            "*Moderators:* `start [mode]` · `end` · `mode open|request|invite` · `approve @name` · "
            "`decline @name [reason]` · `invite @name` · `remove @name` · `hand down @name`",
            "*Admins:* `default open|request|invite|event|webinar` · `capacity N` · `cameras N` · "
            "`cooldown SECONDS` · `expiry SECONDS` · `moderators add|remove @name|@group` — or use the app's Home tab.",
        ]
    )
    return Message(text, [section(text)])


# -- the roster ------------------------------------------------------------------------------


def roster(status: ev.StatusReply, key: RoomKey, stage_channel: str | None = None) -> Message:
    """Render the live roster message: mode, count, cameras, queue, hands and the buttons."""
    if not status.live:
        text = "No stage session is live. A moderator can start one with `/stage start`."
        return Message(text, [{"type": "header", "text": plain("Stage", 150)}, section(text)])
    audio_only = [u for u in status.on_stage if u not in status.on_camera]
    where = f"<{huddle_url(key, stage_channel)}|the {'stage channel' if stage_channel else 'channel'}'s huddle>"
    text = f"Stage: {mode_label(status.mode)}, on stage {status.count} / {status.capacity}"
    blocks: Blocks = [
        {"type": "header", "text": plain(f"Stage — {Mode(status.mode).label}", 150)},
        section(f"*On stage: {status.count} / {status.capacity}*  ·  the stage is {where}"),
        section(f"*On camera:* {people(status.on_camera)}\n*Audio only:* {people(audio_only)}"),
        section(f"*Queue ({len(status.requests)}):* {queue_text(status.requests)}"),
        section(f"*Invited:* {people(status.invitations)}\n*Hands:* {people(status.hands)}"),
        actions(*roster_buttons(status.mode, key), block_id="roster_actions"),
        context("Moderators: use *Moderator panel* to bring people on stage, invite, decline or remove."),
    ]
    return Message(text, blocks)


def roster_buttons(mode: str, key: RoomKey) -> list[dict[str, Any]]:
    """Return the roster's buttons for the mode; action ids are unique within the block."""
    value = value_for(key)
    if mode == Mode.OPEN:
        first = [button("Join stage", JOIN, value, "primary")]
    elif mode == Mode.REQUEST:
        first = [
            button("Ask to join stage", ASK, value, "primary"),
            button("Cancel request", CANCEL, value),
            button("Join stage (invited)", JOIN_INVITED, value),
        ]
    else:
        first = [button("Join stage (invited)", JOIN_INVITED, value, "primary")]
    return first + [
        button("Raise hand", HAND, value),
        button("Lower hand", HAND_DOWN, value),
        button("Moderator panel", PANEL, value),
    ]


# -- modals and the Home tab -------------------------------------------------------------------


def modal(callback_id: str, title: str, blocks: Blocks, key: RoomKey, submit: str | None = None) -> dict[str, Any]:
    """Return a modal view that remembers its channel."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": key.channel,
        "title": plain(title, 24),
        "close": plain("Close", 24),
        "blocks": blocks[:100],
    }
    if submit:
        view["submit"] = plain(submit, 24)
    return view


def get_ready(key: RoomKey, stage_channel: str | None = None) -> dict[str, Any]:
    """J1: the get-ready step before joining the stage."""
    text = (
        "*Get ready to join the stage.*\nCheck your microphone and camera, then press *Join stage*.\n"
        f"The stage is <{huddle_url(key, stage_channel)}|this huddle> — open it if you are not in it yet."
    )
    return modal(GET_READY, "Get ready", [section(text)], key, submit="Join stage")


def ask_note(key: RoomKey) -> dict[str, Any]:
    """J2: ask to join, with an optional short note for the moderators."""
    note = {
        "type": "input",
        "block_id": "note",
        "optional": True,
        "label": plain("What would you like to say? (optional)", 2000),
        "element": {"type": "plain_text_input", "action_id": "note", "max_length": 200},
    }
    return modal(ASK_NOTE, "Ask to join stage", [note], key, submit="Ask")


def decline_reason(key: RoomKey, user: str, panel_id: str | None = None) -> dict[str, Any]:
    """J5: decline someone's request, with an optional reason they are told."""
    reason = {
        "type": "input",
        "block_id": "reason",
        "optional": True,
        "label": plain("Reason (optional; they will see it)", 2000),
        "element": {"type": "plain_text_input", "action_id": "reason", "max_length": REASON_LIMIT},
    }
    blocks = [section(f"Decline {mention(user)}'s request to join the stage?"), reason]
    view = modal(DECLINE_REASON, "Decline request", blocks, key, submit="Decline")
    view["private_metadata"] = f"{value_for(key, user)}|{panel_id or ''}"
    return view


def parse_decline(private_metadata: str) -> tuple[str, str, str | None]:
    """Return (channel, user, moderator panel view id or None) from a decline form."""
    channel, user, panel_id = ((private_metadata or "").split("|") + ["", ""])[:3]
    return channel, user, panel_id or None


def panel(status: ev.StatusReply, key: RoomKey) -> dict[str, Any]:
    """Render the moderator panel: queue, stage, hands and invitations, each with its actions."""
    blocks: Blocks = [section(status_words(status))]
    if status.live:
        blocks += _panel_rows("Queue", status.requests, key, _request_row)
        blocks += _panel_rows("On stage", [{"user": u} for u in status.on_stage], key, _stage_row)
        blocks += _panel_rows("Hands", [{"user": u} for u in status.hands], key, _hand_row)
        blocks.append(
            actions(
                {
                    "type": "users_select",
                    "action_id": INVITE_PICK,
                    "placeholder": plain("Invite someone on stage…", 150),
                },
                block_id="invite_pick",
            )
        )
    return modal(PANEL_VIEW, "Moderator panel", blocks, key)


INVITE_PICK, PANEL_VIEW = "mod_invite_pick", "moderator_panel"


def _panel_rows(title: str, rows: list[dict[str, Any]], key: RoomKey, render: Any) -> Blocks:
    blocks: Blocks = [{"type": "divider"}, section(f"*{title} ({len(rows)})*")]
    for row in rows[:PANEL_ROWS]:
        blocks += render(row, key)
    if len(rows) > PANEL_ROWS:
        blocks.append(context(f"…and {len(rows) - PANEL_ROWS} more, shown as the first ones are answered."))
    return blocks


def _request_row(row: dict[str, Any], key: RoomKey) -> Blocks:
    note = f" — “{row['note']}”" if row.get("note") else ""
    return [
        section(f"{row.get('position', '')}. {mention(row['user'])}{note}"),
        actions(
            button("Bring to stage", APPROVE, value_for(key, row["user"]), "primary"),
            button("Decline", DECLINE, value_for(key, row["user"]), "danger"),
        ),
    ]


def _stage_row(row: dict[str, Any], key: RoomKey) -> Blocks:
    return [section(mention(row["user"]), button("Remove from stage", REMOVE, value_for(key, row["user"]), "danger"))]


def _hand_row(row: dict[str, Any], key: RoomKey) -> Blocks:
    return [
        section(mention(row["user"])),
        actions(
            button("Invite on stage", INVITE, value_for(key, row["user"]), "primary"),
            button("Lower hand", LOWER, value_for(key, row["user"])),
        ),
    ]


MODE_CHOICES = ["open", "request", "invite", "event", "webinar"]


def _mode_input() -> dict[str, Any]:
    options = [{"text": plain(mode_label(m) if parse_mode(m) else f"{m} preset"), "value": m} for m in MODE_CHOICES]
    return {
        "type": "input",
        "block_id": "default_mode",
        "optional": True,
        "label": plain("Default mode (or preset)", 2000),
        "element": {"type": "static_select", "action_id": "default_mode", "options": options},
    }


def _number_input(block_id: str, label: str, hint: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": plain(label, 2000),
        "hint": plain(hint, 2000),
        "element": {"type": "number_input", "is_decimal_allowed": False, "action_id": block_id},
    }


def settings_form(key: RoomKey, status: ev.StatusReply, stage_channel: str | None) -> dict[str, Any]:
    """A2: the channel's defaults as a form; blank fields stay as they are."""
    number = _number_input

    def users(block_id: str, label: str) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "optional": True,
            "label": plain(label, 2000),
            "element": {"type": "multi_users_select", "action_id": block_id},
        }

    gated = "on" if stage_channel else "off"
    blocks: Blocks = [
        section(f"Settings for <#{key.channel}>. Leave a field blank to keep it."),
        _mode_input(),
        number("capacity", "Stage capacity", f"Now {status.capacity}. People on stage, moderators included."),
        number("cameras", "Camera slots", "The most recent joiners are on camera; default 25."),
        number("cooldown", "Cooldown after a declined request (seconds)", "Default 0."),
        number("expiry", "Invitation expiry (seconds)", "Default 600."),
        users("moderators_add", "Add moderators"),
        users("moderators_remove", "Remove moderators"),
        {
            "type": "input",
            "block_id": "gated",
            "label": plain("Gated stage channel", 2000),
            "hint": plain("On: a private channel whose huddle is the stage; stagedoor adds and removes people.", 2000),
            "element": {
                "type": "radio_buttons",
                "action_id": "gated",
                "initial_option": {"text": plain(gated), "value": gated},
                "options": [{"text": plain("off"), "value": "off"}, {"text": plain("on"), "value": "on"}],
            },
        },
    ]
    return modal(SETTINGS, "Channel settings", blocks, key, submit="Save")


def workspace_form(key: RoomKey) -> dict[str, Any]:
    """M2, A2: the workspace's defaults as a form, inherited by every channel without its own value."""
    blocks: Blocks = [
        section(
            "Defaults for *every channel* of this workspace. A channel's own setting still wins. "
            "Leave a field blank to keep it."
        ),
        _mode_input(),
        _number_input("capacity", "Stage capacity", "Built-in default 100. People on stage, moderators included."),
        _number_input("cameras", "Camera slots", "Built-in default 25. The most recent joiners are on camera."),
        _number_input("cooldown", "Cooldown after a declined request (seconds)", "Built-in default 0."),
        _number_input("expiry", "Invitation expiry (seconds)", "Built-in default 600."),
    ]
    return modal(WORKSPACE_SETTINGS, "Workspace defaults", blocks, key, submit="Save")


def home(rooms: list[tuple[RoomKey, ev.StatusReply, list[str], str | None]], workspace: RoomKey) -> dict[str, Any]:
    """Render the App Home admin page: workspace defaults, pick a channel, see each room's defaults."""
    blocks: Blocks = [
        {"type": "header", "text": plain("stagedoor — admin page", 150)},
        section(
            "Pick a channel to set its default mode (or the *event*/*webinar* preset), capacity, camera slots, "
            "cooldown, invitation expiry, moderators and gated stage channel, or use *Workspace defaults* to set "
            "them for every channel without its own value. Only workspace admins can save."
        ),
        actions(
            {"type": "conversations_select", "action_id": HOME_PICK, "placeholder": plain("Configure a channel…", 150)},
            button("Workspace defaults", HOME_WORKSPACE, value_for(workspace)),
            block_id="home_pick",
        ),
        {"type": "divider"},
    ]
    for key, status, moderators, stage_channel in rooms[:40]:
        gate = f"<#{stage_channel}>" if stage_channel else "off"
        text = (
            f"<#{key.channel}> — {'live, ' if status.live else ''}mode *{mode_label(status.mode)}*, "
            f"capacity {status.capacity}, gated stage channel: {gate}\nModerators: {people(moderators, 10)}"
        )
        blocks.append(section(text, button("Edit", HOME_EDIT, value_for(key))))
    if len(rooms) > 40:
        blocks.append(context(f"…and {len(rooms) - 40} more channels; pick one above."))
    return {"type": "home", "blocks": blocks[:100]}
