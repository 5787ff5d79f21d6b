"""Slack's delivery and failure modes: signatures, retries, rate limits, outages, restarts, big queues."""

from __future__ import annotations

import json
import socket
import time

import aiohttp

from adapters.slack import kit as b
from adapters.slack.http_mode import EVENTS_PATH, run_http
from adapters.slack.roster import RosterBoard
from adapters.slack.state import SlackState
from core.commands import Actor, Arrive, AskToJoin, Status
from core.events import StatusReply
from tests.slack.conftest import ADMIN, ALEX, BEA, CAL, CHANNEL, live_session
from tests.slack.limits import problems_in_call


async def status(slack):
    [reply] = await slack.bot.stage.service.handle(slack.key, Status(Actor(ADMIN, moderator=True)))
    return reply


def message(user: str, ts: str) -> dict:
    return {
        "type": "message",
        "channel": CHANNEL,
        "user": user,
        "text": "hello",
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }


# -- signatures ------------------------------------------------------------------------------------


async def test_forged_signature_is_rejected_and_changes_nothing(slack):
    await slack.everyone_arrives(ADMIN)
    body = slack.command_body(ADMIN, "start")
    response = await slack.send(slack.request(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64))
    assert response.status == 401
    assert not (await status(slack)).live
    assert not slack.fake.of("chat.postEphemeral")


async def test_expired_signature_is_rejected(slack):
    await slack.everyone_arrives(ADMIN)
    body = slack.command_body(ADMIN, "start")
    stale = int(time.time()) - 10 * 60  # Slack's replay window is five minutes
    response = await slack.send(slack.request(body, "application/x-www-form-urlencoded", timestamp=stale))
    assert response.status == 401
    assert not (await status(slack)).live


async def test_http_mode_serves_signed_requests_over_real_http(slack):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = await run_http(slack.bot.app, "127.0.0.1", port)
    try:
        await slack.everyone_arrives(ADMIN)
        body = slack.command_body(ADMIN, "start open")
        signed = slack.request(body, "application/x-www-form-urlencoded")
        headers = {name: values[0] for name, values in signed.headers.items()}
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{port}{EVENTS_PATH}", data=body, headers=headers) as answer:
                assert answer.status == 200
            forged = {**headers, "x-slack-signature": "v0=" + "1" * 64}
            async with http.post(f"http://127.0.0.1:{port}{EVENTS_PATH}", data=body, headers=forged) as answer:
                assert answer.status == 401
        await slack.bot.stage.settle()
        assert (await status(slack)).live
    finally:
        await runner.cleanup()


# -- X2: retries and repeats -----------------------------------------------------------------------


async def test_X2_retried_event_delivery_changes_nothing(slack):
    await live_session(slack, "open")
    await slack.command(ADMIN, "capacity 2")
    for user in (ALEX, BEA):
        await slack.click(user, b.JOIN, f"{CHANNEL}|")
        await slack.submit(user, b.GET_READY)
    slack.clock.now += 10
    await slack.event(message(ALEX, "1700000010.000001"), event_id="Ev0ALEXSAID")
    slack.clock.now += 10
    await slack.event(message(BEA, "1700000020.000001"), event_id="Ev0BEASAID")
    slack.clock.now += 10
    # Slack did not see our ack in time and sends ALEX's message again: it must not count as new activity.
    response = await slack.event(message(ALEX, "1700000010.000001"), event_id="Ev0ALEXSAID", retry_num=1)
    assert response.status == 200
    await slack.click(CAL, b.JOIN, f"{CHANNEL}|")
    await slack.submit(CAL, b.GET_READY)
    assert "so you made room for" in slack.fake.told(ALEX)[-1]
    assert (await status(slack)).on_stage == [BEA, CAL]


