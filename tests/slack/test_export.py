"""R2 on Slack: `/stage export [days]` uploads the CSV and the JSON export to the admin (files upload v2)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.records.export import export_chunks
from adapters.slack.export import DAY, MAX_DAYS
from tests.slack.conftest import ADMIN, ALEX, BEA, MOD, live_session
from tests.slack.fake_files import UPLOAD, dm_of
from tests.slack.fake_slack import FakeSlack
from tests.slack.limits import problems_in_call
from tests.slack.quick import QuickHarness

FILE_METHODS = ("conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal", UPLOAD)


@pytest.fixture
async def slack(fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path) -> AsyncIterator[QuickHarness]:
    harness = QuickHarness(fake_slack, tmp_path, migrated_database)  # retries in milliseconds, as in production
    await harness.start()
    yield harness
    await harness.close()
    assert fake_slack.violations == []
    assert [p for call in fake_slack.calls for p in problems_in_call(call.method, call.args)] == []


def last(slack: QuickHarness, user: str) -> str:
    told = slack.fake.told(user)
    assert told, f"{user} was told nothing"
    return told[-1]


def file_calls(slack: QuickHarness) -> list[str]:
    return [call.method for call in slack.fake.calls if call.method in FILE_METHODS]


async def a_session_with_people(slack: QuickHarness) -> None:
    await live_session(slack, "request")
    await slack.command(ALEX, "ask a question")
    slack.clock.now += 5
    await slack.command(ADMIN, f"approve <@{ALEX}|alex>")
    await slack.command(BEA, "hand")


async def cli_export(slack: QuickHarness, fmt: str, since: float, now: float) -> bytes:
    """What the CLI's code writes for the same channel, range and moment."""
    text = [chunk async for chunk in export_chunks(slack.store, slack.key, since, None, fmt, now)]
    return "".join(text).encode("utf-8")


async def test_R2_A2_export_sends_the_admin_the_cli_s_csv_and_json_in_their_dm(slack):
    await a_session_with_people(slack)
    await slack.command(ADMIN, "export")
    assert "Your export is on its way" in last(slack, ADMIN) and "last 30 days" in last(slack, ADMIN)
    csv_file, json_file = slack.fake.files.shared(dm_of(ADMIN))
    assert (csv_file.filename, json_file.filename) == (
        f"stagedoor-{slack.key.channel}-last-30-days.csv",
        f"stagedoor-{slack.key.channel}-last-30-days.jsonl",
    )
    now = slack.clock.now
    assert csv_file.data == await cli_export(slack, "csv", now - 30 * DAY, now)
    assert json_file.data == await cli_export(slack, "json", now - 30 * DAY, now)
    rows = list(csv.DictReader(io.StringIO(csv_file.data.decode())))
    assert {"session.started", "request.created", "request.approved", "hand.raised"} <= {r["event"] for r in rows}
    lines = [json.loads(line) for line in json_file.data.decode().splitlines()]
    assert [line["record"] for line in lines].count("event") == sum(r["record"] == "event" for r in rows)
    [complete] = slack.fake.of("files.completeUploadExternal")
    assert complete["channel_id"] == dm_of(ADMIN) and len(complete["files"]) == 2  # both shared in one step
    assert "CSV" in csv_file.title and "JSON" in json_file.title


async def test_R2_export_days_count_back_from_now(slack):
    await a_session_with_people(slack)
    await slack.command(ADMIN, "end")
    slack.clock.now += 40 * DAY
    await slack.command(ADMIN, "start open")
    await slack.command(ADMIN, "export")
    recent = slack.fake.files.shared(dm_of(ADMIN))[0].data.decode()
    assert "request.approved" not in recent and "session.started" in recent  # only the session of the last 30 days
    await slack.command(ADMIN, "export 60")
    assert "last 60 days" in last(slack, ADMIN)
    both = slack.fake.files.shared(dm_of(ADMIN))[2].data.decode()
    events = [row["event"] for row in csv.DictReader(io.StringIO(both))]
    assert "request.approved" in events and events.count("session.started") == 2


async def test_R2_A2_a_non_admin_is_refused_and_nothing_is_uploaded(slack):
    await a_session_with_people(slack)
    await slack.command(MOD, "export 7")
    assert "Only admins can export this channel's records (not_admin)" in last(slack, MOD)
    await slack.command(ALEX, "export nonsense")  # the admin check comes first (A5), so no word about the days
    assert "Only admins" in last(slack, ALEX)
    assert file_calls(slack) == []


@pytest.mark.parametrize("days", ["0", "-3", str(MAX_DAYS + 1), "soon", "7 8", "1.5"])
async def test_R2_bad_days_get_a_clear_message_and_nothing_is_uploaded(slack, days):
    await a_session_with_people(slack)
    await slack.command(ADMIN, f"export {days}")
    said = last(slack, ADMIN)
    assert f"Give a whole number from 1 to {MAX_DAYS}" in said and "/stage export 7" in said
    assert file_calls(slack) == []


async def test_R2_a_channel_with_nothing_recorded_says_so_and_uploads_nothing(slack):
    await slack.command(ADMIN, "export")
    assert "Nothing has been recorded" in last(slack, ADMIN)
    assert file_calls(slack) == []


FAILURES = {
    "not_authed on completion": (
        lambda fake: fake.fail("files.completeUploadExternal", "not_authed"),
        "Slack refused to upload the export (not_authed)",
    ),
    "missing_scope on the upload URL": (
        lambda fake: fake.fail("files.getUploadURLExternal", "missing_scope"),
        "(missing_scope). The app lacks a permission; reinstall it",
    ),
    "storage full": (
        lambda fake: fake.fail("files.getUploadURLExternal", "storage_limit_reached"),
        "(storage_limit_reached)",
    ),
    "429 past the retries": (
        lambda fake: fake.rate_limit("files.getUploadURLExternal", times=10, retry_after=0),
        "Slack refused to upload the export (ratelimited)",
    ),
    "the upload URL failing with 503": (
        lambda fake: fake.server_error(UPLOAD, times=10, status=503),
        "Slack refused to take the export's file (HTTP 503)",
    ),
    "completion failing with 500": (
        lambda fake: fake.server_error("files.completeUploadExternal", times=10, status=500),
        "Slack refused to upload the export (http_500)",
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_R2_slack_failing_gives_the_admin_one_line_and_nothing_is_half_posted(slack, failure):
    await a_session_with_people(slack)
    make, words = FAILURES[failure]
    make(slack.fake)
    await slack.command(ADMIN, "export")
    said = last(slack, ADMIN)
    assert words in said and "\n" not in said, said
    assert "on its way" not in " ".join(slack.fake.told(ADMIN))
    assert slack.fake.files.shared(dm_of(ADMIN)) == []  # no file shared: not the CSV without the JSON


async def test_R2_a_503_on_the_upload_url_is_tried_again_and_the_export_arrives(slack):
    await a_session_with_people(slack)
    slack.fake.server_error(UPLOAD, times=1, status=503)
    await slack.command(ADMIN, "export")
    assert "on its way" in last(slack, ADMIN)
    assert len(slack.fake.files.shared(dm_of(ADMIN))) == 2


async def test_R2_help_names_the_export_and_its_days(slack):
    await slack.command(ALEX, "help")
    assert "`export [days]`" in last(slack, ALEX) and "366" in last(slack, ALEX)
