"""The roster as an embed, and the control panel: the roster with everyone's buttons and the moderators' controls."""

from __future__ import annotations

import discord

from adapters.discord.buttons import StageButton, StagePicker
from adapters.discord.kit import Message, Place, mention, mode_label
from adapters.present import Action, ActionKind, line_controls
from core import events as ev

PANEL_FOOTER = "stagedoor control panel · every button checks who clicked it"
FIELD_BUDGET = 900  # of the 1024 a field may hold: six full fields stay under the 6000 an embed may hold
LABEL_NAME_LIMIT = 32
PANEL_ANSWER_ROWS = 2  # action rows left for Bring/Decline after the participant row and two pickers
ANSWERS_PER_ROW = 2
LINE_ROW = 3  # the line's controls take one of those rows when there are any
# The line's controls as panel buttons: custom-id action, label (a target's name follows), style.
LINE_BUTTONS: dict[ActionKind, tuple[str, str, discord.ButtonStyle]] = {
    ActionKind.NEXT: ("next", "Next speaker", discord.ButtonStyle.success),
    ActionKind.UNINVITE: ("uninvite", "Withdraw invitation", discord.ButtonStyle.secondary),
    ActionKind.HANDS_DOWN: ("handsdown", "Lower all hands", discord.ButtonStyle.secondary),
    ActionKind.EXTEND: ("extend", "+{minutes} min", discord.ButtonStyle.primary),
}


def listing(items: list[str], numbered: bool = False) -> str:
    """List items one a line, cut to what an embed field holds."""
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
    embed.add_field(name="On camera", value=listing([mention(u) for u in status.on_camera]), inline=False)
    if audio:
        embed.add_field(name="Audio only", value=listing(audio), inline=False)
    requests = []
    for item in status.requests:
        note = item.get("note")
        requests.append(mention(item["user"]) + (f" — {note}" if note else ""))
    embed.add_field(name="Requests", value=listing(requests, numbered=True), inline=False)
    embed.add_field(name="Invited", value=listing([mention(u) for u in status.invitations]), inline=True)
    embed.add_field(name="Hands", value=listing([mention(u) for u in status.hands], numbered=True), inline=True)
    if status.turns:
        # Discord counts a relative timestamp down by itself: the panel is edited only when a turn changes.
        ends = sorted(status.turns.items(), key=lambda item: (item[1], item[0]))
        turns = [f"{mention(user)} — ends <t:{int(at)}:R>" for user, at in ends]
        embed.add_field(name="Turns", value=listing(turns), inline=False)
    return embed


def panel(
    status: ev.StatusReply, place: Place, title: str, names: dict[str, str], warnings: list[str] | None = None
) -> Message:
    """The control panel: the roster, the buttons everyone has, and the moderators' controls."""
    embed = status_embed(status, place, title=f"Stage · {title}")
    if warnings:
        embed.add_field(name="⚠️ Not yet matching Discord", value=listing(warnings), inline=False)
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
    controls = line_controls(status)
    for action in controls:
        view.add_item(line_button(action, place, names))
    first = LINE_ROW + 1 if controls else LINE_ROW
    for index, item in enumerate(status.requests[: (PANEL_ANSWER_ROWS - (first - LINE_ROW)) * ANSWERS_PER_ROW]):
        user = item["user"]
        name = names.get(user, user)[:LABEL_NAME_LIMIT]
        row = first + index // ANSWERS_PER_ROW
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


def line_parts(action: Action) -> tuple[str, str, discord.ButtonStyle]:
    """Return a line control's custom-id action, label (without a target's name) and style."""
    custom, label, style = LINE_BUTTONS[action.kind]
    return custom, label.format(minutes=(action.seconds or 0) // 60), style


def line_button(action: Action, place: Place, names: dict[str, str]) -> StageButton:
    """One of the line's controls as a panel button, in the line's row; a target's name ends its label."""
    custom, label, style = line_parts(action)
    if action.target is not None:
        label += f" · {names.get(action.target, action.target)[:LABEL_NAME_LIMIT]}"
    user = int(action.target) if action.target is not None and action.target.isdigit() else None
    button = StageButton(
        custom, place.guild_id, place.channel_id, user, label=label, style=style, seconds=action.seconds
    )
    button.item.row = LINE_ROW
    return button


VOICE_STATUS_LIMIT = 500  # characters a voice channel's status may hold (Set Voice Channel Status)


def voice_status(status: ev.StatusReply) -> str | None:
    """The line Discord shows under a voice channel while a session is live, e.g. "Join by request · 3 waiting"."""
    if not status.live:
        return None
    parts = [mode_label(status.mode)]
    if status.requests:
        parts.append(f"{len(status.requests)} waiting")
    parts.append(f"{status.count}/{status.capacity} on stage")
    if status.hands:
        parts.append(f"{len(status.hands)} {'hand' if len(status.hands) == 1 else 'hands'} up")
    return " · ".join(parts)[:VOICE_STATUS_LIMIT]


def stats_embed(stats: ev.StatsReply, heading: str) -> discord.Embed:
    """R1's figures as an embed: the presenter's heading, then one line per person, most time on stage first."""
    embed = discord.Embed(title="Stage stats", description=heading, colour=discord.Colour.blurple())
    lines = [
        f"{mention(p['user'])}: {p['stage_seconds']} s on stage · joined {p['joins']} · asked {p['requests']} · "
        f"declined {p['declined']} · waited {p['waited_seconds']} s"
        for p in stats.people
    ]
    if lines:
        embed.add_field(name="People", value=listing(lines), inline=False)
    return embed
