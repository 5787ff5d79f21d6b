"""Timed turns over random sequences: against a plain model of when each turn must end (T1, T2, T4).

Open mode, room for everyone, random joins, extensions, removals, length changes and clock jumps;
the model keeps each speaker's deadline (join time + the length in force then + extensions), and
after every step the core must agree with it: a turn ends at its deadline, never later, each end and
each warning once, and stage seconds stop at the deadline however long the jump past it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import commands as c
from core import events as ev
from core import rules
from core.room import Room, whole_seconds
from tests.unit.stage import KEY

SPEAKERS = ("p1", "p2", "p3")
HOST = c.Actor("host", moderator=True, admin=True)
STEP = st.one_of(
    st.tuples(st.just("join"), st.sampled_from(SPEAKERS)),
    st.tuples(st.just("extend"), st.sampled_from(SPEAKERS), st.sampled_from([1, 10, 45])),
    st.tuples(st.just("turn"), st.sampled_from([0, 1, 2, 30, 60, 90])),
    st.tuples(st.just("remove"), st.sampled_from(SPEAKERS)),
    st.tuples(st.just("wait"), st.sampled_from([0.5, 1, 15, 29, 30, 31, 200])),
)


def command(step: tuple[Any, ...]) -> c.Command:
    match step:
        case ("join", user):
            return c.JoinStage(c.Actor(user))
        case ("extend", user, seconds):
            return c.ExtendTurn(HOST, user, seconds=str(seconds))
        case ("turn", seconds):
            return c.SetTurn(HOST, str(seconds))
        case ("remove", user):
            return c.RemoveFromStage(HOST, user)
    return c.Tick(c.Actor(""))


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=10, max_size=50))
def test_T1_T2_T4_every_turn_ends_once_at_its_deadline_and_stage_time_stops_there(steps: list[Any]) -> None:
    room = Room(KEY)
    now = 0.0
    for user in ("host", *SPEAKERS):
        rules.handle(room, c.Arrive(c.Actor(user)), now)
    rules.handle(room, c.StartSession(HOST, "open"), now)
    deadline: dict[str, float | None] = dict.fromkeys(SPEAKERS)
    on_stage_for: dict[str, float] = dict.fromkeys(SPEAKERS, 0.0)
    joined_at: dict[str, float] = {}
    for step in steps:
        before = now
        if step[0] == "wait":
            now += step[1]
        turn_then = room.turn
        events = rules.handle(room, command(step), now)
        for event in events:
            if isinstance(event, ev.StageLeft) and event.reason == "turn_ended":
                end = deadline[event.user]
                assert end is not None and before < end <= now, "T1, T4: a turn ends at its deadline, once"
                on_stage_for[event.user] += end - joined_at.pop(event.user)
                deadline[event.user] = None
            elif isinstance(event, ev.StageLeft):
                on_stage_for[event.user] += now - joined_at.pop(event.user)
                deadline[event.user] = None
            elif isinstance(event, ev.StageJoined):
                joined_at[event.user] = now
                deadline[event.user] = now + turn_then if turn_then > 0 else None
            elif isinstance(event, ev.TurnExtended):
                end = deadline[event.user]
                assert end is not None
                deadline[event.user] = end + event.seconds
            elif isinstance(event, ev.TurnWarning):
                end = deadline[event.user]
                assert end is not None and before < end - event.seconds_left <= now, "T1: warned at its point"
                assert event.seconds_left > 0
        for user in SPEAKERS:
            person = room.people[user]
            assert person.turn_ends_at == deadline[user], "the core's deadline is the model's"
            assert deadline[user] is None or deadline[user] > now, "T1: no turn outlives its limit"
        (stats,) = rules.handle(room, c.Stats(HOST), now)
        assert isinstance(stats, ev.StatsReply)
        seconds = {p["user"]: p["stage_seconds"] for p in stats.people}
        for user in SPEAKERS:
            expected = on_stage_for[user] + (now - joined_at[user] if user in joined_at else 0.0)
            assert seconds.get(user, 0) == whole_seconds(expected), "R1: stage time stops at the turn's end"
