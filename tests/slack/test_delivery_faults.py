"""X4: delivery that never drops — Slack failing for a while, failing for good, and failing for ever."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack import kit as b
from adapters.slack.client import make_client, transient
from adapters.slack.notify import GIVE_UP_AFTER
from core.commands import Actor
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, MOD, TOKEN, live_session
from tests.slack.fake_slack import FakeSlack
from tests.slack.limits import problems_in_call
from tests.slack.quick import QUICK, QuickHarness

ATTEMPTS = QUICK.retries + 1  # calls one failing Web API call makes before its caller hears of it


@pytest.fixture
async def slack(fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path) -> AsyncIterator[QuickHarness]:
    harness = QuickHarness(fake_slack, tmp_path, migrated_database)
    await harness.start()
    yield harness
    await harness.close()
    assert fake_slack.violations == []
    assert [p for call in fake_slack.calls for p in problems_in_call(call.method, call.args)] == []


def told(slack: QuickHarness, user: str, words: str) -> int:
    return sum(words in text for text in slack.fake.told(user))


def announced(slack: QuickHarness, words: str) -> int:
    """Count the channel posts (not the roster) that say something."""
    posts = [args for args in slack.fake.posted(CHANNEL) if args["blocks"][0]["type"] != "header"]
    return sum(words in args["text"] for args in posts)


FAULTS = {
    "502": lambda fake, method: fake.server_error(method, status=502),
    "504": lambda fake, method: fake.server_error(method, status=504),
    "dropped connection": lambda fake, method: fake.drop(method),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("method", ["chat.postMessage", "chat.postEphemeral", "chat.update", "users.info"])
async def test_X4_a_gateway_error_or_dropped_connection_is_retried_and_everything_lands_once(slack, method, fault):
    await live_session(slack, "request")
    await slack.command(ADMIN, "moderators add <@UMODERAT1>")
    FAULTS[fault](slack.fake, method)
    await slack.command(ALEX, "ask")
    await slack.command(ADMIN, "mode open")
    assert slack.fake.faults_left(method) == 0
    assert [c.method for c in slack.fake.calls if c.status != 200] == [method]
    assert told(slack, ALEX, "number 1 in line") == 1
    assert told(slack, MOD, "wants to join the stage") == 1
    assert announced(slack, "Everyone on stage") == 1
    assert "Stage — Everyone on stage" in slack.roster_text()
    assert await slack.pending() == 0


async def test_X4_a_fault_outlasting_the_retries_keeps_the_event_and_a_retry_tells_only_the_rest(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "moderators add <@UMODERAT1>")
    # MOD's notification of ALEX's request fails longer than one call retries; ADMIN's goes through.
    slack.fake.server_error("chat.postEphemeral", status=502, times=ATTEMPTS, where={"user": MOD})
    await slack.command(ALEX, "ask")
    assert told(slack, ADMIN, "wants to join the stage") == 1
    assert told(slack, MOD, "wants to join the stage") == 0
    assert await slack.pending() > 0  # not acked: the outbox holds it
    await slack.command(BEA, "ask")  # the next round: MOD is told of both, ADMIN of BEA only
    assert told(slack, MOD, "wants to join the stage") == 2
    assert told(slack, ADMIN, "wants to join the stage") == 2
    assert await slack.pending() == 0


async def test_X4_stage_start_in_a_channel_the_app_is_not_in_joins_it_and_tells_the_moderators(slack):
    await slack.everyone_arrives(ADMIN, ALEX)
    slack.fake.fail("chat.postMessage", "not_in_channel", where={"channel": CHANNEL})
    await slack.command(ADMIN, "start open")
    assert [a["channel"] for a in slack.fake.of("conversations.join")] == [CHANNEL]
    assert announced(slack, "Everyone on stage") == 1
    assert told(slack, ADMIN, f"stagedoor joined <#{CHANNEL}>") == 1
    assert "Stage — Everyone on stage" in slack.roster_text()
    assert await slack.pending() == 0


async def test_X4_an_announcement_slack_refuses_for_good_reaches_the_moderators_directly_with_why(slack):
    await slack.everyone_arrives(ADMIN, ALEX)
    slack.fake.fail("chat.postMessage", "not_in_channel", where={"channel": CHANNEL})
    slack.fake.fail("conversations.join", "method_not_supported_for_channel_type")  # a private channel
    await slack.command(ADMIN, "start open")
    [fallback] = [t for t in slack.fake.told(ADMIN) if "Slack refused to post this" in t]
    assert "method_not_supported_for_channel_type" in fallback and "Everyone on stage" in fallback
    assert announced(slack, "Everyone on stage") == 0
    assert await slack.pending() == 0  # handled, not retried for ever
    await slack.command(ALEX, "join")  # the next events flow
    assert "Stage — Everyone on stage" in slack.roster_text()


async def test_X4_a_person_slack_refuses_for_good_is_reported_to_the_moderators(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    slack.fake.fail("chat.postEphemeral", "user_not_in_channel", where={"user": ALEX})
    slack.fake.fail("chat.postMessage", "channel_not_found", where={"channel": ALEX})
    await slack.command(ADMIN, "approve <@UALEX0001>")
    report = [t for t in slack.fake.told(ADMIN) if "Slack refused to show <@UALEX0001>" in t]
    assert len(report) == 1 and "channel_not_found" in report[0] and "tell them yourself" in report[0]
    assert await slack.pending() == 0


async def test_X4_a_message_failing_for_ever_is_given_up_with_one_moderator_notice_and_the_next_event_flows(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.command(BEA, "ask")
    slack.fake.server_error("chat.postEphemeral", status=504, times=10_000, where={"user": ALEX})
    await slack.command(ADMIN, "approve <@UALEX0001>")  # ALEX's invitation cannot be shown
    await slack.command(ADMIN, "approve <@UBEA00001>")  # BEA's is queued behind it, in the personal lane
    for _ in range(GIVE_UP_AFTER - 2):
        assert told(slack, BEA, "You have been invited") == 0
        await slack.deliver()
    notices = [t for t in slack.fake.told(ADMIN) if "Slack kept failing" in t]
    assert len(notices) == 1 and "tell <@UALEX0001>" in notices[0] and "http_504" in notices[0]
    assert told(slack, BEA, "You have been invited") == 1
    assert await slack.pending() == 0
    await slack.command(CAL, "ask")
    assert told(slack, ADMIN, "<@UCAL00001> wants to join") == 1
    assert len([t for t in slack.fake.told(ADMIN) if "Slack kept failing" in t]) == 1


async def test_X4_a_person_whose_messages_keep_failing_holds_back_no_channel_or_moderator_message(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    slack.fake.server_error("chat.postEphemeral", status=504, times=10_000, where={"user": ALEX})
    await slack.command(ADMIN, "approve <@UALEX0001>")  # ALEX's invitation cannot be shown yet
    await slack.command(BEA, "ask")
    assert told(slack, ADMIN, "<@UBEA00001> wants to join") == 1  # the room lane went on at once
    assert "<@UBEA00001>" in slack.roster_text()


async def test_X4_while_slack_answers_no_one_nothing_is_given_up(slack):
    await live_session(slack, "request")
    slack.fake.server_error("chat.postEphemeral", status=502, times=10_000)
    await slack.command(ALEX, "ask")
    for _ in range(GIVE_UP_AFTER + 2):
        await slack.deliver()
    assert await slack.pending() > 0  # the moderators could not be told either: the event waits
    slack.fake._faults.clear()
    await slack.deliver()
    assert told(slack, ADMIN, "wants to join the stage") == 1
    assert await slack.pending() == 0


async def test_X4_a_retry_after_longer_than_the_budget_fails_the_call_at_once_as_transient(fake_slack):
    client = make_client(TOKEN, fake_slack.url, QUICK)
    fake_slack.rate_limit("chat.postMessage", retry_after=120)
    with pytest.raises(SlackApiError) as failure:
        await asyncio.wait_for(client.chat_postMessage(channel=CHANNEL, text="hi"), timeout=10)
    assert failure.value.response.status_code == 429 and transient(failure.value)
    assert [c.status for c in fake_slack.calls] == [429]


async def test_X4_a_message_given_up_does_not_cost_the_rest_of_its_event(slack):
    await live_session(slack, "request")
    await slack.command(ADMIN, "moderators add <@UMODERAT1>")
    await slack.command(ALEX, "ask")
    slack.fake.server_error("chat.postEphemeral", status=502, times=10_000, where={"user": ALEX})
    before = len(slack.fake.told(MOD))
    await slack.command(ADMIN, "approve <@UALEX0001>")
    for _ in range(GIVE_UP_AFTER - 1):
        await slack.deliver()
    assert await slack.pending() == 0
    approved, gave_up = slack.fake.told(MOD)[before:]  # the moderators' lane never waited for ALEX's message
    assert "gave up trying to tell <@UALEX0001>" in gave_up
    assert "brought <@UALEX0001> to the stage" in approved  # the event's other message still went out
    assert "*Invited:* <@UALEX0001>" in slack.roster_text()


@pytest.mark.parametrize("fault", FAULTS)
async def test_X4_a_call_retries_a_bounded_number_of_times_then_fails_as_transient(fake_slack, fault):
    client = make_client(TOKEN, fake_slack.url, QUICK)
    for _ in range(10):
        FAULTS[fault](fake_slack, "chat.postMessage")
    with pytest.raises(Exception) as failure:
        await asyncio.wait_for(client.chat_postMessage(channel=CHANNEL, text="hi"), timeout=10)
    assert transient(failure.value)
    assert len(fake_slack.calls) == ATTEMPTS and fake_slack.faults_left("chat.postMessage") == 10 - ATTEMPTS


async def test_X4_a_stage_channel_invite_slack_keeps_failing_keeps_the_person_on_stage_and_is_made_later(slack):
    from tests.slack.test_huddle import turn_gated_on

    await live_session(slack, "open")
    stage_channel = await turn_gated_on(slack)
    await slack.deliver()
    slack.fake.server_error("conversations.invite", status=502, times=ATTEMPTS)
    await slack.click(ALEX, b.JOIN, f"{CHANNEL}|")
    await slack.submit(ALEX, b.GET_READY)  # the harness runs one outbox round after each request
    assert slack.fake.faults_left("conversations.invite") == 0
    assert ALEX not in slack.fake.members[stage_channel]
    assert await slack.pending() > 0  # a failure that may pass is not a refusal: the event waits
    assert ALEX in (await slack.bot.stage.status(slack.key, Actor(""))).on_stage  # not moved to the audience
    await slack.deliver()  # Slack answers again: the invitation to the stage channel is made
    assert ALEX in slack.fake.members[stage_channel]
    assert await slack.pending() == 0
