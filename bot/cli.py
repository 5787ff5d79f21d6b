"""The `stagedoor` command: console, migrate, export, run, bench, discord invite-url, discord sync."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic_core import ErrorDetails

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.bootstrap import Stagedoor

EXIT_OK = 0
EXIT_UNUSABLE = 2  # options, database or input that cannot be used
# What `stagedoor run` suggests without tokens: the example's host must be an admin to set the stage up.
DEMO = "stagedoor console --admin host --script examples/webinar.stage"


class Refusal(Exception):
    """A one-line reason the program cannot go on (printed without a traceback)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `stagedoor` command line; return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:2] == ["bench", "--"]:  # `stagedoor bench -- --quick`, as it once had to be written
        del arguments[1]
    args = build_parser().parse_args(arguments)
    try:
        settings = load_settings()
        return int(args.run(args, settings))
    except Refusal as refusal:
        print(f"stagedoor: {refusal}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`stagedoor console … | head`): stop quietly, without a traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def load_settings() -> Settings:
    """Build the settings once, from the environment and .env, refusing values that cannot be used."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(_settings_problem(item) for item in error.errors())
        raise Refusal(f"the settings cannot be used: {problems}. See .env.example.") from None
    except UnicodeDecodeError:
        raise Refusal(".env is not UTF-8 text; save it as UTF-8 (see .env.example).") from None
    except (OSError, SettingsError) as error:
        raise Refusal(f"the settings cannot be read: {error}. See .env.example.") from None


def _settings_problem(item: ErrorDetails) -> str:
    """Say one problem as `VARIABLE=value: what is expected`, never printing a secret's value."""
    variable = ".".join(str(part) for part in item["loc"])
    message = str(item["msg"]).removeprefix("Value error, ")
    if not variable:  # a combination of settings: the message names its variables
        return message
    message = message[:1].lower() + message[1:]
    value = item.get("input")
    if variable in _secret_variables() or not isinstance(value, str | int):
        return f"{variable}: {message}"
    shown = str(value)
    shown = shown if len(shown) <= 40 and shown.isprintable() else repr(shown[:40]) + ("…" if len(shown) > 40 else "")
    return f"{variable}={shown}: {message}"


def _secret_variables() -> set[str]:
    from pydantic import SecretStr

    return {
        str(field.validation_alias)
        for field in Settings.model_fields.values()
        if SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
    }


def build_parser() -> argparse.ArgumentParser:
    """Describe the commands and their options."""
    parser = argparse.ArgumentParser(
        prog="stagedoor", description="A real stage for live sessions in Slack and Discord."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    console = commands.add_parser("console", help="run the stage in this terminal (no platform account needed)")
    console.add_argument("--db", metavar="URL", help="database URL; without it a fresh temporary SQLite database")
    console.add_argument("--json", action="store_true", help="print one JSON object per recipient per event")
    console.add_argument("--moderator", action="append", default=[], metavar="NAME", help="a moderator (repeatable)")
    console.add_argument("--admin", action="append", default=[], metavar="NAME", help="an admin (repeatable)")
    console.add_argument("--script", metavar="FILE", help="read lines from FILE instead of standard input")
    console.set_defaults(run=run_console)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--db", metavar="URL", help="database URL (default: STAGEDOOR_DATABASE_URL or data/)")
    migrate.set_defaults(run=run_migrate)

    from bot.export import add_export

    add_export(commands).set_defaults(run=run_export)

    run = commands.add_parser("run", help="serve every platform whose tokens are configured")
    run.set_defaults(run=run_platforms)

    from benchmarks.__main__ import DESCRIPTION, add_options

    bench = commands.add_parser("bench", help="measure the core and the SQLite store", description=DESCRIPTION)
    add_options(bench).set_defaults(run=run_bench)
    bench.add_argument(
        "--processes",
        nargs="?",
        const="",
        metavar="POSTGRES_URL",
        help="instead: commands/s with 1, 2 and 4 processes over 100 rooms, on this PostgreSQL (a scratch "
        "database) when given, and on SQLite",
    )

    discord = commands.add_parser("discord", help="Discord helpers")
    discord_commands = discord.add_subparsers(dest="discord_command", required=True, metavar="COMMAND")
    invite = discord_commands.add_parser("invite-url", help="print the URL that adds the bot to a server")
    invite.set_defaults(run=run_discord_invite_url)
    sync = discord_commands.add_parser(
        "sync", help="send the /stage commands to Discord now (a start sends them only when they changed)"
    )
    sync.set_defaults(run=run_discord_sync)
    return parser


def _version() -> str:
    """Return the installed package's version (pyproject.toml's, once installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stagedoor")
    except PackageNotFoundError:
        return "(not installed: run pip install -e . in the checkout)"


# -- console ------------------------------------------------------------------------


def run_console(args: argparse.Namespace, settings: Settings) -> int:
    """Play a script or standard input against a stage in this terminal."""
    from adapters.console import NotText, decode_text
    from adapters.persistence.sql import StoreUnavailable
    from core.service import StoreBusy

    lines: list[str] | None = None
    if args.script:
        try:
            lines = decode_text(Path(args.script).read_bytes())
        except OSError as error:
            raise Refusal(f"cannot read the script {args.script}: {error.strerror or error}") from None
        except NotText as error:
            raise Refusal(f"{args.script} is not a text script: {error}") from None
    with tempfile.TemporaryDirectory(prefix="stagedoor-console-") as scratch:
        # Without --db every run gets its own database, so separate runs never share state.
        url = args.db or f"sqlite+aiosqlite:///{Path(scratch) / 'console.db'}"
        try:
            asyncio.run(_console(args, settings.model_copy(update={"database_url": url}), lines))
        except NotText as error:
            raise Refusal(f"standard input is not text: {error}") from None
        except (StoreBusy, StoreUnavailable) as error:
            # The database stayed busy, is read-only or stopped working mid-run: one line, not a traceback.
            raise Refusal(str(error)) from None
    return EXIT_OK


async def _console(args: argparse.Namespace, settings: Settings, lines: list[str] | None) -> None:
    from adapters.console import Console, Roles, VirtualClock, play_lines, read_stream, welcome
    from adapters.console.parser import name_of

    clock = VirtualClock(time.time())
    app = await _open(settings, clock)
    try:
        roles = Roles(
            moderators=frozenset(name_of(n) for n in args.moderator),
            admins=frozenset(name_of(n) for n in args.admin),
        )
        console = Console(app.service, app.store, clock, roles)
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")  # the console reads UTF-8 and writes it back, whatever the locale
        write = _writer(sys.stdout)
        if lines is not None:
            await play_lines(console, lines, write, args.json)
            return
        interactive = sys.stdin.isatty()
        if interactive and not args.json:
            write(welcome(roles.moderators, roles.admins))
        prompt = (lambda: print("> ", end="", flush=True)) if interactive and not args.json else None
        await play_lines(console, read_stream(sys.stdin.buffer, prompt), write, args.json, sys.stdout.flush)
    finally:
        await app.close()


def _writer(stream: TextIO) -> Callable[[str], None]:
    def write(line: str) -> None:
        print(line, file=stream)  # flushed once per input line (standard input) or by the stream (a script)

    return write


# -- storage -------------------------------------------------------------------------


async def _open(settings: Settings, clock: Callable[[], float]) -> Stagedoor:
    """Open the composition root, turning an unusable database into a one-line refusal."""
    from adapters.persistence.sql import StoreUnavailable
    from bot.bootstrap import open_stagedoor

    try:
        return await open_stagedoor(settings, clock)
    except StoreUnavailable as error:
        raise Refusal(str(error)) from None


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write a channel's history and per-session figures (R2), or refuse in one line having written nothing."""
    from bot.export import ExportRefused, run_export

    try:
        return run_export(args, settings)
    except ExportRefused as refusal:
        raise Refusal(str(refusal)) from None


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Upgrade the database schema to the newest migration."""
    from adapters.persistence.sql import StoreUnavailable, migrate
    from bot.bootstrap import database_options

    url = args.db or settings.resolved_database_url

    try:
        asyncio.run(migrate(url, database_options(settings)))
    except StoreUnavailable as error:
        raise Refusal(str(error)) from None
    print(f"stagedoor: the database is up to date ({_safe_url(url)})")
    return EXIT_OK


def _safe_url(url: str) -> str:
    """Return the URL without a password, fit to print."""
    head, at, tail = url.rpartition("@")
    if not at or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"


# -- platforms -----------------------------------------------------------------------


def run_platforms(args: argparse.Namespace, settings: Settings) -> int:
    """Serve Discord and/or Slack, whichever has tokens; without any, say how to try the console."""
    servers = []
    if settings.discord_enabled:
        servers.append("discord")
    if settings.slack_enabled:
        servers.append("slack")
    if not servers:
        print(
            "stagedoor: no platform is configured (set DISCORD_TOKEN, or SLACK_BOT_TOKEN with SLACK_APP_TOKEN or "
            "SLACK_SIGNING_SECRET, in the environment or .env; see .env.example).\n"
            f"Try the product without a platform account: {DEMO}",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    level = settings.log_level  # Settings accepts only DEBUG, INFO, WARNING or ERROR
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # its start-up chatter is not news
    return asyncio.run(_serve(settings, servers))


async def _serve(settings: Settings, platforms: list[str]) -> int:
    from adapters.platform import PlatformFailure
    from bot.lifecycle import serve

    app = await _open(settings, time.time)
    try:
        return await serve(app, platforms)
    except PlatformFailure as failure:
        raise Refusal(str(failure)) from None


def run_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmarks (python -m benchmarks; --processes: python -m benchmarks.scale_out)."""
    if args.processes is not None:
        from benchmarks.scale_out import run as scale_out

        return scale_out(args.processes or args.postgres, quick=args.quick, as_json=args.json)
    from benchmarks.__main__ import run

    return run(args)


def run_discord_invite_url(args: argparse.Namespace, settings: Settings) -> int:
    """Print the URL that adds the bot to a Discord server."""
    from adapters.discord import invite_url

    try:
        print(invite_url(settings.discord_application_id))
    except ValueError as error:
        raise Refusal(str(error)) from None
    return EXIT_OK


def run_discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Sync the /stage commands to Discord now: globally, or to DISCORD_DEV_GUILD_ID."""
    from adapters.discord.sync import sync_now
    from bot.lifecycle import discord_options

    if settings.discord_token is None:
        raise Refusal("DISCORD_TOKEN is not set: copy the token from the Bot page of your application into .env.")
    try:
        print(asyncio.run(sync_now(discord_options(settings))))
    except discord_errors() as error:
        raise Refusal(f"Discord refused the sync: {error}") from None
    return EXIT_OK


def discord_errors() -> tuple[type[BaseException], ...]:
    """Return the errors a Discord login or sync ends in (imported only when Discord is used)."""
    import discord

    return (discord.LoginFailure, discord.HTTPException)


if __name__ == "__main__":
    sys.exit(main())
