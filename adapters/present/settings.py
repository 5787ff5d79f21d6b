"""The words for a changed setting, told to whoever changed it."""

from __future__ import annotations

from adapters.present.notice import Notice
from adapters.present.words import ACTOR, mode_label, notice
from core import events as ev

WORKSPACE = "workspace."  # the core's prefix for a setting of every channel in a workspace (a Discord server)

_CHANNEL: dict[str, str] = {
    "default": "Sessions here now start in *{mode}* mode.",
    "capacity": "The stage now holds up to {value} people.",
    "cameras": "Up to {value} people on stage are now on camera.",
    "cooldown": "After a declined request, people now wait {value} s before asking again.",
    "expiry": "Invitations now expire after {value} s unanswered.",
    "moderators": "Moderators of this channel: {moderators}.",
    "moderators.none": "Moderators of this channel: none listed.",
    "turn": "Each turn on stage now lasts {value} s (moderators have no limit); a running turn keeps its length.",
    "turn.none": "Turns on stage now have no time limit.",
    "advance.on": "Auto-advance is on: a place freed by a turn's end or a removal goes to the next in line.",
    "advance.off": "Auto-advance is off: moderators call the next speaker with /stage next.",
    "order.asked": "Requests are now lined up in the order they were made.",
    "order.fair": "Requests are now lined up fairly: least time on stage this session first.",
}
_WORKSPACE: dict[str, str] = {
    "default": "Sessions now start in *{mode}* mode in every channel without a default mode of its own.",
    "capacity": "The stage now holds up to {value} people in every channel without a capacity of its own.",
    "cameras": "Up to {value} people on stage are now on camera in every channel without its own camera slots.",
    "cooldown": "After a declined request, people now wait {value} s before asking again, in every channel "
    "without a cooldown of its own.",
    "expiry": "Invitations now expire after {value} s unanswered in every channel without an expiry of its own.",
    "moderators": "Moderators of every channel now include {moderators}, beside each channel's own moderators.",
    "moderators.none": "No one moderates every channel now; each channel keeps its own moderators.",
    "turn": "Each turn on stage now lasts {value} s in every channel without a turn length of its own.",
    "turn.none": "Turns on stage have no time limit now in every channel without a turn length of its own.",
    "advance.on": "Auto-advance is on in every channel without a setting of its own.",
    "advance.off": "Auto-advance is off in every channel without a setting of its own.",
    "order.asked": "Requests are lined up in asking order in every channel without an order of its own.",
    "order.fair": "Requests are lined up fairly (least time on stage first) in every channel without its own order.",
}


def settings_notice(event: ev.SettingsChanged) -> Notice:
    """Word a changed setting for the person who changed it."""
    workspace = event.setting.startswith(WORKSPACE)
    setting = event.setting.removeprefix(WORKSPACE)
    table = _WORKSPACE if workspace else _CHANNEL
    groups: dict[str, tuple[str, ...]] = {}
    values: dict[str, str | int] = {}
    variant = setting
    if setting == "moderators":
        listed = tuple(str(user) for user in event.value or ())
        if listed:
            groups["moderators"] = listed
        else:
            variant = "moderators.none"
    elif setting == "default":
        values["mode"] = mode_label(str(event.value))
    elif setting == "turn" and event.value == 0:
        variant = "turn.none"
    elif setting == "advance":
        variant = "advance.on" if event.value else "advance.off"
    elif setting == "order":
        variant = f"order.{event.value}"
    else:
        values["value"] = _shown(event.value)
    text = table.get(variant)
    if text is None:  # a setting with no words of its own yet still says what it is now
        text, values["setting"] = "{setting} is now {value}.", event.setting
    key = f"{event.name}.{WORKSPACE if workspace else ''}{variant}.{ACTOR}"
    return notice(event.by, key, text, values=values, groups=groups)


def _shown(value: object) -> str | int:
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)
