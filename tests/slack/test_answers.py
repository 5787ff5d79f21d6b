"""X4: the answer to whoever typed or clicked — exactly once while the process lives, never lost to a kill.

The listener answers right after the ack; the outbox's cursor waits for that answer, and the outbox sends it
itself only when no listener here gave it (it failed, or an earlier process acked the command and died).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack import answers as answers_module
from adapters.slack import kit as b
from adapters.slack.answers import Answers, owed, shape
from adapters.slack.client import RetryPolicy
from core import events as ev
from core.commands import Actor, AskToJoin, Leave
from core.room import RoomKey
from tests.golden.catalogue import CASES
from tests.slack.conftest import ADMIN, ALEX, CHANNEL, live_session
from tests.slack.fake_slack import FakeSlack
from tests.slack.quick import QuickHarness

ROOM = f"{CHANNEL}|"
ASKED = "asked to join the stage"
QUICK = RetryPolicy(retries=1, rate_limit_retries=1, backoff=0.01, budget=1.0)


class Harness(QuickHarness):
    """The quick harness with a single quick retry, and a count of the answers a person got."""

    policy = QUICK

    def told(self, user: str, words: str) -> int:
        return sum(words in text for text in self.fake.told(user))


@pytest.fixture
async def slack(fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path) -> AsyncIterator[Harness]:
    harness = Harness(fake_slack, tmp_path, migrated_database)
    await harness.start()
    yield harness
    await harness.close()
    assert fake_slack.violations == []


async def test_X4_the_outbox_waits_for_the_listener_s_answer_and_does_not_send_it_a_second_time(slack: Harness) -> None:
    await live_session(slack, "request")
    # Alex's answer goes to their DM (they are not in the channel, Slack says) and Slack is slow to post it, so it
    # is still on its way when the outbox, fast, has told the moderators.
    slack.fake.fail("chat.postEphemeral", "user_not_in_channel", where={"user": ALEX})
    slack.fake.slow["chat.postMessage"] = 0.6
    request = slack.request(slack.command_body(ALEX, "ask"), "application/x-www-form-urlencoded")
    assert (await slack.bot.app.async_dispatch(request)).status == 200
    outbox = asyncio.create_task(slack.deliver())
    await asyncio.sleep(0.3)
    assert slack.told(ADMIN, ALEX) == 1
    assert await slack.pending() >= 1 and not outbox.done()  # the cursor is not past a command still owed its answer
    await slack.bot.stage.settle()
    await outbox
    assert await slack.pending() == 0
    await slack.deliver()
    assert slack.told(ALEX, ASKED) == 1
    assert slack.told(ADMIN, ALEX) == 1


async def test_X4_a_click_answered_by_its_listener_is_not_answered_again_by_the_outbox(slack: Harness) -> None:
    await live_session(slack, "invite")
    await slack.click(ALEX, b.HAND, ROOM)  # the listener answers, then the outbox runs
    await slack.deliver()
    assert slack.told(ALEX, "Your hand is raised.") == 1
    assert slack.told(ADMIN, "raised their hand") == 1


async def test_X4_an_answer_slack_would_not_take_is_sent_by_the_outbox_and_the_person_is_not_told_it_failed(
    slack: Harness,
) -> None:
    await live_session(slack, "request")
    slack.fake.fail("chat.postEphemeral", "service_unavailable", where={"user": ALEX})  # Slack busy, for them only
    await slack.command(ALEX, "ask")  # its listener's answer fails; then the outbox runs
    assert slack.told(ALEX, ASKED) == 1
    assert slack.told(ALEX, "could not finish") == 0  # the request is made; nothing failed that they must redo
    assert await slack.pending() == 0


async def test_X4_an_answer_the_outbox_owes_is_still_owed_on_its_next_round_when_slack_is_still_busy(
    slack: Harness,
) -> None:
    await live_session(slack, "request")
    slack.fake.fail("chat.postEphemeral", "service_unavailable", times=2, where={"user": ALEX})
    await slack.command(ALEX, "ask")  # the listener's answer fails, and so does the outbox's first try
    assert slack.told(ALEX, ASKED) == 0 and await slack.pending() >= 1
    await slack.deliver()
    assert slack.told(ALEX, ASKED) == 1
    assert await slack.pending() == 0


async def test_X4_a_command_an_earlier_process_acked_is_answered_after_the_restart_once(slack: Harness) -> None:
    await live_session(slack, "request")
    # Committed and acked by the process before, which died before answering (the outbox had not run).
    await slack.bot.stage.service.handle(slack.key, AskToJoin(Actor(ALEX)))
    slack.clock.now += 1
    await slack.restart()
    await slack.deliver()
    await slack.deliver()
    assert slack.told(ALEX, ASKED) == 1
    assert slack.told(ADMIN, ALEX) == 1


async def test_X4_a_command_another_tool_commits_while_this_process_runs_is_not_answered_by_it(
    slack: Harness,
) -> None:
    await live_session(slack, "request")
    await slack.bot.stage.service.handle(slack.key, AskToJoin(Actor(ALEX)))  # the console, say: it answers its own
    await slack.deliver()
    assert slack.told(ALEX, ASKED) == 0
    assert slack.told(ADMIN, ALEX) == 1


async def test_L2_after_a_restart_someone_who_left_the_channel_is_not_answered_for_leaving(slack: Harness) -> None:
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    before = len(slack.fake.told(ALEX))
    await slack.bot.stage.service.handle(slack.key, Leave(Actor(ALEX)))  # their leaving, not their command
    slack.clock.now += 1
    await slack.restart()
    await slack.deliver()
    assert len(slack.fake.told(ALEX)) == before


def test_X4_a_person_s_own_command_is_owed_an_answer_a_timer_or_a_leave_is_not() -> None:
    assert owed([ev.RequestCreated("alex", 1, None)])
    assert owed([ev.HandLowered("alex", "alex")])  # they lowered it themself
    assert owed([ev.InvitationExpired("bea"), ev.HandRaised("alex", "alex")])
    assert not owed([ev.InvitationExpired("bea")])  # J8: expiry runs before whatever command came next
    assert not owed([ev.RequestCancelled("alex", "left_room"), ev.HandLowered("alex", None)])  # L2
    assert not owed([ev.StageLeft("alex", "left_room", None)])  # leaving the stage huddle


@pytest.mark.parametrize("case", [case for case in CASES if not case.event.is_reply], ids=lambda case: case.name)
def test_X4_a_logged_event_read_back_is_recognised_as_the_one_its_listener_committed(case) -> None:  # type: ignore[no-untyped-def]
    actor = getattr(case.event, "actor", None)
    assert shape(ev.event_from_dict(case.event.as_dict(), actor)) == shape(case.event)


async def test_X4_the_same_click_made_twice_is_two_answers_and_a_failed_second_one_is_still_sent() -> None:
    answers = Answers()
    room = RoomKey("slack", "T0STAGE", CHANNEL)
    raised = [ev.HandRaised(ALEX, ALEX)]
    for sent in (True, False):  # raise, (lower,) raise again: the second answer fails
        with answers.listening():
            claim = answers.begin(room, ALEX)
            answers.committed(claim, raised)
            answers.answered(raised, sent=sent)
    assert await answers.taken(1, room, ALEX, [ev.HandRaised(ALEX, ALEX)]) is True  # the first raise's batch
    assert await answers.taken(3, room, ALEX, [ev.HandRaised(ALEX, ALEX)]) is False  # the second: the outbox sends


async def test_X4_claims_kept_for_an_outbox_far_behind_are_bounded_and_a_failed_answer_is_never_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(answers_module, "KEEP_CLAIMS", 10)
    answers = Answers()
    room = RoomKey("slack", "T0STAGE", CHANNEL)
    failed = [ev.RequestCreated(ALEX, 1, None)]
    with answers.listening():
        answers.committed(answers.begin(room, ALEX), failed)
        answers.answered(failed, sent=False)
    for n in range(50):  # a burst the outbox has not reached: answered, each a hand of its own
        raised = [ev.HandRaised(f"U{n:08d}", f"U{n:08d}")]
        with answers.listening():
            answers.committed(answers.begin(room, f"U{n:08d}"), raised)
            answers.answered(raised, sent=True)
    assert sum(len(queue) for queue in answers._claims.values()) <= 10
    assert await answers.taken(1, room, ALEX, failed) is False  # still the outbox's to send
