"""Every setting stagedoor reads, from the environment and `.env` (see .env.example)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would also take "١٢", "1_0" and "+5"


def _port(value: object) -> object:
    text = str(value).strip()
    if not DIGITS.fullmatch(text) or not 1 <= int(text) <= 65_535:
        raise PydanticCustomError("stagedoor_port", "expected a port number from 1 to 65535")
    return int(text)


def _discord_id(value: object) -> object:
    text = str(value).strip()
    if not DIGITS.fullmatch(text) or int(text) == 0:
        raise PydanticCustomError(
            "stagedoor_discord_id",
            "expected a Discord id, a positive whole number (right-click → Copy ID, with Developer Mode on)",
        )
    return int(text)


def _role_ids(value: object) -> object:
    """Read comma-separated role ids from the environment (a list passed in code is taken as it is)."""
    if not isinstance(value, str):
        return value
    parts = [part.strip() for part in value.split(",") if part.strip()]
    bad = [part for part in parts if not DIGITS.fullmatch(part) or int(part) == 0]
    if bad:
        raise PydanticCustomError(
            "stagedoor_role_ids",
            "{bad} is not a role id; list role ids separated by commas, e.g. 111,222 "
            "(Server Settings → Roles → ⋯ → Copy Role ID, with Developer Mode on)",
            {"bad": repr(bad[0][:40])},
        )
    return [int(part) for part in parts]


def _shard_count(value: object) -> object:
    text = str(value).strip()
    if not DIGITS.fullmatch(text) or int(text) == 0:
        raise PydanticCustomError(
            "stagedoor_shard_count",
            "expected how many shards the bot runs in all, a whole number of at least 1 (the same in every process)",
        )
    return int(text)


def _shard_ids(value: object) -> object:
    """Read comma-separated shard ids from the environment (a list passed in code is taken as it is)."""
    if not isinstance(value, str):
        return value
    parts = [part.strip() for part in value.split(",") if part.strip()]
    bad = [part for part in parts if not DIGITS.fullmatch(part)]
    if bad or not parts:
        raise PydanticCustomError(
            "stagedoor_shard_ids",
            "{bad} is not a shard id; list this process's shards separated by commas, e.g. 0,1 (numbers from 0 "
            "to DISCORD_SHARD_COUNT - 1)",
            {"bad": repr(bad[0][:40]) if bad else "''"},
        )
    return [int(part) for part in parts]


Port = Annotated[int, BeforeValidator(_port)]
DiscordId = Annotated[int, BeforeValidator(_discord_id)]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

# Slack's token prefixes, to say which token was pasted where.
SLACK_TOKEN_KINDS = {
    "xoxb-": "a bot token",
    "xapp-": "an app-level token",
    "xoxp-": "a user token",
    "xoxe-": "a refresh token",
}


class Settings(BaseSettings):
    """Built once by the CLI and passed down; nothing reads the environment elsewhere."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    # Storage
    data_dir: Path = Field(default=Path("data"), validation_alias="STAGEDOOR_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="STAGEDOOR_DATABASE_URL")
    log_level: LogLevel = Field(default="INFO", validation_alias="STAGEDOOR_LOG_LEVEL")
    # Seconds to wait for a lock another connection holds, and for one PostgreSQL statement, before "busy".
    db_lock_timeout: float = Field(default=5.0, gt=0, le=3600, validation_alias="STAGEDOOR_DB_LOCK_TIMEOUT")
    db_statement_timeout: float = Field(default=30.0, gt=0, le=3600, validation_alias="STAGEDOOR_DB_STATEMENT_TIMEOUT")
    # Seconds a process keeps the rooms it delivers without renewing; a crashed process's rooms wait this long.
    delivery_lease: float = Field(default=30.0, ge=1, le=3600, validation_alias="STAGEDOOR_DELIVERY_LEASE")

    # Discord
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_dev_guild_id: DiscordId | None = Field(default=None, validation_alias="DISCORD_DEV_GUILD_ID")
    discord_application_id: DiscordId | None = Field(default=None, validation_alias="DISCORD_APPLICATION_ID")
    # Roles whose members moderate every stage, beside Discord's stage moderators (comma-separated ids
    # in the environment; NoDecode keeps pydantic-settings from reading them as JSON).
    discord_moderator_role_ids: Annotated[list[int], NoDecode, BeforeValidator(_role_ids)] = Field(
        default_factory=list, validation_alias="DISCORD_MODERATOR_ROLE_IDS"
    )
    # How moderators hear of new requests: "ping" (a message in the channel's chat mentioning the
    # moderators' roles, the note left out; DMs when no such role may be pinged), "dm" (a DM, note
    # included, to each moderator connected to the channel) or "panel" (the panel only).
    discord_notify_moderators: Literal["ping", "dm", "panel"] = Field(
        default="ping", validation_alias="DISCORD_NOTIFY_MODERATORS"
    )
    # Sharding (docs/discord.md § Sharding): how many shards in all, and which of them this process runs.
    # Neither set: one process runs as many shards as Discord recommends; the count alone: all of them here.
    discord_shard_count: Annotated[int, BeforeValidator(_shard_count)] | None = Field(
        default=None, validation_alias="DISCORD_SHARD_COUNT"
    )
    discord_shard_ids: Annotated[list[int] | None, NoDecode, BeforeValidator(_shard_ids)] = Field(
        default=None, validation_alias="DISCORD_SHARD_IDS"
    )

    # Slack
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_mode: Literal["socket", "http"] = Field(default="socket", validation_alias="STAGEDOOR_SLACK_MODE")
    slack_http_host: str = Field(default="0.0.0.0", validation_alias="STAGEDOOR_SLACK_HTTP_HOST")
    slack_http_port: Port = Field(default=3000, validation_alias="STAGEDOOR_SLACK_HTTP_PORT")

    # Operations
    # Seconds a stop (SIGTERM, SIGINT) waits for commands in flight, deliveries and roster/panel edits.
    shutdown_timeout: float = Field(default=10.0, gt=0, le=600, validation_alias="STAGEDOOR_SHUTDOWN_TIMEOUT")
    # /healthz and /readyz listen here; unset: no health listener.
    health_port: Port | None = Field(default=None, validation_alias="STAGEDOOR_HEALTH_PORT")
    health_host: str = Field(default="0.0.0.0", validation_alias="STAGEDOOR_HEALTH_HOST")

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'stagedoor.db'}"

    @property
    def discord_moderator_roles(self) -> frozenset[int]:
        """Return the extra moderator role ids as integers."""
        return frozenset(self.discord_moderator_role_ids)

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None

    # -- validation (one clear line per problem; bot/cli.py prints them) --

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().upper() in get_args(LogLevel):
            return value.strip().upper()
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        _require_prefix(
            value, "xoxb-", "the Bot User OAuth Token from OAuth & Permissions in your Slack app's settings"
        )
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        _require_prefix(
            value, "xapp-", "an app-level token with connections:write from Basic Information → App-Level Tokens"
        )
        return value

    @model_validator(mode="after")
    def _discord_shards(self) -> Settings:
        """Shard ids need the count beside them, and each is one of its shards, listed once."""
        ids, count = self.discord_shard_ids, self.discord_shard_count
        if ids is None:
            return self
        if count is None:
            raise PydanticCustomError(
                "stagedoor_shards",
                "DISCORD_SHARD_IDS is set but DISCORD_SHARD_COUNT is not: set DISCORD_SHARD_COUNT to the number of "
                "shards in all (the same in every process), or unset DISCORD_SHARD_IDS to run every shard here",
            )
        outside = [shard for shard in ids if shard >= count]
        if outside:
            raise PydanticCustomError(
                "stagedoor_shards",
                "DISCORD_SHARD_IDS names shard {shard}, but DISCORD_SHARD_COUNT={count} has shards 0 to {last} only: "
                "list ids from 0 to {last}, or raise DISCORD_SHARD_COUNT",
                {"shard": outside[0], "count": count, "last": count - 1},
            )
        twice = sorted({shard for shard in ids if ids.count(shard) > 1})
        if twice:
            raise PydanticCustomError(
                "stagedoor_shards",
                "DISCORD_SHARD_IDS lists shard {shard} twice: list each of this process's shards once",
                {"shard": twice[0]},
            )
        return self

    @property
    def discord_shards(self) -> tuple[int | None, tuple[int, ...] | None]:
        """Return the shard count and this process's shard ids (None: Discord's count / every shard)."""
        ids = self.discord_shard_ids
        return self.discord_shard_count, tuple(ids) if ids is not None else None

    @model_validator(mode="after")
    def _slack_combination(self) -> Settings:
        """Slack needs the bot token, plus the app token (socket mode) or the signing secret (http mode)."""
        if self.slack_bot_token is None:
            extra = [
                name
                for name, value in (
                    ("SLACK_APP_TOKEN", self.slack_app_token),
                    ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
                )
                if value is not None
            ]
            if extra:
                raise PydanticCustomError(
                    "stagedoor_slack",
                    "{extra} is set but SLACK_BOT_TOKEN is not: Slack also needs the bot token (xoxb-…, under "
                    "OAuth & Permissions), or unset {extra} if you do not serve Slack",
                    {"extra": " and ".join(extra)},
                )
        elif self.slack_mode == "socket" and self.slack_app_token is None:
            raise PydanticCustomError(
                "stagedoor_slack",
                "SLACK_APP_TOKEN is not set: socket mode (STAGEDOOR_SLACK_MODE=socket, the default) needs an "
                "app-level token (xapp-…, under Basic Information → App-Level Tokens); or set "
                "STAGEDOOR_SLACK_MODE=http with SLACK_SIGNING_SECRET",
            )
        elif self.slack_mode == "http" and self.slack_signing_secret is None:
            raise PydanticCustomError(
                "stagedoor_slack",
                "SLACK_SIGNING_SECRET is not set: http mode (STAGEDOOR_SLACK_MODE=http) needs the signing secret "
                "(under Basic Information → App Credentials) to verify Slack's requests",
            )
        return self


def _require_prefix(token: SecretStr | None, prefix: str, where: str) -> None:
    """Refuse a Slack token of the wrong kind, naming the kind it is when that is known (never the token)."""
    if token is None or token.get_secret_value().startswith(prefix):
        return
    found = token.get_secret_value()[:5]
    kind = SLACK_TOKEN_KINDS.get(found)
    seen = f"this one is {kind} ({found}…)" if kind else "this one does not"
    raise PydanticCustomError(
        "stagedoor_token",
        "expected a token starting with {prefix}, but {seen}; use {where}",
        {"prefix": prefix, "seen": seen, "where": where},
    )
