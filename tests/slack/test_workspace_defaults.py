"""Workspace-wide defaults from the Home tab (M2, A2): every channel without its own value inherits them."""

from __future__ import annotations

import json

from adapters.slack import kit as b
from tests.slack.conftest import ADMIN, ALEX, CHANNEL
from tests.slack.fake_slack import RESPONSE_URL

OTHER = "C0OTHER01"  # a channel with no settings of its own


async def open_home(slack, user: str) -> dict:
    await slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D0HOME001", "event_ts": "1700000000.1", "tab": "home"}
    )
    return {**slack.fake.of("views.publish")[-1]["view"], "id": "VHOME0001"}


async def open_workspace_form(slack, user: str) -> None:
    home = await open_home(slack, user)
    [button] = [e for e in home["blocks"][2]["elements"] if e.get("action_id") == b.HOME_WORKSPACE]
    await slack.click(user, b.HOME_WORKSPACE, button["value"], view=home)


def form_values(**fields: str) -> dict:
    values: dict = {}
    for name, raw in fields.items():
        if name == "default_mode":
            values[name] = {name: {"type": "static_select", "selected_option": {"value": raw}}}
        else:
            values[name] = {name: {"type": "number_input", "value": raw}}
    return values


async def status_line(slack, channel: str) -> str:
    await slack.command(ADMIN, "start", channel=channel)
    await slack.command(ADMIN, "status", channel=channel)
    ephemeral = [
        c.args for c in slack.fake.calls if c.method in ("chat.postEphemeral", RESPONSE_URL) and c.status == 200
    ]
    shown = [a for a in ephemeral if a["user"] == ADMIN and a["channel"] == channel]
    return str(shown[-1]["text"])


async def test_M2_workspace_defaults_from_the_home_tab_apply_where_a_channel_has_no_value_of_its_own(slack):
    await slack.command(ADMIN, "capacity 7")  # CHANNEL keeps its own capacity
    await open_workspace_form(slack, ADMIN)
    form = slack.fake.of("views.open")[-1]["view"]
    assert form["callback_id"] == b.WORKSPACE_SETTINGS
    assert {block["block_id"] for block in form["blocks"] if block["type"] == "input"} == {
        "default_mode",
        "capacity",
        "cameras",
        "cooldown",
        "expiry",
        "turn",
        "advance",
        "order",
    }
    await slack.submit(
        ADMIN,
        b.WORKSPACE_SETTINGS,
        form_values(default_mode="event", capacity="40", expiry="120"),
        channel=form["private_metadata"],
    )
    told = "\n".join(slack.fake.told(ADMIN)[-1:])
    assert "The stage now holds up to 40 people in every channel without a capacity of its own" in told
    assert slack.fake.of("views.publish")[-1]["user_id"] == ADMIN  # the Home tab is redrawn

    assert "*Everyone on stage* mode.\nOn stage: 0 / 40" in await status_line(slack, OTHER)
    assert "*Everyone on stage* mode.\nOn stage: 0 / 7" in await status_line(slack, CHANNEL)
    # Nothing was posted for the workspace itself: it is not a channel.
    channels = {call.args.get("channel") for call in slack.fake.calls}
    assert "*" not in channels

    await slack.restart()
    assert "On stage: 0 / 40" in await status_line(slack, "C0THIRD01")


async def test_A2_only_admins_open_or_save_workspace_defaults(slack):
    await open_workspace_form(slack, ALEX)
    assert "Only admins can change workspace defaults" in slack.fake.told(ALEX)[-1]
    assert not [v for v in slack.fake.of("views.open") if v["view"]["callback_id"] == b.WORKSPACE_SETTINGS]
    # A form opened while an admin and submitted after losing the role, or a forged submission (A3).
    response = await slack.submit(ALEX, b.WORKSPACE_SETTINGS, form_values(capacity="5"), channel="*")
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert "Only admins can change workspace defaults" in answer["errors"]["default_mode"]
    assert "On stage: 0 / 100" in await status_line(slack, OTHER)


async def test_M2_a_refused_workspace_value_is_explained_and_changes_nothing(slack):
    await open_workspace_form(slack, ADMIN)
    await slack.submit(ADMIN, b.WORKSPACE_SETTINGS, form_values(capacity="0", cooldown="30"), channel="*")
    told = slack.fake.told(ADMIN)[-1]
    assert ":no_entry_sign:" in told and "capacity must be from" in told
    assert "people now wait 30 s before asking again, in every channel" in told
    assert "On stage: 0 / 100" in await status_line(slack, OTHER)
