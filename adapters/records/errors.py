"""What an export request can get wrong: each an ExportError carrying its data and saying what to do."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BadChannelKey", "BadRange", "BadTime", "ExportError", "UnknownChannel", "UnknownFormat", "Unwritable"]


@dataclass
class ExportError(Exception):
    """An export that cannot be made; nothing was written."""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Say what went wrong and what to do."""
        return "The export cannot be made."


@dataclass
class BadChannelKey(ExportError):
    text: str

    @property
    def message(self) -> str:
        return (
            f"--channel {self.text!r} is not PLATFORM:WORKSPACE:CHANNEL; give all three parts, "
            "e.g. slack:T012AB3C4:C0123456789, discord:GUILD_ID:CHANNEL_ID or console:local:stage"
        )


@dataclass
class UnknownChannel(ExportError):
    platform: str
    workspace: str
    channel: str

    @property
    def message(self) -> str:
        return (
            f"no channel {self.platform}:{self.workspace}:{self.channel} in this database; check the key "
            "(platform, workspace id, channel id) and that --db names the bot's database"
        )


@dataclass
class BadTime(ExportError):
    option: str
    text: str

    @property
    def message(self) -> str:
        return (
            f"{self.option} {self.text!r} is not an ISO 8601 date or time; write e.g. 2026-03-01, "
            "2026-03-01T09:30 (UTC) or 2026-03-01T09:30+01:00"
        )


@dataclass
class BadRange(ExportError):
    since: str
    until: str

    @property
    def message(self) -> str:
        return f"--since {self.since} is after --until {self.until}; give the earlier time as --since"


@dataclass
class UnknownFormat(ExportError):
    format: str

    @property
    def message(self) -> str:
        return f"the export format {self.format!r} is not known; use csv or json"


@dataclass
class Unwritable(ExportError):
    path: str
    reason: str

    @property
    def message(self) -> str:
        return f"cannot write {self.path}: {self.reason}; choose a file in a folder that exists and you may write to"
