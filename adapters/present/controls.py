"""The moderators' controls for running the line, offered wherever a platform shows the room (Q1-Q3, T2).

Each is offered only when it has something to act on; who may use them is checked when they are
used (A3), never here.
"""

from __future__ import annotations

from adapters.present.notice import Action, ActionKind
from core import events as ev

EXTEND_STEPS = (60, 300)  # +1 min and +5 min: a short overrun, or a real extra slot


def line_controls(status: ev.StatusReply) -> tuple[Action, ...]:
    """Return the line's controls for a live room: next, withdraw, lower all hands, more time."""
    if not status.live:
        return ()
    actions: list[Action] = []
    audience_hands = [user for user in status.hands if user not in status.on_stage]
    if status.requests or audience_hands:
        actions.append(Action(ActionKind.NEXT))
    if status.invitations:
        actions.append(Action(ActionKind.UNINVITE, status.invitations[0]))  # the oldest invitation first
    if status.hands:
        actions.append(Action(ActionKind.HANDS_DOWN))
    if status.turns:
        ending = min(status.turns, key=lambda user: (status.turns[user], user))  # the turn that ends first
        actions += [Action(ActionKind.EXTEND, ending, seconds) for seconds in EXTEND_STEPS]
    return tuple(actions)
