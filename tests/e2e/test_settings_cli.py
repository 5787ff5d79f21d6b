"""Misconfiguration through the real `stagedoor` process: one line naming the variable, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from tests.e2e.conftest import run_stagedoor

BOT = "xoxb-1-test"
APP = "xapp-1-test"

MISTAKES: list[tuple[dict[str, str], str, str]] = [
    # (environment, the variable the line must name, words the line must contain)
    ({"SLACK_BOT_TOKEN": "xapp-1-swapped", "SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN", "xoxb-"),
    ({"SLACK_BOT_TOKEN": "xoxp-1-user", "SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN", "a user token"),
    ({"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": "xoxb-1-swapped"}, "SLACK_APP_TOKEN", "xapp-"),
    ({"SLACK_BOT_TOKEN": BOT}, "SLACK_APP_TOKEN", "socket mode"),
    ({"SLACK_BOT_TOKEN": BOT, "STAGEDOOR_SLACK_MODE": "http"}, "SLACK_SIGNING_SECRET", "http mode"),
    ({"SLACK_BOT_TOKEN": BOT, "SLACK_SIGNING_SECRET": "s3cret"}, "SLACK_APP_TOKEN", "STAGEDOOR_SLACK_MODE=http"),
    ({"SLACK_APP_TOKEN": APP}, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN is set"),
    ({"SLACK_SIGNING_SECRET": "s3cret"}, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET is set"),
    ({"STAGEDOOR_SLACK_MODE": "websocket"}, "STAGEDOOR_SLACK_MODE=websocket", "'socket' or 'http'"),
    ({"STAGEDOOR_LOG_LEVEL": "loud"}, "STAGEDOOR_LOG_LEVEL=loud", "'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
    ({"DISCORD_MODERATOR_ROLE_IDS": "stage-team"}, "DISCORD_MODERATOR_ROLE_IDS", "separated by commas"),
    ({"DISCORD_MODERATOR_ROLE_IDS": "111,0"}, "DISCORD_MODERATOR_ROLE_IDS", "'0' is not a role id"),
    ({"DISCORD_MODERATOR_ROLE_IDS": "[111, 222]"}, "DISCORD_MODERATOR_ROLE_IDS", "separated by commas"),
    ({"DISCORD_APPLICATION_ID": "-5"}, "DISCORD_APPLICATION_ID=-5", "positive whole number"),
    ({"DISCORD_DEV_GUILD_ID": "١٢٣"}, "DISCORD_DEV_GUILD_ID", "positive whole number"),
    ({"STAGEDOOR_SLACK_HTTP_PORT": "0"}, "STAGEDOOR_SLACK_HTTP_PORT=0", "from 1 to 65535"),
    ({"STAGEDOOR_SLACK_HTTP_PORT": "65536"}, "STAGEDOOR_SLACK_HTTP_PORT=65536", "from 1 to 65535"),
    ({"STAGEDOOR_SLACK_HTTP_PORT": "http"}, "STAGEDOOR_SLACK_HTTP_PORT=http", "from 1 to 65535"),
]


def assert_one_clear_line(done: object, *wanted: str) -> str:
    """The process refused with exit 2 and one stderr line holding every wanted phrase; return the line."""
    assert done.returncode == 2, (done.returncode, done.stderr)  # type: ignore[attr-defined]
    err: str = done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("stagedoor: the settings cannot be used: ")
    assert "Value error" not in line and "validation error" not in line
    for phrase in wanted:
        assert phrase in line
    return line


@pytest.mark.parametrize(("environment", "variable", "words"), MISTAKES, ids=[m[1] + "-" + m[2] for m in MISTAKES])
def test_each_misconfiguration_is_one_line_naming_the_variable_and_exit_2(
    tmp_path: Path, environment: dict[str, str], variable: str, words: str
) -> None:
    done = run_stagedoor("run", cwd=tmp_path, env=environment)
    assert_one_clear_line(done, variable, words)


def test_several_problems_still_make_one_line_that_names_each_variable(tmp_path: Path) -> None:
    done = run_stagedoor(
        "run",
        cwd=tmp_path,
        env={"SLACK_BOT_TOKEN": "xapp-1", "STAGEDOOR_LOG_LEVEL": "chatty", "STAGEDOOR_SLACK_HTTP_PORT": "99999"},
    )
    assert_one_clear_line(done, "SLACK_BOT_TOKEN", "STAGEDOOR_LOG_LEVEL=chatty", "STAGEDOOR_SLACK_HTTP_PORT=99999")


def test_a_refused_token_is_never_printed(tmp_path: Path) -> None:
    done = run_stagedoor("run", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xapp-1-do-not-print-me", "SLACK_APP_TOKEN": APP})
    line = assert_one_clear_line(done, "SLACK_BOT_TOKEN", "an app-level token (xapp-…)")
    assert "do-not-print-me" not in line


def test_a_mistake_in_the_env_file_is_refused_the_same_way(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("STAGEDOOR_SLACK_HTTP_PORT=3000x\n")
    done = run_stagedoor("console", cwd=tmp_path, stdin="x: /stage status\n")
    assert_one_clear_line(done, "STAGEDOOR_SLACK_HTTP_PORT=3000x")


def test_an_env_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"SLACK_BOT_TOKEN=\xff\xfe\n")
    done = run_stagedoor("run", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "stagedoor: .env is not UTF-8 text; save it as UTF-8 (see .env.example)."
    ]


VALID: list[dict[str, str]] = [
    {},
    {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP},
    {"SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "SLACK_SIGNING_SECRET": "s3cret"},
    {"SLACK_BOT_TOKEN": BOT, "STAGEDOOR_SLACK_MODE": "http", "SLACK_SIGNING_SECRET": "s3cret"},
    {"STAGEDOOR_LOG_LEVEL": "info", "STAGEDOOR_SLACK_HTTP_PORT": "65535"},
    {"DISCORD_TOKEN": "anything", "DISCORD_MODERATOR_ROLE_IDS": " 111 , 222,", "DISCORD_DEV_GUILD_ID": "1"},
]


@pytest.mark.parametrize("environment", VALID)
def test_valid_combinations_still_load_through_the_real_process(tmp_path: Path, environment: dict[str, str]) -> None:
    # invite-url reads every setting and then prints without going to the network.
    done = run_stagedoor("discord", "invite-url", cwd=tmp_path, env={**environment, "DISCORD_APPLICATION_ID": "123"})
    assert (done.returncode, done.stderr) == (0, "")
    assert "client_id=123" in done.stdout


def test_valid_values_are_read_into_their_types() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        STAGEDOOR_LOG_LEVEL="warning",
        DISCORD_MODERATOR_ROLE_IDS="111, 222,",
        DISCORD_APPLICATION_ID="123456789012345678",
        STAGEDOOR_SLACK_HTTP_PORT="8080",
    )
    assert settings.log_level == "WARNING"
    assert settings.discord_moderator_role_ids == [111, 222]
    assert settings.discord_moderator_roles == frozenset({111, 222})
    assert (settings.discord_application_id, settings.slack_http_port) == (123456789012345678, 8080)
    assert Settings(_env_file=None).discord_moderator_role_ids == []  # type: ignore[call-arg]
