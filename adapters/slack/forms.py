"""The modals stagedoor opens: get ready, ask with a note, decline with a reason, and the settings forms."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack.kit import (
    ASK_NOTE,
    DECLINE_REASON,
    GET_READY,
    SETTINGS,
    VIEW_BLOCKS,
    WORKSPACE_SETTINGS,
    Blocks,
    huddle_url,
    mention,
    mode_label,
    plain,
    section,
    value_for,
)
from core import events as ev
from core.limits import CAMERAS, CAPACITY, COOLDOWN, EXPIRY, NOTE_LIMIT, ORDERS, TURN
from core.modes import parse_mode
from core.room import RoomKey

MODE_CHOICES = ["open", "request", "invite", "event", "webinar"]
LABEL_LIMIT = 2000


def modal(
    callback_id: str, title: str, blocks: list[dict[str, Any] | Block], key: RoomKey, submit: str | None = None
) -> dict[str, Any]:
    """Return a modal view that remembers its channel."""
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=key.channel,
        title=plain(title, 24),
        close=plain("Close", 24),
        submit=plain(submit, 24) if submit else None,
        blocks=blocks[:VIEW_BLOCKS],
    )
    return view.to_dict()


def get_ready(key: RoomKey, stage_channel: str | None = None) -> dict[str, Any]:
    """J1: the get-ready step before joining the stage."""
    text = (
        "*Get ready to join the stage.*\nCheck your microphone and camera, then press *Join stage*.\n"
        f"The stage is <{huddle_url(key, stage_channel)}|this huddle> — open it if you are not in it yet."
    )
    return modal(GET_READY, "Get ready", [section(text)], key, submit="Join stage")


def _text_input(block_id: str, label: str) -> InputBlock:
    element = PlainTextInputElement(action_id=block_id, max_length=NOTE_LIMIT)
    return InputBlock(block_id=block_id, optional=True, label=plain(label, LABEL_LIMIT), element=element)


def ask_note(key: RoomKey) -> dict[str, Any]:
    """J2: ask to join, with an optional short note for the moderators."""
    note = _text_input("note", "What would you like to say? (optional)")
    return modal(ASK_NOTE, "Ask to join stage", [note], key, submit="Ask")


def decline_reason(key: RoomKey, user: str, panel_id: str | None = None) -> dict[str, Any]:
    """J5: decline someone's request, with an optional reason they are told."""
    reason = _text_input("reason", "Reason (optional; they will see it)")
    blocks: list[dict[str, Any] | Block] = [section(f"Decline {mention(user)}'s request to join the stage?"), reason]
    view = modal(DECLINE_REASON, "Decline request", blocks, key, submit="Decline")
    view["private_metadata"] = f"{value_for(key, user)}|{panel_id or ''}"
    return view


def parse_decline(private_metadata: str) -> tuple[str, str, str | None]:
    """Return (channel, user, moderator panel view id or None) from a decline form."""
    channel, user, panel_id = ((private_metadata or "").split("|") + ["", ""])[:3]
    return channel, user, panel_id or None


def _mode_input() -> InputBlock:
    options = [Option(text=plain(mode_label(m) if parse_mode(m) else f"{m} preset"), value=m) for m in MODE_CHOICES]
    return InputBlock(
        block_id="default_mode",
        optional=True,
        label=plain("Default mode (or preset)", LABEL_LIMIT),
        element=StaticSelectElement(action_id="default_mode", options=options),
    )


def _number_input(block_id: str, label: str, hint: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        optional=True,
        label=plain(label, LABEL_LIMIT),
        hint=plain(hint, LABEL_LIMIT),
        element=NumberInputElement(action_id=block_id, is_decimal_allowed=False),
    )


# T3, Q5: the settings that take a word, each a select whose blank keeps the setting as it is.
CHOICES: dict[str, tuple[str, dict[str, str]]] = {
    "advance": (
        "Auto-advance (a place freed by a turn's end or a removal goes to the next in line)",
        {"on": "on", "off": "off"},
    ),
    "order": (
        "Request order",
        {ORDERS[0]: "asked: by asking time", ORDERS[1]: "fair: least time on stage first"},
    ),
}


