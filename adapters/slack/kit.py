"""Block Kit pieces every Slack payload is built from, and the action ids buttons carry.

Blocks are built with slack_sdk's models, whose validators refuse a payload over Slack's
limits; text is clipped to those limits first, so a long list shortens instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InteractiveElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from core.modes import parse_mode
from core.room import RoomKey

Blocks = list[dict[str, Any]]

TEXT_LIMIT = 3000
LIST_LIMIT = 40  # names listed before "…and N more": 40 mentions stay far below 3000 characters
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
ACTIONS_LIMIT = 25

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
INVITE_PICK = "mod_invite_pick"
# Running the line (Q1, Q2, Q3, T2).
NEXT, WITHDRAW, HANDS_DOWN_ALL = "mod_next", "mod_withdraw", "mod_hands_down_all"
EXTEND_MINUTE, EXTEND_FIVE = "mod_extend_60", "mod_extend_300"
HOME_EDIT, HOME_PICK, HOME_WORKSPACE = "home_edit", "home_pick_channel", "home_workspace_defaults"
# Modal callback ids.
GET_READY, ASK_NOTE, SETTINGS = "get_ready", "ask_note", "channel_settings"
WORKSPACE_SETTINGS, DECLINE_REASON, PANEL_VIEW = "workspace_settings", "decline_reason", "moderator_panel"


@dataclass(frozen=True)
class Message:
    """A message's fallback text and its blocks."""

    text: str
    blocks: Blocks


def words(text: str) -> Message:
    """Return a message that is one section of text."""
    return Message(text, [section(text)])


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


def queue_text(requests: list[dict[str, Any]], limit: int = LIST_LIMIT) -> str:
    """List requests with their positions, summarising past the limit."""
    if not requests:
        return "nobody"
    shown = "  ".join(f"{r['position']}. {mention(r['user'])}" for r in requests[:limit])
    return shown + (f" …and {len(requests) - limit} more" if len(requests) > limit else "")


def mode_label(mode: str) -> str:
    """Return a mode as people read it: "Join by request (request)"."""
    found = parse_mode(mode)
    return f"{found.label} ({found.value})" if found else mode


def plain(text: str, limit: int = 75) -> PlainTextObject:
    """Return plain text cut to a limit."""
    return PlainTextObject(text=text[:limit])


def section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a mrkdwn section, clipped to Slack's 3000 characters."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text)), accessory=accessory).to_dict()


def context(text: str) -> dict[str, Any]:
    """Return a context line."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text))]).to_dict()


def header(text: str) -> dict[str, Any]:
    """Return a header line."""
    return HeaderBlock(text=plain(text, 150)).to_dict()


def divider() -> dict[str, Any]:
    """Return a divider."""
    return DividerBlock().to_dict()


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """Return a button that carries where and on whom it acts."""
    return ButtonElement(text=plain(label), action_id=action_id, value=value[:2000], style=style).to_dict()


def actions(*elements: dict[str, Any] | InteractiveElement, block_id: str | None = None) -> dict[str, Any]:
    """Return an actions block (at most 25 elements)."""
    return ActionsBlock(elements=list(elements)[:ACTIONS_LIMIT], block_id=block_id).to_dict()


def value_for(key: RoomKey, user: str = "") -> str:
    """Return a button value: where the button acts, and on whom. Never who may click it (A3)."""
    return f"{key.channel}|{user}"


def parse_value(value: str) -> tuple[str, str]:
    """Return (channel, user) from a button value."""
    channel, _, user = (value or "").partition("|")
    return channel, user