async def test_X2_repeated_click_answers_but_changes_nothing(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    await slack.click(ADMIN, b.APPROVE, f"{CHANNEL}|{ALEX}")
    await slack.click(ADMIN, b.APPROVE, f"{CHANNEL}|{ALEX}")
    invitations = [t for t in slack.fake.told(ALEX) if "You have been invited" in t]
    assert len(invitations) == 1
    assert "already brought" in slack.fake.told(ADMIN)[-1]


# -- X4: Slack failing -----------------------------------------------------------------------------


async def test_X4_rate_limited_roster_edit_waits_for_retry_after_and_lands(slack):
    await live_session(slack, "request")
    slack.fake.rate_limit("chat.update", times=1, retry_after=0)
    await slack.command(ALEX, "ask")
    statuses = [call.status for call in slack.fake.calls if call.method == "chat.update"]
    assert statuses == [429, 200]
    assert "1. <@UALEX0001>" in slack.roster_text()


async def test_X4_server_errors_are_retried(slack):
    await live_session(slack, "request")
    slack.fake.server_error("chat.postEphemeral", times=1, status=503)
    await slack.command(ALEX, "ask")
    assert "number 1 in line" in slack.fake.told(ALEX)[-1]


async def test_X4_a_failed_roster_edit_stays_dirty_until_it_lands(slack):
    await live_session(slack, "request")
    slack.fake.fail("chat.update", "update_failed")
    await slack.bot.stage.service.handle(slack.key, Arrive(Actor(ALEX)))
    await slack.bot.stage.service.handle(slack.key, AskToJoin(Actor(ALEX)))
    try:
        await slack.deliver()
    except Exception as error:  # the roster loop logs this and tries again
        assert "update_failed" in str(error)
    await slack.bot.stage.roster.flush()
    assert "1. <@UALEX0001>" in slack.roster_text()


async def test_a_deleted_roster_message_is_posted_again(slack):
    await live_session(slack, "request")
    slack.fake.fail("chat.update", "message_not_found")
    await slack.command(ALEX, "ask")
    rosters = [a for a in slack.fake.posted(CHANNEL) if a["blocks"][0]["type"] == "header"]
    assert len(rosters) == 2 and "1. <@UALEX0001>" in json.dumps(rosters[-1]["blocks"])


# -- restarts --------------------------------------------------------------------------------------


async def test_restart_old_buttons_still_work_and_edit_the_same_roster(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    roster_ts = slack.roster()["ts"]
    told_before = len(slack.fake.told(ADMIN))
    await slack.restart()
    await slack.deliver()
    assert len(slack.fake.told(ADMIN)) == told_before  # nothing delivered twice after the restart
    # The admin clicks "Bring to stage" on the notification posted before the restart.
    await slack.click(ADMIN, b.APPROVE, f"{CHANNEL}|{ALEX}")
    assert "You have been invited" in slack.fake.told(ALEX)[-1]
    assert slack.roster()["ts"] == roster_ts
    assert "*Invited:* <@UALEX0001>" in slack.roster_text()


# -- size and pace ---------------------------------------------------------------------------------


async def test_a_queue_of_500_still_renders_within_slack_limits(slack):
    await live_session(slack, "request")
    service = slack.bot.stage.service
    for n in range(500):
        user = f"UQ{n:07d}"
        await service.handle(slack.key, Arrive(Actor(user)))
        await service.handle(slack.key, AskToJoin(Actor(user), note="x" * 200))
    slack.fake.clear()
    await slack.deliver()
    updates = slack.fake.of("chat.update")
    assert len(updates) == 1  # 500 changes, one edit
    [summary] = slack.fake.told(ADMIN)  # one summary, not 500 notices; the roster and panel show everyone
    assert "500 requests to join the stage" in summary
    assert all(call.status == 200 for call in slack.fake.calls)  # within every method's tier
    shown = json.dumps(updates[0]["blocks"], ensure_ascii=False)
    assert "*Queue (500):*" in shown and "…and 460 more" in shown
    await slack.click(ADMIN, b.PANEL, f"{CHANNEL}|")
    panel = slack.fake.of("views.open")[-1]
    assert "Queue (500)" in json.dumps(panel["view"]) and problems_in_call("views.open", panel) == []
    await slack.event(
        {"type": "app_home_opened", "user": ADMIN, "channel": "D0ADMIN01", "event_ts": "1.1", "tab": "home"}
    )
    assert problems_in_call("views.publish", slack.fake.of("views.publish")[-1]) == []


async def test_roster_edits_are_coalesced_and_paced(fake_slack):
    from adapters.slack.client import make_client
    from core.room import RoomKey

    client = make_client("xoxb-test-token", fake_slack.url)
    counts = {"C1": 0, "C2": 0, "C3": 0}

    async def status_of(key):
        counts[key.channel] += 1  # each draw shows a new count, so each one is a real edit
        return StatusReply(actor="", live=True, mode="open", count=counts[key.channel], capacity=100)

    state = SlackState()
    board = RosterBoard(client, state, status_of, interval=0.05)
    for channel in counts:
        state.channel(RoomKey("slack", "T", channel)).roster_ts = "1700000000.000001"
    for _ in range(20):
        for channel in counts:
            board.mark(RoomKey("slack", "T", channel))
    assert await board.flush() == 3
    edits = [call for call in fake_slack.calls if call.method == "chat.update"]
    assert [call.args["channel"] for call in edits] == ["C1", "C2", "C3"]
    gaps = [later.at - earlier.at for earlier, later in zip(edits, edits[1:], strict=False)]
    # Paced at 50 ms when sent; arrival times carry the loop's jitter on a busy machine (unpaced: ~1 ms apart).
    assert all(gap >= 0.03 for gap in gaps), gaps


async def test_a_roster_whose_rendering_did_not_change_is_not_edited_again(slack):
    await live_session(slack, "request")
    await slack.command(ALEX, "ask")
    edits = len(slack.fake.of("chat.update"))
    for _ in range(3):
        slack.bot.stage.roster.mark(slack.key)  # something happened, but the roster reads the same
        await slack.bot.stage.roster.flush()
    assert len(slack.fake.of("chat.update")) == edits
    await slack.command(BEA, "ask")  # now it reads differently
    assert len(slack.fake.of("chat.update")) == edits + 1
    rendered = [json.dumps(a["blocks"]) for a in slack.fake.of("chat.update")]
    assert all(a != b for a, b in zip(rendered, rendered[1:], strict=False))


async def test_X4_a_roster_slack_refuses_for_good_is_reported_to_moderators(slack):
    await live_session(slack, "request")
    slack.fake.fail("chat.update", "channel_not_found")
    await slack.command(ALEX, "ask")
    assert any("Slack refused to update the stage roster (channel_not_found)" in t for t in slack.fake.told(ADMIN))
    assert await slack.bot.stage.roster.flush() == 0  # not retried in a loop; the next change redraws


async def test_one_error_handler_explains_a_failed_click(slack):
    await live_session(slack, "open")
    slack.fake.fail("views.open", "expired_trigger_id")
    await slack.click(ALEX, b.JOIN, f"{CHANNEL}|")
    answer = slack.fake.told(ALEX)[-1]
    assert "Slack refused to finish that (expired_trigger_id)" in answer and "click the button again" in answer
    assert "On stage: 0 / 100" in slack.roster_text()


async def test_http_mode_answers_slacks_url_verification(slack):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "verification-token-unused", "challenge": challenge, "type": "url_verification"})
    response = await slack.send(slack.request(body, "application/json"), deliver=False)
    assert response.status == 200 and challenge in response.body
