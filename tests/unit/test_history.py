"""R2: each session's R1 figures folded from its logged events equal what `stats` says."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import commands as c
from core import events as ev
from core import rules
from core.history import SessionLog
from core.room import Room
from tests.unit.stage import KEY
from tests.unit.test_properties import ADMIN, MODERATOR, STEPS, USERS, actor

Log = list[tuple[float, ev.Event]]


def last_session(log: Log, now: float) -> list[dict[str, Any]]:
    """Fold the log's last session, as an export does, into the people `stats` would list."""
    starts = [i for i, (_, event) in enumerate(log) if isinstance(event, ev.SessionStarted)]
    if not starts:
        return []
    session = SessionLog(len(starts), log[starts[-1]][0])
    for at, event in log[starts[-1] :]:
        session.apply(at, event)
    return session.people(now if session.live else session.ended_at or now)


class Logged:
    """A room whose logged events are kept with the time each happened, as the store keeps them."""

    def __init__(self) -> None:
        self.room = Room(KEY)
        self.log: Log = []

    def run(self, command: c.Command, at: float) -> list[ev.Event]:
        events = rules.handle(self.room, command, at)
        self.log += [(at, event) for event in events if not event.is_reply]
        return events

    def wait_until(self, at: float) -> None:
        """Tick at each timer's due time on the way (as the console's `(wait N)` does), so each is logged then."""
        for _ in range(10_000):
            pending = self.room.pending_timers()
            if not pending or pending[0][0] > at:
                return
            self.run(c.Tick(c.Actor("")), pending[0][0])
        raise AssertionError("timers kept falling due")

    def stats(self, at: float) -> list[dict[str, Any]]:
        (reply,) = [e for e in rules.handle(self.room, c.Stats(actor(MODERATOR)), at) if isinstance(e, ev.StatsReply)]
        return reply.people


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(turn=st.sampled_from(["45", "0", "90"]), steps=STEPS)
def test_R2_the_figures_folded_from_the_log_equal_the_stats_reply_after_every_step(turn: str, steps: list[Any]) -> None:
    stage = Logged()
    now = 0.0
    for user in USERS:
        stage.run(c.Arrive(c.Actor(user)), now)
    stage.run(c.SetTurn(actor(ADMIN), turn), now)
    stage.run(c.StartSession(actor(MODERATOR), "request"), now)
    for advance, (user, kind, args, kwargs) in steps:
        stage.wait_until(now + advance)
        now += advance
        stage.run(kind(actor(user), *args, **kwargs), now)
        assert last_session(stage.log, now) == stage.stats(now)


def test_R2_a_session_s_figures_count_stints_waits_and_declines_from_its_own_events_only() -> None:
    stage = Logged()
    for user in ("host", "ann", "bob"):
        stage.run(c.Arrive(c.Actor(user)), 0.0)
    host = c.Actor("host", moderator=True)
    stage.run(c.StartSession(host, "request"), 0.0)
    stage.run(c.AskToJoin(c.Actor("ann")), 1.0)
    stage.run(c.BringToStage(host, "ann"), 4.4)  # waited 3.4 s
    stage.run(c.JoinStage(c.Actor("ann")), 5.0)
    stage.run(c.AskToJoin(c.Actor("bob")), 6.0)
    stage.run(c.CancelRequest(c.Actor("bob")), 9.0)  # cancelled: no wait counted
    stage.run(c.AskToJoin(c.Actor("bob")), 10.0)
    stage.run(c.DeclineRequest(host, "bob"), 12.0)  # declined after 2 s
    stage.run(c.EndSession(host), 25.0)  # ann's stint: 20 s
    stage.run(c.StartSession(host, "open"), 100.0)
    stage.run(c.JoinStage(c.Actor("bob")), 101.0)

    first = [(at, event) for at, event in stage.log if at <= 25.0]
    assert last_session(first, 25.0) == [
        {"user": "ann", "stage_seconds": 20, "joins": 1, "requests": 1, "declined": 0, "waited_seconds": 3},
        {"user": "bob", "stage_seconds": 0, "joins": 0, "requests": 2, "declined": 1, "waited_seconds": 2},
    ]
    # The second session starts everyone afresh, and a running stint counts up to now.
    assert last_session(stage.log, 131.6) == [
        {"user": "bob", "stage_seconds": 31, "joins": 1, "requests": 0, "declined": 0, "waited_seconds": 0}
    ]
    assert last_session(stage.log, 131.6) == stage.stats(131.6)
