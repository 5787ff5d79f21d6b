"""The app manifest grants every scope the adapter's Web API calls and event subscriptions need."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tests.slack.fake_slack import METHODS, PLATFORM

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text())
EVENTS = json.loads((PLATFORM / "slack-events.json").read_text())
BOT_SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])
SDK_TO_SLACK = {spec["slack_sdk"]["method"]: name for name, spec in METHODS.items() if not name.startswith("_")}


def methods_called() -> set[str]:
    """Return every Slack method the adapter's source calls through the Web API client."""
    called = set()
    for path in (ROOT / "adapters" / "slack").rglob("*.py"):
        for sdk_name in re.findall(r"client\.([a-z_A-Z]+)\(", path.read_text()):
            assert sdk_name in SDK_TO_SLACK, f"{path.name} calls {sdk_name}, which slack-methods.json does not know"
            called.add(SDK_TO_SLACK[sdk_name])
    return called


def events_listened() -> set[str]:
    source = (ROOT / "adapters" / "slack" / "listeners" / "events.py").read_text()
    return set(re.findall(r'app\.event\("([a-z_]+)"\)', source))


def test_every_called_method_has_a_granted_scope():
    called = methods_called()
    assert {"chat.update", "conversations.invite", "conversations.kick", "users.info"} <= called
    for method in called:
        needed = METHODS[method]["scopes"]["bot"]
        assert not needed or BOT_SCOPES & set(needed), f"{method} needs one of {needed}"


def test_every_subscribed_event_is_known_listened_to_and_covered_by_scopes():
    subscribed = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    for event in subscribed:
        assert event in EVENTS, f"{event} is not in slack-events.json"
        needed = set(EVENTS[event]["required_scopes"])
        # message.* list every conversation type's scope; the one for that type is enough.
        assert not needed or BOT_SCOPES & needed, f"{event} needs one of {needed}"
    # user_huddle_changed lists no scope; its payload is user_change's, which needs users:read.
    assert set(EVENTS["user_change"]["required_scopes"]) <= BOT_SCOPES
    delivered = {EVENTS[event]["delivered_type"] for event in subscribed}
    assert events_listened() == delivered


def test_slash_command_interactivity_and_home_are_configured():
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/stage" and command["should_escape"] is True
    assert "commands" in BOT_SCOPES
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True


def test_R2_the_export_s_upload_methods_are_called_and_their_scopes_granted():
    called = methods_called()
    upload = {"conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal"}
    assert upload <= called
    assert {"files:write", "im:write"} <= BOT_SCOPES  # files.* need files:write; a DM's conversations.open im:write
    for method in upload:
        assert BOT_SCOPES & set(METHODS[method]["scopes"]["bot"]), method
