"""The presenter's notices in Discord's format: `**bold**`, mentions, buttons, and Discord's own hints.

What each event means to whom is decided once, in adapters/present; here a notice
becomes content and components. The channel is the place notices are about: DMs
name it first, since a DM has no channel of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import discord

from adapters.discord.buttons import StageButton
from adapters.discord.kit import Message, Place, mention
from adapters.discord.roster import LINE_BUTTONS, line_parts, stats_embed, status_embed
from adapters.present import Action, ActionKind, Notice, present, present_error, request_note
from core import events as ev
from core.errors import NoRequest

EMPHASIS = re.compile(r"\*([^*\n]+)\*")
SPEAK_HINT = "discord.accept_invitation_to_speak"
MAX_BUTTONS = 25  # five rows of five: all a message may hold
# Moderators are pinged in the chat only where they have something to answer; the panel shows the rest.
# A turn about to end can be extended (T2); one that ended frees a place for the next speaker (Q1).
MODERATOR_PINGS = (ev.RequestCreated, ev.InvitationDeclined, ev.InvitationExpired, ev.TurnWarning)

# The button for each action: custom-id action, label, style.
BUTTONS: dict[ActionKind, tuple[str, str, discord.ButtonStyle]] = {
    ActionKind.JOIN_STAGE: ("join", "Join stage", discord.ButtonStyle.success),
    ActionKind.DECLINE_INVITATION: ("decinv", "Decline invitation", discord.ButtonStyle.secondary),
    ActionKind.CANCEL_REQUEST: ("cancel", "Cancel request", discord.ButtonStyle.secondary),
    ActionKind.ASK_TO_JOIN: ("ask", "Ask to join stage", discord.ButtonStyle.primary),
    ActionKind.RAISE_HAND: ("hand", "Raise hand", discord.ButtonStyle.secondary),
    ActionKind.LOWER_HAND: ("lower", "Lower hand", discord.ButtonStyle.secondary),
    ActionKind.BRING_TO_STAGE: ("bring", "Bring to stage", discord.ButtonStyle.success),
    ActionKind.DECLINE_REQUEST: ("decline", "Decline request", discord.ButtonStyle.danger),
    ActionKind.INVITE: ("invite", "Invite on stage", discord.ButtonStyle.primary),
    ActionKind.REMOVE: ("remove", "Remove from stage", discord.ButtonStyle.secondary),
    ActionKind.SHOW_NOTE: ("note", "Show note", discord.ButtonStyle.secondary),
}
INVITATION = (ActionKind.JOIN_STAGE, ActionKind.DECLINE_INVITATION)
# Discord's words for refusals that mean something more precise here: the room is a voice connection.
NOT_CONNECTED_YOU = "You are not connected to {channel}. Connect to it first, then try again."
NOT_CONNECTED = "{user} is not connected to {channel}. Pick someone who is, or wait until they connect."


def words(notice: Notice, place: Place) -> str:
    """Return a notice's text in Discord's markdown, people as mentions, with Discord's own hint added."""
    template = _template(notice)
    # What people typed (a note, a reason) is shown as typed, never read as Discord markdown.
    names: dict[str, str | int] = {
        key: discord.utils.escape_markdown(value) if isinstance(value, str) else value
        for key, value in notice.values.items()
    }
    names["channel"] = place.channel
    names.update({key: mention(user) for key, user in notice.people.items()})
    names.update({key: ", ".join(mention(user) for user in group) for key, group in notice.groups.items()})
    text = EMPHASIS.sub(r"**\1**", template).format_map(names)
    hint = _hint(notice, place)
    return f"{text} {hint}" if hint else text


def _template(notice: Notice) -> str:
    if notice.key == "error.unknown_user.you.actor":
        return NOT_CONNECTED_YOU
    if notice.key == "error.unknown_user.actor":
        return NOT_CONNECTED
    return notice.text


def _hint(notice: Notice, place: Place) -> str | None:
    """Discord's own addition: a stage channel asks the speaker to accept Discord's invitation to speak."""
    if notice.hint != SPEAK_HINT:
        return None
    kinds = tuple(action.kind for action in notice.actions)
    if kinds == INVITATION:
        if place.stage:
            return "Accept Discord's invitation to speak (or press **Join stage**), or press **Decline invitation**."
        return (
            "Get ready: check your microphone and camera, then press **Join stage**; or press **Decline invitation**."
        )
    return "Accept Discord's invitation to speak to start talking." if place.stage else None


def view_of(actions: Iterable[Action], place: Place, ready: bool = False) -> discord.ui.View | None:
    """Return the buttons for a notice's actions (none for a target Discord cannot name)."""
    view = discord.ui.View(timeout=None)
    seen: set[Action] = set()
    for action in actions:
        if action in seen or len(seen) >= MAX_BUTTONS:
            continue
        target = action.target
        if target is not None and not target.isdigit():
            continue
        seen.add(action)
        # The line's controls look as on the panel, less the name: the notice's words say whom they act on.
        name, label, style = line_parts(action) if action.kind in LINE_BUTTONS else BUTTONS[action.kind]
        if name == "join" and ready and not place.stage:
            name = "ready"  # the words already gave the get-ready step (J1)
        user = int(target) if target else None
        view.add_item(
            StageButton(name, place.guild_id, place.channel_id, user, label=label, style=style, seconds=action.seconds)
        )
    return view if view.children else None


