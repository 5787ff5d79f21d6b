"""The stage rules: each command is checked (A5 order), then applied, giving events.

A handler raises a StageError before it changes anything, so a refused
action leaves the room exactly as it was. The table below says which
handler answers which command; each module holds one area of the rulebook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import commands as c
from core import errors as e
from core import events as ev
from core.room import Room
from core.rules import defaults, joining, line, presence, records, session, status, turns
from core.rules.checks import Events, require_actor_name

__all__ = ["HANDLERS", "handle"]

HANDLERS: dict[type[c.Command], Callable[[Room, Any, float], Events]] = {
    c.StartSession: session.start,
    c.EndSession: session.end,
    c.ChangeMode: session.change_mode,
    c.SetDefaultMode: defaults.set_default,
    c.SetCapacity: defaults.set_capacity,
    c.SetCameras: defaults.set_cameras,
    c.SetCooldown: defaults.set_cooldown,
    c.SetExpiry: defaults.set_expiry,
    c.SetTurn: defaults.set_turn,
    c.SetAdvance: defaults.set_advance,
    c.SetOrder: defaults.set_order,
    c.AddModerator: defaults.add_moderator,
    c.RemoveModerator: defaults.remove_moderator,
    c.JoinStage: joining.join,
    c.AskToJoin: joining.ask,
    c.CancelRequest: joining.cancel,
    c.BringToStage: joining.approve,
    c.DeclineRequest: joining.decline_request,
    c.Invite: joining.invite,
    c.DeclineInvitation: joining.decline_invitation,
    c.RaiseHand: presence.raise_hand,
    c.LowerHand: presence.lower_hand,
    c.RemoveFromStage: presence.remove,
    c.NextSpeaker: line.next_speaker,
    c.Uninvite: line.uninvite,
    c.LowerAllHands: line.hands_down,
    c.ExtendTurn: turns.extend,
    c.Stats: records.stats,
    c.Leave: presence.leave,
    c.MovedToAudience: presence.moved_to_audience,
    c.Arrive: presence.arrive,
    c.Speak: presence.speak,
    c.MicChanged: presence.mic_changed,
    c.Tick: presence.tick,
    c.Status: status.status,
}


def handle(room: Room, command: c.Command, now: float) -> Events:
    """Apply one command at time `now`, after every timer due by then (T4); return what happened, errors included."""
    events = turns.run_timers(room, now)
    room.now = now
    before = line.head(room)
    try:
        require_actor_name(command)  # A5: who acts comes first, and a name the store cannot key is nobody
        events += HANDLERS[type(command)](room, command, now)
    except e.StageError as refusal:
        events.append(ev.ErrorReply.of(command.actor.user, refusal))
    else:
        events += line.announce(room, before)  # Q4
    return events
