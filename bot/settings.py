"""Every setting stagedoor reads, from the environment and `.env` (see .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Built once by the CLI and passed down; nothing reads the environment elsewhere."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    # Storage
    data_dir: Path = Field(default=Path("data"), validation_alias="STAGEDOOR_DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="STAGEDOOR_DATABASE_URL")
    log_level: str = Field(default="INFO", validation_alias="STAGEDOOR_LOG_LEVEL")
    # Seconds to wait for a lock another connection holds, and for one PostgreSQL statement, before "busy".
    db_lock_timeout: float = Field(default=5.0, gt=0, le=3600, validation_alias="STAGEDOOR_DB_LOCK_TIMEOUT")
    db_statement_timeout: float = Field(default=30.0, gt=0, le=3600, validation_alias="STAGEDOOR_DB_STATEMENT_TIMEOUT")

    # Discord
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_dev_guild_id: int | None = Field(default=None, validation_alias="DISCORD_DEV_GUILD_ID")
    discord_application_id: int | None = Field(default=None, validation_alias="DISCORD_APPLICATION_ID")
    # Roles whose members moderate every stage, beside Discord's stage moderators (comma-separated ids).
    discord_moderator_role_ids: str = Field(
        default="", validation_alias="DISCORD_MODERATOR_ROLE_IDS", pattern=r"^[\d,\s]*$"
    )
    # How moderators hear of new requests: "ping" (a message in the channel's chat mentioning the
    # moderator roles), "dm" (a DM to each moderator connected to the channel) or "panel" (the panel only).
    discord_notify_moderators: Literal["ping", "dm", "panel"] = Field(
        default="ping", validation_alias="DISCORD_NOTIFY_MODERATORS"
    )

    # Slack
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_mode: Literal["socket", "http"] = Field(default="socket", validation_alias="STAGEDOOR_SLACK_MODE")
    slack_http_host: str = Field(default="0.0.0.0", validation_alias="STAGEDOOR_SLACK_HTTP_HOST")
    slack_http_port: int = Field(default=3000, validation_alias="STAGEDOOR_SLACK_HTTP_PORT")

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'stagedoor.db'}"

    @property
    def discord_moderator_roles(self) -> frozenset[int]:
        """Return the extra moderator role ids as integers."""
        return frozenset(int(part) for part in self.discord_moderator_role_ids.replace(" ", "").split(",") if part)

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None
