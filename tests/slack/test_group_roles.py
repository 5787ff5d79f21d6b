"""A2, A3: a user group Slack cannot list is a failure to report or retry, never a group that names nobody."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack import kit as b
from adapters.slack.client import make_client, transient
from adapters.slack.roles import Roles
from adapters.slack.state import SlackState
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, TOKEN, Clock, live_session
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_answers import QUICK, Harness

GROUP = "S0HOSTS01"
ATTEMPTS = QUICK.retries + 1  # calls one failing Web API call makes before its caller hears of it
LIST = "usergroups.users.list"
FRESH = 61.0  # seconds after which a group's kept members are asked for again (GROUP_TTL_SECONDS)


@pytest.fixture
async def slack(fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path) -> AsyncIterator[Harness]:
    harness = Harness(fake_slack, tmp_path, migrated_database)
    await harness.start()
    yield harness
    await harness.close()
    assert fake_slack.violations == []


async def hosts_moderate(slack: Harness) -> None:
    """A request-mode session whose moderator list names the user group @hosts (Cal), with Alex asking."""
    slack.fake.groups[GROUP] = [CAL]
    await live_session(slack, "request")
    await slack.command(ADMIN, f"moderators add <!subteam^{GROUP}|@hosts>")
    await slack.command(ALEX, "ask")
    slack.clock.now += FRESH  # what was learnt of the group is old: the next check asks Slack


async def test_A2_a_group_slack_cannot_list_raises_and_one_it_says_does_not_exist_names_nobody(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.groups[GROUP] = [CAL]
    roles = Roles(make_client(TOKEN, fake_slack.url, QUICK), SlackState(), Clock())
    fake_slack.server_error(LIST, status=503, times=ATTEMPTS)
    with pytest.raises(SlackApiError) as busy:
        await roles.group_members(GROUP)
    assert transient(busy.value)  # the outbox tries the event again later
    assert await roles.group_members(GROUP) == {CAL}  # the failure was not kept as an empty group
    fake_slack.fail(LIST, "missing_scope")
    with pytest.raises(SlackApiError) as refused:
        await roles.group_members("S0OTHERS1")
    assert not transient(refused.value)
    fake_slack.fail(LIST, "no_such_subteam")  # deleted, or never was: it names nobody
    assert await roles.group_members("S0GONE001") == set()


FAULTS: dict[str, tuple[Callable[[FakeSlack], None], str]] = {
    "502": (lambda fake: fake.server_error(LIST, status=502, times=ATTEMPTS), "Slack did not answer (http_502)"),
    "missing_scope": (lambda fake: fake.fail(LIST, "missing_scope"), "reinstall it from slack/manifest.yml"),
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_A3_a_group_moderator_s_click_while_slack_cannot_list_the_group_changes_nothing_and_says_what_to_do(
    slack: Harness, fault: str
) -> None:
    await hosts_moderate(slack)
    fail, advice = FAULTS[fault]
    fail(slack.fake)
    await slack.click(CAL, b.APPROVE, f"{CHANNEL}|{ALEX}")
    said = slack.fake.told(CAL)[-1]
    assert "usergroups" not in said and advice in said, said
    assert "Only moderators" not in said  # not refused as if the group had named nobody
    assert slack.told(ALEX, "You have been invited") == 0
    await slack.click(CAL, b.APPROVE, f"{CHANNEL}|{ALEX}")  # Slack lists the group again
    assert slack.told(ALEX, "You have been invited") == 1


async def test_A2_moderators_notices_wait_while_slack_cannot_list_the_group_then_reach_its_members_once(
    slack: Harness,
) -> None:
    await hosts_moderate(slack)
    await slack.send(slack.request(slack.command_body(BEA, "ask"), "application/x-www-form-urlencoded"), False)
    slack.clock.now += FRESH
    slack.fake.server_error(LIST, status=503, times=ATTEMPTS)
    await slack.deliver()  # the round fails: the event waits
    assert await slack.pending() >= 1
    assert slack.told(CAL, BEA) == 0
    await slack.deliver()
    assert await slack.pending() == 0
    assert slack.told(CAL, BEA) == 1
    assert slack.told(ADMIN, BEA) == 1


async def test_A2_a_group_slack_refuses_to_list_for_good_leaves_out_only_its_members(slack: Harness) -> None:
    await hosts_moderate(slack)
    await slack.send(slack.request(slack.command_body(BEA, "ask"), "application/x-www-form-urlencoded"), False)
    slack.clock.now += FRESH
    slack.fake.fail(LIST, "missing_scope")
    await slack.deliver()
    assert await slack.pending() == 0  # nothing held back
    assert slack.told(ADMIN, BEA) == 1
    assert slack.told(CAL, BEA) == 0
