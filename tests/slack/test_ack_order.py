"""X4: what Slack is acknowledged is already committed — the 200 comes after the change, not before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack import kit as b
from core.commands import Actor, Status
from core.events import StatusReply
from core.service import StageService
from tests.slack.conftest import ADMIN, ALEX, BEA, CHANNEL, SlackHarness, live_session
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_huddle import huddle_changed

ROOM = f"{CHANNEL}|"
SLOW = 0.5  # seconds each users.info waits: a command's work would outlive an ack sent first


class AckWatch(SlackHarness):
    """A harness that reads the room from the database the moment Bolt returns Slack's answer."""

    at_ack: list[StatusReply]

    async def send(self, request: AsyncBoltRequest, deliver: bool = True) -> BoltResponse:
        response = await self.bot.app.async_dispatch(request)
        self.at_ack.append(await self.room())  # before the listener is waited for: what Slack was promised
        await self.bot.stage.settle()
        if deliver:
            await self.deliver()
        return response

    async def room(self) -> StatusReply:
        service = StageService(self.store.unit_of_work, self.clock)
        events = await service.handle(self.key, Status(Actor(ADMIN, moderator=True)))
        return next(event for event in events if isinstance(event, StatusReply))


@pytest.fixture
async def watch(fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path) -> AsyncIterator[AckWatch]:
    harness = AckWatch(fake_slack, tmp_path, migrated_database)
    harness.at_ack = []
    await harness.start()
    yield harness
    await harness.close()
    assert fake_slack.violations == []


async def test_X4_a_slash_command_is_committed_by_the_time_slack_gets_its_200(watch: AckWatch) -> None:
    await live_session(watch, "request")
    watch.fake.slow["users.info"] = SLOW
    response = await watch.command(ALEX, "ask")
    assert response.status == 200
    assert [request["user"] for request in watch.at_ack[-1].requests] == [ALEX]


async def test_X4_a_moderator_s_slash_command_on_someone_is_committed_by_its_ack(watch: AckWatch) -> None:
    await live_session(watch, "request")
    await watch.command(ALEX, "ask")
    watch.fake.slow["users.info"] = SLOW
    response = await watch.command(ADMIN, f"invite <@{BEA}>")
    assert response.status == 200
    assert BEA in watch.at_ack[-1].invitations


async def test_X4_a_raise_hand_click_is_committed_by_its_ack(watch: AckWatch) -> None:
    await live_session(watch, "invite")
    watch.fake.slow["users.info"] = SLOW
    response = await watch.click(ALEX, b.HAND, ROOM)
    assert response.status == 200
    assert watch.at_ack[-1].hands == [ALEX]
    assert "Hands:* <@UALEX0001>" in watch.roster_text()  # and the roster still follows


async def test_X4_a_moderator_s_approve_click_is_committed_by_its_ack(watch: AckWatch) -> None:
    await live_session(watch, "request")
    await watch.command(ALEX, "ask")
    watch.fake.slow["users.info"] = SLOW
    response = await watch.click(ADMIN, b.APPROVE, f"{CHANNEL}|{ALEX}")
    assert response.status == 200
    assert ALEX in watch.at_ack[-1].invitations


async def test_X4_a_get_ready_submission_is_on_stage_by_its_ack_and_the_modal_still_opens_first(
    watch: AckWatch,
) -> None:
    await live_session(watch, "open")
    await watch.click(ALEX, b.JOIN, ROOM)
    assert watch.fake.of("views.open")[-1]["view"]["callback_id"] == b.GET_READY
    watch.fake.slow["users.info"] = SLOW
    response = await watch.submit(ALEX, b.GET_READY)
    assert response.status == 200
    assert ALEX in watch.at_ack[-1].on_stage
    assert any("stage" in text for text in watch.fake.told(ALEX))  # the answer still comes, after the ack


async def test_X4_a_run_of_clicks_by_one_person_asks_slack_for_their_roles_once(watch: AckWatch) -> None:
    await live_session(watch, "invite")
    since = len(watch.fake.calls)
    for action in (b.HAND, b.HAND_DOWN, b.HAND):
        assert (await watch.click(ALEX, action, ROOM)).status == 200
    lookups = [call for call in watch.fake.calls[since:] if call.method == "users.info"]
    assert [call.args["user"] for call in lookups] == [ALEX]
    assert watch.at_ack[-1].hands == [ALEX]


async def test_A3_a_role_slack_sends_with_a_huddle_change_counts_at_the_next_command(watch: AckWatch) -> None:
    await live_session(watch, "request")
    await watch.command(ALEX, f"invite <@{BEA}>")  # not a moderator: refused, and the profile is remembered
    assert BEA not in watch.at_ack[-1].invitations
    promoted = huddle_changed(ALEX, None)
    promoted["user"]["is_admin"] = True
    watch.fake.users[ALEX]["is_admin"] = True  # Slack made them an admin; its event says so
    await watch.event(promoted)
    await watch.command(ALEX, f"invite <@{BEA}>")
    assert BEA in watch.at_ack[-1].invitations


async def test_A3_an_admin_unmade_in_slack_is_refused_at_once_through_user_change(watch: AckWatch) -> None:
    await live_session(watch, "request")
    await watch.command(ADMIN, "capacity 40")  # an admin setting: allowed, and the profile is remembered
    assert watch.at_ack[-1].capacity == 40
    watch.fake.users[ADMIN]["is_admin"] = watch.fake.users[ADMIN]["is_owner"] = False
    profile = dict(watch.fake.users[ADMIN])
    await watch.event({"type": "user_change", "user": profile, "event_ts": "1700000100.000100", "cache_ts": 1700000100})
    await watch.command(ADMIN, "capacity 30")
    assert watch.at_ack[-1].capacity == 40  # refused at once, although the cached profile was still fresh
