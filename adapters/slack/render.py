"""The Slack renderer: a presenter's Notice as mrkdwn with Slack's emoji, mentions and Block Kit buttons.

The presenter decided who is told what; this module only formats it. Emphasis in the
template is already Slack's `*bold*`. What people typed (notes, reasons) is escaped, so a
note cannot mention `<!channel>` or open a link.
"""

from __future__ import annotations

from typing import Any

from adapters.present import Action, ActionKind, Notice
from adapters.slack.kit import (
    APPROVE,
    ASK,
    CANCEL,
    DECLINE,
    DECLINE_INVITATION,
    EXTEND_FIVE,
    EXTEND_MINUTE,
    HAND,
    HAND_DOWN,
    HANDS_DOWN_ALL,
    INVITE,
    JOIN,
    NEXT,
    PANEL,
    REMOVE,
    WITHDRAW,
    Message,
    actions,
    button,
    clip,
    mention,
    people,
    section,
    value_for,
)
from core import events as ev
from core.room import RoomKey

# Slack's voice: an emoji before each notice, by the most specific key prefix that has one.
EMOJI: dict[str, str] = {
    "session.started": ":studio_microphone:",
    "session.ended": ":checkered_flag:",
    "mode.changed": ":arrows_counterclockwise:",
    "stage.joined": ":white_check_mark:",
    "stage.left": ":arrow_down:",
    "request.created": ":raised_hand:",
    "request.cancelled": ":wave:",
    "request.cancelled.mode_changed": ":information_source:",
    "request.approved": ":tada:",
    "request.declined": ":no_entry:",
    "invitation.sent": ":tada:",
    "invitation.declined": ":wave:",
    "invitation.expired": ":hourglass:",
    "invitation.cancelled": ":wave:",
    "hand.raised": ":raised_hand:",
    "hand.lowered": ":wave:",
    "settings.changed": ":gear:",
    "error": ":no_entry_sign:",
}
# What moderators see of an invitation is a report, not a celebration.
MODERATOR_EMOJI: dict[str, str] = {"request.approved": ":ballot_box_with_check:", "invitation.sent": ":envelope:"}

# Slack's own words where the presenter's would mislead: a Slack room is a channel, and its stage is the
# channel's huddle, which people leave (L2) without leaving the channel. Keyed by notice key.
SLACK_WORDS: dict[str, str] = {
    "stage.left.left_room.user": "You left the stage huddle or the channel, so you are off the stage.",
    "stage.left.left_room.moderators": "{user} left the stage huddle or the channel, so they are off the stage.",
    "request.cancelled.left_room.user": "Your request was cancelled because you left the channel.",
    "request.cancelled.left_room.moderators": "{user}'s request was cancelled: they left the channel.",
    "invitation.cancelled.left_room.user": "Your invitation was withdrawn: you left the channel.",
    "invitation.cancelled.left_room.moderators": "{user}'s invitation was withdrawn: they left the channel.",
    "hand.lowered.left_room.user": "Your hand is lowered: you left the channel.",
    "hand.lowered.left_room.moderators": "{user}'s hand is lowered: they left the channel.",
    "error.unknown_user.you.actor": "You are not in this channel, so you can't do that. Join the channel first.",
    "error.unknown_user.actor": "{user} is not in this channel. Check the name, or wait until they join it.",
}

# Each action as a button: its label, action id and style.
BUTTONS: dict[ActionKind, tuple[str, str, str | None]] = {
    ActionKind.JOIN_STAGE: ("Join stage", JOIN, "primary"),
    ActionKind.DECLINE_INVITATION: ("Decline invitation", DECLINE_INVITATION, None),
    ActionKind.CANCEL_REQUEST: ("Cancel request", CANCEL, None),
    ActionKind.ASK_TO_JOIN: ("Ask to join stage", ASK, "primary"),
    ActionKind.RAISE_HAND: ("Raise hand", HAND, None),
    ActionKind.LOWER_HAND: ("Lower hand", HAND_DOWN, None),
    ActionKind.BRING_TO_STAGE: ("Bring to stage", APPROVE, "primary"),
    ActionKind.DECLINE_REQUEST: ("Decline", DECLINE, "danger"),
    ActionKind.INVITE: ("Invite on stage", INVITE, "primary"),
    ActionKind.REMOVE: ("Remove from stage", REMOVE, "danger"),
    ActionKind.NEXT: ("Next speaker", NEXT, None),  # beside *Bring to stage*, which stays the primary
    ActionKind.UNINVITE: ("Withdraw invitation", WITHDRAW, None),
    ActionKind.HANDS_DOWN: ("Lower all hands", HANDS_DOWN_ALL, None),
}
# An extend button per step the presenter offers: its own action id, so two fit in one actions block.
EXTEND_BUTTONS: dict[int, tuple[str, str]] = {60: ("+1 min", EXTEND_MINUTE), 300: ("+5 min", EXTEND_FIVE)}
# Slack's addition to a moderator's notice of a request: the panel where the whole queue is.
PANEL_AFTER = "request.created"


def escape(text: str) -> str:
    """Escape what Slack's mrkdwn reads as markup: &, < and >."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def emoji(notice: Notice) -> str:
    """Return the emoji Slack shows before a notice (empty when it has none)."""
    parts = notice.key.split(".")
    table = {**EMOJI, **MODERATOR_EMOJI} if notice.recipient == ev.MODERATORS else EMOJI
    for end in range(len(parts), 0, -1):
        found = table.get(".".join(parts[:end]))
        if found:
            return found
    return ""


def mrkdwn(notice: Notice) -> str:
    """Fill a notice's template for Slack: mentions for people, escaped values, its emoji first."""
    filling: dict[str, str] = {name: mention(user) for name, user in notice.people.items()}
    filling.update({name: people(list(users)) for name, users in notice.groups.items()})
    filling.update({name: escape(str(value)) for name, value in notice.values.items()})
    text = SLACK_WORDS.get(notice.key, notice.text).format_map(_Missing(filling))
    mark = emoji(notice)
    return clip(f"{mark} {text}" if mark else text)


def buttons(notice: Notice, key: RoomKey) -> list[dict[str, Any]]:
    """Return the Block Kit buttons for a notice's actions, each carrying where and on whom it acts."""
    found = [_button(action, key) for action in (*notice.actions, *notice.line_actions)]
    if found and notice.recipient == ev.MODERATORS and notice.key.startswith(PANEL_AFTER):
        found.append(button("Moderator panel", PANEL, value_for(key)))
    return found


def render(notice: Notice, key: RoomKey) -> Message:
    """Render one notice as a Slack message: its text, then its buttons."""
    text = mrkdwn(notice)
    blocks = [section(text)]
    found = buttons(notice, key)
    if found:
        blocks.append(actions(*found))
    return Message(text, blocks)


def action_buttons(found: tuple[Action, ...], key: RoomKey) -> list[dict[str, Any]]:
    """Return the Block Kit buttons for actions the presenter offers outside a notice (the panel's)."""
    return [_button(action, key) for action in found]


def _button(action: Action, key: RoomKey) -> dict[str, Any]:
    if action.kind is ActionKind.EXTEND:
        label, action_id = EXTEND_BUTTONS[action.seconds or 0]
        return button(label, action_id, value_for(key, action.target or ""))
    label, action_id, style = BUTTONS[action.kind]
    return button(label, action_id, value_for(key, action.target or ""), style)


class _Missing(dict[str, str]):
    """A template's placeholder with nothing to fill stays visible instead of failing the notice."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
