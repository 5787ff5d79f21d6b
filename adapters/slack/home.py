"""The App Home tab: the admin page listing each room's defaults."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ConversationSelectElement
from slack_sdk.models.views import View

from adapters.slack.kit import (
    HOME_EDIT,
    HOME_PICK,
    HOME_WORKSPACE,
    VIEW_BLOCKS,
    Blocks,
    actions,
    button,
    context,
    divider,
    header,
    mode_label,
    people,
    plain,
    section,
    value_for,
)
from core import events as ev
from core.room import RoomKey

HOME_ROOMS = 40  # rooms listed on the page; the channel picker reaches the rest
HOME_MODERATORS = 10

HomeRoom = tuple[RoomKey, ev.StatusReply, list[str], str | None]


def home(rooms: list[HomeRoom], workspace: RoomKey) -> dict[str, Any]:
    """Render the App Home admin page: workspace defaults, pick a channel, see each room's defaults."""
    pick = ConversationSelectElement(action_id=HOME_PICK, placeholder=plain("Configure a channel…", 150))
    blocks: Blocks = [
        header("stagedoor — admin page"),
        section(
            "Pick a channel to set its default mode (or the *event*/*webinar* preset), capacity, camera slots, "
            "cooldown, invitation expiry, moderators and gated stage channel, or use *Workspace defaults* to set "
            "them for every channel without its own value. Only workspace admins can save."
        ),
        actions(pick, button("Workspace defaults", HOME_WORKSPACE, value_for(workspace)), block_id="home_pick"),
        divider(),
    ]
    for key, status, moderators, stage_channel in rooms[:HOME_ROOMS]:
        gate = f"<#{stage_channel}>" if stage_channel else "off"
        text = (
            f"<#{key.channel}> — {'live, ' if status.live else ''}mode *{mode_label(status.mode)}*, "
            f"capacity {status.capacity}, gated stage channel: {gate}\n"
            f"Moderators: {people(moderators, HOME_MODERATORS)}"
        )
        blocks.append(section(text, button("Edit", HOME_EDIT, value_for(key))))
    if len(rooms) > HOME_ROOMS:
        blocks.append(context(f"…and {len(rooms) - HOME_ROOMS} more channels; pick one above."))
    return View(type="home", blocks=blocks[:VIEW_BLOCKS]).to_dict()
