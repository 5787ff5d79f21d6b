"""Stampedes: hundreds of clicks at once, through Bolt's signed dispatch, against the fake Slack with its tiers on.

Behaviour only (speed is the benchmark's: `stagedoor bench --slack-stampede`): every clicker is told
exactly once, an invitation is not held behind a flood, moderators get one summary instead of a notice
per hand, the roster is never edited to what it already shows, and no click waits on users.info.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from adapters.outbox import drain, pump
from adapters.slack import kit as b
from adapters.slack.directory import Directory
from adapters.slack.notify import CONSUMER, PERSONAL, start_personal_lane
from adapters.slack.summary import SummaryBoard
from core.commands import Actor, Status
from tests.slack.conftest import ADMIN, CHANNEL, SlackHarness, live_session
from tests.slack.fake_slack import RESPONSE_URL, FakeSlack

CROWD = 200  # enough to pass every threshold (25 separate notices, Tier 4's 100-call burst)
GUEST = "UGUEST0001"


def crowd(fake: FakeSlack, size: int = CROWD) -> list[str]:
    return [fake.person(f"UCROWD{n:04d}") for n in range(size)]


async def read_directory(slack: SlackHarness) -> None:
    """Read the workspace's people with users.list, as `stagedoor run` does when it starts and every 45 s."""
    await Directory(slack.bot.stage.client, slack.bot.stage.roles, page_interval=0).load()


async def stampede(slack: SlackHarness, people: list[str], action: str = b.HAND) -> None:
    """Everyone clicks at once: the requests are dispatched together, as Slack would deliver them."""
    await read_directory(slack)
    requests = [slack.click_request(user, action, f"{CHANNEL}|") for user in people]
    answers = await asyncio.gather(*(slack.bot.app.async_dispatch(request) for request in requests))
    assert [answer.status for answer in answers] == [200] * len(people)
    await slack.bot.stage.settle(timeout=30)


def told_to(fake: FakeSlack, user: str, words: str) -> int:
    return sum(words in text for text in fake.told(user))


async def hands(slack: SlackHarness) -> list[str]:
    [room] = await slack.bot.stage.service.handle(slack.key, Status(Actor(ADMIN, moderator=True)))
    return list(room.hands)


async def test_X4_every_clicker_of_a_stampede_is_told_exactly_once_and_no_click_is_dropped(slack):
    await live_session(slack, "request")
    people = crowd(slack.fake)
    await stampede(slack, people)
    await slack.deliver()
    assert sorted(await hands(slack)) == sorted(people)
    assert all(told_to(slack.fake, user, "Your hand is raised") == 1 for user in people)
    # Told where Slack lets the app answer the person who acted, not through the Tier 4 chat.postEphemeral.
    answered = {call.args["user"] for call in slack.fake.calls if call.method == RESPONSE_URL and call.status == 200}
    assert set(people) <= answered


async def test_X4_moderators_of_a_busy_room_get_one_summary_edited_in_place_not_a_notice_per_hand(slack):
    await live_session(slack, "request")
    busy = 30  # past the 25 hands and requests moderators are told of one by one
    await stampede(slack, crowd(slack.fake, busy))
    await slack.deliver()
    hand_notices = told_to(slack.fake, ADMIN, "raised their hand")
    assert hand_notices <= 25  # the first ones, while few were waiting; none past that
    summaries = [a for a in slack.fake.of("chat.postMessage") if a["channel"] == ADMIN]
    assert len(summaries) == 1 and "raised hands" in summaries[0]["text"]
    await stampede(slack, crowd(slack.fake, busy + 20)[busy:])  # twenty more hands
    await slack.deliver()
    assert told_to(slack.fake, ADMIN, "raised their hand") == hand_notices
    assert len([a for a in slack.fake.of("chat.postMessage") if a["channel"] == ADMIN]) == 1  # still one message
    # The summary is edited in ADMIN's DM with the app (Slack cannot edit an ephemeral message).
    edits = [a for a in slack.fake.of("chat.update") if a["channel"] == ADMIN]
    assert edits and f"{busy + 20} raised hands" in edits[-1]["text"]
    assert len({a["ts"] for a in edits}) == 1
    await slack.command(ADMIN, "end")
    final = [a for a in slack.fake.of("chat.update") if a["channel"] == ADMIN][-1]
    assert "The session ended" in final["text"]


async def test_X4_no_chat_update_repeats_what_its_message_already_shows(slack):
    await live_session(slack, "request")
    await stampede(slack, crowd(slack.fake))
    await slack.deliver()
    for _ in range(3):
        slack.bot.stage.roster.mark(slack.key)
        await slack.deliver()
    shown: dict[tuple[str, str], str] = {}
    for update in slack.fake.of("chat.update"):
        where = (update["channel"], update["ts"])
        content = json.dumps([update["text"], update["blocks"]], sort_keys=True)
        assert shown.get(where) != content, "an edit repeated what the message showed"
        shown[where] = content