def message(notice: Notice, place: Place, line: bool = False) -> Message:
    """Return one notice as a Discord message; with `line`, the line's buttons follow its own (moderators')."""
    ready = notice.hint == SPEAK_HINT  # invitations in a voice channel say how to get ready
    actions = (*notice.actions, *notice.line_actions) if line else notice.actions
    return Message(content=words(notice, place), view=view_of(actions, place, ready))


def for_recipient(event: ev.Event, recipient: str, batch: Sequence[ev.Event] = ()) -> Notice | None:
    """Return the notice a recipient gets about an event, if any."""
    return next((notice for notice in present(event, batch) if notice.recipient == recipient), None)


# -- answers to the person who clicked or typed -------------------------------------------------


def error_words(error: ev.ErrorReply, place: Place) -> str:
    """Say what went wrong and what to do, in Discord's words."""
    return words(present_error(error), place)


def reply(events: Sequence[ev.Event], viewer: str, place: Place) -> Message:
    """Answer the clicker from what their action caused (shown only to them)."""
    lines: list[str] = []
    actions: list[Action] = []
    embed = None
    for event in events:
        if isinstance(event, ev.StatusReply):
            embed = status_embed(event, place)
            continue
        if isinstance(event, ev.StatsReply):
            embed = stats_embed(event, words(present(event, events)[0], place))
            continue
        notice = _for_viewer(event, viewer, events)
        if notice is not None:
            lines.append(words(notice, place))
            actions += notice.actions
    if not lines and embed is None:
        lines.append("Done.")
    ready = any(event.user == viewer for event in events if isinstance(event, (ev.InvitationSent, ev.RequestApproved)))
    return Message(content="\n".join(lines), embed=embed, view=view_of(actions, place, ready))


def _for_viewer(event: ev.Event, viewer: str, batch: Sequence[ev.Event]) -> Notice | None:
    """The viewer's own notice, else the room's, else what moderators read."""
    notices = present(event, batch)
    for recipient in (viewer, ev.ROOM, ev.MODERATORS):
        found = next((notice for notice in notices if notice.recipient == recipient), None)
        if found is not None:
            return found
    return None


# -- notices delivered from the event log -----------------------------------------------------------


def personal_notice(event: ev.Event, place: Place, batch: Sequence[ev.Event] = ()) -> Message | None:
    """Tell a participant about something someone else did to them (a DM)."""
    user = getattr(event, "user", None)
    notice = for_recipient(event, user, batch) if isinstance(user, str) else None
    if notice is None:
        return None
    told = message(notice, place)
    return Message(content=f"{place.channel}: {told.content}", view=told.view)


def room_notice(event: ev.Event, place: Place, batch: Sequence[ev.Event] = ()) -> Message | None:
    """Tell everyone in the channel's chat (sessions and modes)."""
    notice = for_recipient(event, ev.ROOM, batch)
    return message(notice, place) if notice is not None else None


def moderator_notice(
    event: ev.Event, place: Place, roles: Iterable[int] = (), batch: Sequence[ev.Event] = (), shared: bool = True
) -> Message | None:
    """Tell moderators of a request, an invitation that came to nothing, or a turn ending, with the line's buttons.

    `shared`: for the channel's chat, pinging `roles`, worded for a place everyone reads (a
    request's note left out, a button shows it to moderators); otherwise for the moderators'
    own DMs, with everything.
    """
    notice = for_recipient(event, ev.MODERATORS, batch) if pings_moderators(event, batch) else None
    if notice is None:
        return None
    if not shared:
        return message(notice, place, line=True)
    told = message(notice.shared or notice, place, line=True)
    listed = list(roles)
    pings = " ".join(f"<@&{role}>" for role in listed)
    content = f"{pings} {told.content}" if pings else told.content
    # Only the roles named here are pinged: never @everyone, never a member named in the words.
    mentions = discord.AllowedMentions(roles=[discord.Object(role) for role in listed], users=False, everyone=False)
    return Message(content=content, view=told.view, mentions=mentions)


def pings_moderators(event: ev.Event, batch: Sequence[ev.Event] = ()) -> bool:
    """Say whether moderators are told of an event beyond the panel: they have something to answer.

    A turn's end frees a place (Q1's Next speaker), unless auto-advance already offered it (T3):
    the same command then holds an invitation nobody sent.
    """
    if isinstance(event, MODERATOR_PINGS):
        return True
    if isinstance(event, ev.StageLeft) and event.reason == "turn_ended":
        return not any(isinstance(e, (ev.InvitationSent, ev.RequestApproved)) and e.by is None for e in batch)
    return False


def note_answer(viewer: str, request: dict[str, object] | None, user: str, place: Place) -> Message:
    """Show a moderator a requester's note (only them), or say the request is no longer pending."""
    if request is None:
        return Message(content=words(present_error(ev.ErrorReply.of(viewer, NoRequest(user=user))), place))
    note = request.get("note")
    position = request.get("position")
    notice = request_note(
        viewer, user, position if isinstance(position, int) else 0, note if isinstance(note, str) else None
    )
    return message(notice, place)
