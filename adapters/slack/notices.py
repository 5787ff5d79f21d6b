"""The messages stagedoor sends people: answers to a click or command, Slack's own notices, help."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.present import Notice, present, present_error
from adapters.slack.huddle_cap import over_cap
from adapters.slack.kit import (
    ASK_LEAVE,
    INVITE,
    MESSAGE_BLOCKS,
    Blocks,
    Message,
    actions,
    button,
    clip,
    mention,
    section,
    value_for,
    words,
)
from adapters.slack.panels import stats_table, status_table
from adapters.slack.render import buttons, mrkdwn
from core import events as ev
from core.errors import BadArgument, StageError
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
        "not_authed": "Slack did not accept the app's token; an admin should reinstall the app.",
        "invalid_auth": "Slack did not accept the app's token; an admin should reinstall the app.",
    }
    return f":warning: Slack refused to {action} ({error}). {hints.get(error, 'Try again in a moment.')}"


def refusal(error: StageError, actor: str = "") -> Message:
    """Word a refusal the adapter makes itself (A3 checks on buttons, /stage input it cannot read)."""
    return words(mrkdwn(present_error(ev.ErrorReply.of(actor, error))))


def usage_error(problem: str, hint: str) -> Message:
    """Explain input /stage could not read, and what to type instead."""
    return refusal(BadArgument(f"{problem} {hint}"))


def for_viewer(notices: Sequence[Notice], viewer: str) -> Notice | None:
    """Pick the notice a person sees of an event: their own, else the moderators' (they acted on someone)."""
    mine = [notice for notice in notices if notice.recipient == viewer]
    theirs = [notice for notice in notices if notice.recipient == ev.MODERATORS]
    return next(iter(mine or theirs), None)


def reply(events: list[ev.Event], viewer: str, key: RoomKey) -> Message | None:
    """Answer the person who clicked or typed, with the buttons their new position needs.

    Room-wide news (session started or ended, mode changed) is posted in the channel for everyone,
    so it is left out here; with nothing else to say there is no reply.
    """
    lines: list[str] = []
    found: list[dict[str, Any]] = []
    for event in events:
        if event.told == ev.ROOM:
            continue
        notice = for_viewer(present(event, events), viewer)
        if notice is None:
            continue
        text = mrkdwn(notice)
        if isinstance(event, ev.StatusReply) and event.live:
            text = clip("\n".join([text, *status_table(event)]))
        if isinstance(event, ev.StatsReply):
            text = clip("\n".join([text, *stats_table(event)]))
        if isinstance(event, ev.SettingsChanged) and event.setting in ("capacity", "workspace.capacity"):
            text = "\n".join(filter(None, [text, over_cap(int(event.value))]))
        lines.append(text)
        found = buttons(notice, key) or found  # the last event with answers decides the buttons
    if not lines:
        return None
    blocks: Blocks = [section(line) for line in lines[: MESSAGE_BLOCKS - 5]]
    if found:
        blocks.append(actions(*found))
    return Message(clip("\n".join(lines)), blocks)


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


def huddle_ended() -> Message:
    """Tell a moderator that the stage huddle ended while the session is still live."""
    text = (
        ":telephone_receiver: The stage huddle has ended. The stage session stays live until a moderator "
        "ends it with `/stage end`; whoever starts the huddle again carries on with the same stage."
    )
    return Message(text, [section(text)])


def huddle_left() -> Message:
    """Tell someone that leaving the stage huddle took them off the stage (L2)."""
    text = (
        ":door: You left the stage huddle, so you are off the stage. "
        "To come back, use the roster's buttons the way the stage's mode allows."
    )
    return Message(text, [section(text)])


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
            "`decline @name [reason]` · `invite @name` · `remove @name` · `hand down @name` · "
            "`next` · `uninvite @name` · `hands down` · `extend @name SECONDS` · `stats` (only you see it)",
            "*Admins:* `default open|request|invite|event|webinar` · `capacity N` · `cameras N` · "
            "`cooldown SECONDS` · `expiry SECONDS` · `turn SECONDS` (0 = no limit) · `advance on|off` · "
            "`order asked|fair` · `moderators add|remove @name|@group` — or use the app's Home tab; "
            "`export [days]` sends you this channel's records as CSV and JSON (the last 30 days, at most 366).",
        ]
    )
    return Message(text, [section(text)])
