"""The live roster message in the channel and the moderator panel modal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import UserSelectElement

from adapters.present import invited_actions, panel_actions
from adapters.present.turns import time_left
from adapters.slack.forms import modal
from adapters.slack.kit import (
    APPROVE,
    ASK,
    CANCEL,
    DECLINE,
    HAND,
    HAND_DOWN,
    INVITE,
    INVITE_PICK,
    JOIN,
    JOIN_INVITED,
    LIST_LIMIT,
    LOWER,
    PANEL,
    PANEL_VIEW,
    REMOVE,
    Blocks,
    Message,
    actions,
    button,
    context,
    divider,
    header,
    huddle_url,
    mention,
    mode_label,
    people,
    plain,
    queue_text,
    section,
    value_for,
)
from adapters.slack.render import action_buttons
from core import events as ev
from core.modes import Mode
from core.room import RoomKey

PANEL_ROWS = 15  # people per section in the moderator panel: 2 blocks each for the queue and hands, 1 on stage
INVITED_ROWS = 5  # pending invitations shown with *Withdraw*: with the rest, the panel stays within 100 blocks

Row = dict[str, Any]


def stats_table(stats: ev.StatsReply) -> list[str]:
    """Lay out each person's R1 figures, one line each, below the stats heading."""
    return [
        f"{mention(p['user'])}: {p['stage_seconds']} s on stage · joined {p['joins']} · asked {p['requests']} · "
        f"declined {p['declined']} · waited {p['waited_seconds']} s"
        for p in stats.people
    ]


def status_table(status: ev.StatusReply) -> list[str]:
    """List who is where in a live session, for `/stage status` and the moderator panel."""
    audio_only = [user for user in status.on_stage if user not in status.on_camera]
    return [
        f"On stage: {status.count} / {status.capacity}",
        f"On camera: {people(status.on_camera)}",
        f"Audio only: {people(audio_only)}",  # on stage too: C2 gives cameras to some, the stage holds everyone
        f"Queue: {queue_text(status.requests)}",
        f"Invited: {people(status.invitations)}",
        f"Hands: {people(status.hands)}",
    ]


def status_words(status: ev.StatusReply) -> str:
    """Summarise the room at the top of the moderator panel."""
    if not status.live:
        return f"No session is live. The next one starts in *{mode_label(status.mode)}* mode."
    return "\n".join([f"*{mode_label(status.mode)}*", *status_table(status)])


def roster(
    status: ev.StatusReply,
    key: RoomKey,
    stage_channel: str | None = None,
    cameras: list[str] | None = None,
    now: float | None = None,
) -> Message:
    """Render the live roster message: mode, count, cameras, each timed turn's time left, queue, hands, buttons."""
    if not status.live:
        text = "No stage session is live. A moderator can start one with `/stage start`."
        return Message(text, [header("Stage"), section(text)])
    audio_only = [u for u in status.on_stage if u not in status.on_camera]
    where = f"<{huddle_url(key, stage_channel)}|the {'stage channel' if stage_channel else 'channel'}'s huddle>"
    text = f"Stage: {mode_label(status.mode)}, on stage {status.count} / {status.capacity}"
    blocks: Blocks = [
        header(f"Stage — {Mode(status.mode).label}"),
        section(f"*On stage: {status.count} / {status.capacity}*  ·  the stage is {where}"),
        section(f"*On camera:* {people(status.on_camera)}\n*Audio only:* {people(audio_only)}"),
        # Its own block: four lists of 40 names would come near a section's 3,000 characters.
        *huddle_cameras(status, cameras or []),
        *turns_left(status, now),
        section(f"*Queue ({len(status.requests)}):* {queue_text(status.requests)}"),
        section(f"*Invited:* {people(status.invitations)}\n*Hands:* {people(status.hands)}"),
        actions(*roster_buttons(status.mode, key), block_id="roster_actions"),
        context("Moderators: use *Moderator panel* to bring people on stage, invite, decline or remove."),
    ]
    return Message(text, blocks)