async def test_X4_an_invitation_made_mid_flood_reaches_its_person_while_the_room_lane_is_still_behind(slack):
    await live_session(slack, "request")
    await slack.deliver()
    guest = slack.fake.person(GUEST)
    await stampede(slack, crowd(slack.fake, 10))  # ten hands: each is a notice to the moderators
    await slack.send(slack.request(slack.command_body(ADMIN, f"invite <@{guest}>"), _FORM), deliver=False)
    # The moderators' lane is stuck: Slack keeps failing every message to ADMIN.
    slack.fake.server_error("chat.postEphemeral", status=502, times=10_000, where={"user": ADMIN})
    stop = asyncio.Event()
    room = asyncio.create_task(pump(slack.store, CONSUMER, slack.bot.deliverer.deliver, asyncio.Event(), stop=stop))
    try:
        await drain(slack.store, PERSONAL, slack.bot.deliverer.deliver_personal)
        assert told_to(slack.fake, guest, "You have been invited to join the stage") == 1
        assert await slack.store.read(CONSUMER, 100)  # the flood is not delivered yet; the invitation was
    finally:
        room.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await room


_FORM = "application/x-www-form-urlencoded"


async def test_A3_roles_read_with_users_list_ahead_of_the_clicks_spare_each_click_a_users_info(slack):
    await live_session(slack, "request")
    people = crowd(slack.fake)
    slack.fake.clear()
    directory = Directory(slack.bot.stage.client, slack.bot.stage.roles, page_interval=0)
    assert await directory.load() == len(slack.fake.users)
    assert len(slack.fake.of("users.list")) == -(-len(slack.fake.users) // 200)  # a page per 200 people
    await stampede(slack, people)
    assert not [call for call in slack.fake.calls if call.method == "users.info"]
    # A role change Slack announces with user_change counts at once (A3), without waiting for the next read.
    promoted = {**slack.fake.users[people[0]], "is_admin": True}
    await slack.event({"type": "user_change", "user": promoted, "cache_ts": 1700000000, "event_ts": "1700000000.1"})
    assert (await slack.bot.stage.roles.actor(slack.key, people[0])).admin


async def test_X4_an_answer_whose_response_url_slack_no_longer_takes_comes_through_the_web_api(slack):
    slack.live_responses = False
    await live_session(slack, "request")
    await slack.click(slack.fake.person("ULATE00001"), b.HAND, f"{CHANNEL}|")
    [answer] = [a for a in slack.fake.of("chat.postEphemeral") if a["user"] == "ULATE00001"]
    assert "Your hand is raised" in answer["text"]


async def test_X2_a_new_personal_lane_starts_where_the_room_lane_is_so_nobody_is_told_twice(slack):
    await live_session(slack, "request")
    for cursor in (CONSUMER, PERSONAL):
        while page := await slack.store.read(cursor, 100):
            await slack.store.ack(cursor, page[-1].id)
    await start_personal_lane(slack.store)  # both lanes have moved: nothing changes
    assert await slack.store.read(PERSONAL, 100) == []


async def test_X2_an_upgraded_install_opens_the_personal_lane_at_the_room_lanes_cursor(
    fake_slack, tmp_path, migrated_database
):
    slack = SlackHarness(fake_slack, tmp_path, migrated_database)
    await slack.start()
    try:
        await slack.everyone_arrives(ADMIN)
        await slack.send(slack.request(slack.command_body(ADMIN, "start request"), _FORM), deliver=False)
        while page := await slack.store.read(CONSUMER, 100):  # an older version delivered all of it
            await slack.store.ack(CONSUMER, page[-1].id)
        assert await slack.store.read(PERSONAL, 100)  # a cursor that never moved
        await start_personal_lane(slack.store)
        assert await slack.store.read(PERSONAL, 100) == []  # history is not told again
    finally:
        await slack.close()


async def test_X4_a_summary_slack_refuses_for_one_moderator_still_reaches_the_others(fake_slack):
    from adapters.slack.client import make_client
    from adapters.slack.pace import Pacer
    from core.events import StatusReply
    from core.room import RoomKey

    key = RoomKey("slack", fake_slack.team, CHANNEL)
    waiting = StatusReply(actor="", live=True, mode="request", count=0, capacity=100, hands=["UA", "UB"])

    async def status(_key: RoomKey) -> StatusReply:
        return waiting

    async def moderators(_key: RoomKey) -> list[str]:
        return ["UGONE00001", ADMIN]

    board = SummaryBoard(make_client("xoxb-test-token", fake_slack.url), status, moderators, Pacer(0))
    fake_slack.fail("chat.postMessage", "channel_not_found", where={"channel": "UGONE00001"})
    board.open(key)
    await board.draw(key)
    assert [a["channel"] for a in fake_slack.of("chat.postMessage")] == [ADMIN]
    await board.draw(key)  # nothing changed: nothing is sent again, not even the refused one
    assert len(fake_slack.calls) == 2


async def test_X4_the_fake_slack_answers_past_a_tier_with_429_and_the_seconds_to_wait(fake_slack):
    import aiohttp

    headers = {"Authorization": "Bearer xoxb-test-token"}
    async with aiohttp.ClientSession() as http:

        async def call(method: str, **args: str) -> tuple[int, str | None]:
            async with http.post(f"{fake_slack.url}{method}", data=args, headers=headers) as response:
                return response.status, response.headers.get("Retry-After")

        answers = [await call("users.info", user="UALEX0001") for _ in range(101)]  # Tier 4: 100 a minute
        assert [status for status, _ in answers[:100]] == [200] * 100
        assert answers[100][0] == 429 and int(answers[100][1] or 0) >= 1
        posts = [await call("chat.postMessage", channel="C1", text="hi") for _ in range(6)]  # about 1 a second
        assert [status for status, _ in posts] == [200] * 5 + [429]
        assert (await call("chat.postMessage", channel="C2", text="hi"))[0] == 200  # per channel
    assert fake_slack.rate_limited() == 2
