"""The messages stagedoor sends people: answers, notices with their buttons, announcements, help."""

from __future__ import annotations

from typing import Any

from adapters.slack.kit import (
    APPROVE,
    ASK_LEAVE,
    CANCEL,
    DECLINE,
    DECLINE_INVITATION,
    INVITE,
    JOIN,
    PANEL,
    Blocks,
    Message,
    actions,
    button,
    clip,
    mention,
    section,
    value_for,
)
from adapters.slack.words import describe
from core import events as ev
from core.room import RoomKey


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


def usage_error(problem: str, hint: str) -> str:
    """Explain input /stage could not read, and what to type instead."""
    return f":no_entry_sign: {problem} {hint}"


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