def turns_left(status: ev.StatusReply, now: float | None) -> Blocks:
    """T1: each timed speaker's time left, the turn ending first first, in the presenter's coarse steps."""
    if not status.turns or now is None:
        return []
    ends = sorted(status.turns.items(), key=lambda item: (item[1], item[0]))
    shown = [f"{mention(user)} {time_left(at - now)}" for user, at in ends[:LIST_LIMIT]]
    more = f" …and {len(ends) - LIST_LIMIT} more" if len(ends) > LIST_LIMIT else ""
    return [section(f"*Time left:* {' · '.join(shown)}{more}")]


def huddle_cameras(status: ev.StatusReply, cameras: list[str]) -> Blocks:
    """C2 beside Slack's truth: whose camera the huddle shows on, and who has it on without a camera slot."""
    if not cameras:
        return []
    lines = [f"*Camera on in the huddle:* {people(cameras)}"]
    unslotted = [user for user in cameras if user not in status.on_camera]
    if unslotted:
        lines.append(f"*Camera on without a slot:* {people(unslotted)}")
    return [section("\n".join(lines))]


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


def panel(status: ev.StatusReply, key: RoomKey) -> dict[str, Any]:
    """Render the moderator panel: queue, stage, hands and invitations, each with its actions."""
    blocks: Blocks = [section(status_words(status))]
    if status.live:
        blocks += _panel_rows("Queue", status.requests, key, _request_row)
        blocks += _panel_rows("On stage", [{"user": u} for u in status.on_stage], key, _stage_row)
        blocks += _panel_rows("Hands", [{"user": u} for u in status.hands], key, _hand_row)
        invited = [{"user": u} for u in status.invitations]
        blocks += _panel_rows("Invited", invited, key, _invited_row, INVITED_ROWS)
        room_wide = action_buttons(panel_actions(status), key)
        if room_wide:
            blocks.insert(1, actions(*room_wide, block_id="line_actions"))
        pick = UserSelectElement(action_id=INVITE_PICK, placeholder=plain("Invite someone on stage…", 150))
        blocks.append(actions(pick, block_id="invite_pick"))
    return modal(PANEL_VIEW, "Moderator panel", list(blocks), key)


def _panel_rows(
    title: str, rows: list[Row], key: RoomKey, render: Callable[[Row, RoomKey], Blocks], limit: int = PANEL_ROWS
) -> Blocks:
    blocks: Blocks = [divider(), section(f"*{title} ({len(rows)})*")]
    for row in rows[:limit]:
        blocks += render(row, key)
    if len(rows) > limit:
        blocks.append(context(f"…and {len(rows) - limit} more, shown as the first ones are answered."))
    return blocks


def _request_row(row: Row, key: RoomKey) -> Blocks:
    note = f" — “{row['note']}”" if row.get("note") else ""
    return [
        section(f"{row.get('position', '')}. {mention(row['user'])}{note}"),
        actions(
            button("Bring to stage", APPROVE, value_for(key, row["user"]), "primary"),
            button("Decline", DECLINE, value_for(key, row["user"]), "danger"),
        ),
    ]


def _stage_row(row: Row, key: RoomKey) -> Blocks:
    return [section(mention(row["user"]), button("Remove from stage", REMOVE, value_for(key, row["user"]), "danger"))]


def _invited_row(row: Row, key: RoomKey) -> Blocks:
    return [section(mention(row["user"]), action_buttons(invited_actions(row["user"]), key)[0])]


def _hand_row(row: Row, key: RoomKey) -> Blocks:
    return [
        section(mention(row["user"])),
        actions(
            button("Invite on stage", INVITE, value_for(key, row["user"]), "primary"),
            button("Lower hand", LOWER, value_for(key, row["user"])),
        ),
    ]
