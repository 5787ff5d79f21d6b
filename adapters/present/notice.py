"""What a presenter hands a renderer: who is told, in which words, with which actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ActionKind(StrEnum):
    """Something a recipient can do in answer to a notice (a button, or a command to type)."""

    JOIN_STAGE = "join_stage"
    DECLINE_INVITATION = "decline_invitation"
    CANCEL_REQUEST = "cancel_request"
    ASK_TO_JOIN = "ask_to_join"
    RAISE_HAND = "raise_hand"
    LOWER_HAND = "lower_hand"
    BRING_TO_STAGE = "bring_to_stage"
    DECLINE_REQUEST = "decline_request"
    INVITE = "invite"
    REMOVE = "remove"
    # Read what a requester wrote for moderators: offered where the note itself is left out.
    SHOW_NOTE = "show_note"
    # Running the line (Q1-Q3) and timed turns (T2), named after their commands.
    NEXT = "next"
    UNINVITE = "uninvite"
    HANDS_DOWN = "hands_down"
    EXTEND = "extend"


@dataclass(frozen=True)
class Action:
    """One action offered with a notice; `target` is the person it acts on (for moderators' actions).

    `seconds` is how much an EXTEND adds to the target's turn.
    """

    kind: ActionKind
    target: str | None = None
    seconds: int | None = None


@dataclass(frozen=True)
class Notice:
    """One recipient's message about an event, before any platform formats it.

    `text` is a template: `{name}` placeholders are filled from `people` (user ids, which each
    renderer shows as mentions or names) and `values` (everything else, ready to show). `*words*`
    marks emphasis; a renderer formats the emphasis in the template before filling placeholders,
    so what people typed (notes, reasons) is never read as markup. `groups` names lists of people
    (never empty). `hint` names an optional per-platform addition that renderers may know.

    `line_actions` are the moderators' actions that run the line (next speaker, withdraw, lower all
    hands, extend), offered after `actions`; a renderer that does not offer them yet leaves them out.

    `shared` is the same news for moderators worded for a place others read too (a channel's chat
    where moderators are pinged): what only moderators may see, such as a request's note, is left
    out. A moderators' notice without one has nothing private in it.
    """

    recipient: str  # a user id, or core.events.MODERATORS / core.events.ROOM
    key: str
    text: str
    people: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str | int] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
    hint: str | None = None
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    shared: Notice | None = None
    line_actions: tuple[Action, ...] = ()