def _choice_input(block_id: str) -> InputBlock:
    label, shown = CHOICES[block_id]
    options = [Option(text=plain(text), value=value) for value, text in shown.items()]
    return InputBlock(
        block_id=block_id,
        optional=True,
        label=plain(label, LABEL_LIMIT),
        element=StaticSelectElement(action_id=block_id, options=options),
    )


def _line_inputs(built_in: str) -> list[InputBlock]:
    """T1, T3, Q5: turn length, auto-advance and request order."""
    hint = (
        f"{built_in} {TURN.default} (no limit). {TURN.low} to {TURN.high}; 0 = no limit; "
        "a warning 30 s before the end (half-way in turns under 60 s)."
    )
    return [_number_input("turn", "Turn length (seconds)", hint), _choice_input("advance"), _choice_input("order")]


def _users_input(block_id: str, label: str) -> InputBlock:
    element = UserMultiSelectElement(action_id=block_id)
    return InputBlock(block_id=block_id, optional=True, label=plain(label, LABEL_LIMIT), element=element)


def _gated_input(stage_channel: str | None) -> InputBlock:
    choices = {name: Option(text=plain(name), value=name) for name in ("off", "on")}
    return InputBlock(
        block_id="gated",
        label=plain("Gated stage channel", LABEL_LIMIT),
        hint=plain("On: a private channel whose huddle is the stage; stagedoor adds and removes people.", LABEL_LIMIT),
        element=RadioButtonsElement(
            action_id="gated",
            initial_option=choices["on" if stage_channel else "off"],
            options=list(choices.values()),
        ),
    )


def settings_form(key: RoomKey, status: ev.StatusReply, stage_channel: str | None) -> dict[str, Any]:
    """A2: the channel's defaults as a form; blank fields stay as they are."""
    blocks: list[dict[str, Any] | Block] = [
        section(f"Settings for <#{key.channel}>. Leave a field blank to keep it."),
        _mode_input(),
        _number_input("capacity", "Stage capacity", f"Now {status.capacity}. People on stage, moderators included."),
        _number_input("cameras", "Camera slots", f"The most recent joiners are on camera; default {CAMERAS.default}."),
        _number_input("cooldown", "Cooldown after a declined request (seconds)", f"Default {COOLDOWN.default}."),
        _number_input("expiry", "Invitation expiry (seconds)", f"Default {EXPIRY.default}."),
        *_line_inputs("Default"),
        _users_input("moderators_add", "Add moderators"),
        _users_input("moderators_remove", "Remove moderators"),
        _gated_input(stage_channel),
    ]
    return modal(SETTINGS, "Channel settings", blocks, key, submit="Save")


def workspace_form(key: RoomKey) -> dict[str, Any]:
    """M2, A2: the workspace's defaults as a form, inherited by every channel without its own value."""
    blocks: Blocks = [
        section(
            "Defaults for *every channel* of this workspace. A channel's own setting still wins. "
            "Leave a field blank to keep it."
        ),
    ]
    inputs = [
        _mode_input(),
        _number_input(
            "capacity",
            "Stage capacity",
            f"Built-in default {CAPACITY.default}. People on stage, moderators included.",
        ),
        _number_input(
            "cameras", "Camera slots", f"Built-in default {CAMERAS.default}. The most recent joiners are on camera."
        ),
        _number_input(
            "cooldown", "Cooldown after a declined request (seconds)", f"Built-in default {COOLDOWN.default}."
        ),
        _number_input("expiry", "Invitation expiry (seconds)", f"Built-in default {EXPIRY.default}."),
        *_line_inputs("Built-in default"),
    ]
    return modal(WORKSPACE_SETTINGS, "Workspace defaults", [*blocks, *inputs], key, submit="Save")
