"""`python -m benchmarks` (and `stagedoor bench`): print the core and persisted figures as a table and as JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

PERSISTED_TARGET = 0.5
QUICK_PERSISTED_COMMANDS = 200
DESCRIPTION = "Measure the core and the SQLite store; print the figures as a table and as JSON."


def add_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the benchmarks' options to a parser (this module's own, or `stagedoor bench`)."""
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: fewer commands, smaller rooms")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--no-persisted", action="store_true", help="skip the SQLite measurement")
    parser.add_argument("--no-limits", action="store_true", help="skip the store-beside-its-limit measurements")
    parser.add_argument("--no-console", action="store_true", help="skip the console measurement")
    parser.add_argument(
        "--slack-stampede",
        action="store_true",
        help="instead: Raise-hand clicks through the Slack app over HTTP against the checkout's strict fake Slack",
    )
    parser.add_argument(
        "--stale",
        action="store_true",
        help="instead: ms per command on a 100,000-person room with one store and with two alternating (SQLite)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also measure on this PostgreSQL: with --stale, in it (a scratch database); "
        "otherwise the store beside a bare asyncpg commit, in a database made and dropped on that server",
    )
    parser.add_argument("--clicks", type=int, default=1_000, metavar="N", help="clicks in the Slack stampede")
    parser.add_argument("--spread", type=float, default=5.0, metavar="SECONDS", help="how long the clicks take")
    return parser


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = add_options(argparse.ArgumentParser(prog="python -m benchmarks", description=DESCRIPTION))
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--"]:  # `python -m benchmarks -- --quick` passes the separator on
        arguments = arguments[1:]
    return parser.parse_args(arguments)


def measure_persisted(quick: bool) -> dict[str, Any]:
    """Measure the persisted command rate on SQLite (fewer commands when quick)."""
    from benchmarks.persisted import measure_persisted as measure

    run = measure(commands=QUICK_PERSISTED_COMMANDS) if quick else measure()
    return dict(asyncio.run(run))


def core_table(core: dict[str, Any]) -> list[str]:
    """Render the per-command costs as a readable table."""
    from benchmarks.core import MIX

    header = ["people", "on stage", *MIX, "mix"]
    rows = [
        [f"{size['people']:,}", f"{size['on_stage']:,}", *(f"{size['per_command'][k]:.2f}" for k in MIX)]
        + [f"{size['mix']:.2f}"]
        for size in core["sizes"]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"core: microseconds per command, best of {core['repetitions']} repetitions "
        f"of {core['commands_per_kind']:,} commands of each kind",
        "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)),
    ]
    lines += ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    verdict = "met" if core["meets_target"] else "MISSED"
    small, large = core["sizes"][0]["people"], core["sizes"][-1]["people"]
    lines.append(f"cost@{large:,} / cost@{small:,} = {core['ratio']:.2f} (target <= {core['target_ratio']}: {verdict})")
    return lines


def persisted_lines(persisted: dict[str, Any] | None, problem: str | None) -> list[str]:
    """Render the persisted rate beside the bare commit rate."""
    if problem:
        return [f"persisted: failed: {problem}"]
    if persisted is None:
        return ["persisted: not available"]
    ratio = persisted["ratio"]
    verdict = "met" if ratio >= PERSISTED_TARGET else "MISSED"
    return [
        f"persisted (SQLite): {persisted['persisted_commands_per_s']:,.1f} commands/s beside "
        f"{persisted['bare_commits_per_s']:,.1f} bare aiosqlite commits/s: "
        f"ratio {ratio:.2f} (target >= {PERSISTED_TARGET}: {verdict})"
    ]


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table and the JSON; return 1 only if a measurement could not run."""
    return run(parse(argv))


def progress(line: str) -> None:
    """Say how far a measurement has got, on stderr (the figures go to stdout)."""
    print(line, file=sys.stderr, flush=True)


def run_stampede(args: argparse.Namespace) -> int:
    """Run the Slack stampede and print its figures; return 1 only if it could not run."""
    from benchmarks.slack_stampede import MissingFake, measure_stampede, stampede_lines

    try:
        figures = asyncio.run(measure_stampede(clicks=args.clicks, spread=args.spread, progress=progress))
    except MissingFake as error:
        print(f"stagedoor bench: {error}", file=sys.stderr)
        return 1
    if not args.json:
        print("\n".join(stampede_lines(figures)))
        print()
    print(json.dumps({"slack_stampede": figures}))
    return 0


def run_stale(args: argparse.Namespace) -> int:
    """Measure a stale cache's cost (one store against two alternating) and print the figures."""
    from benchmarks.stale import QUICK_PEOPLE, measure_stale, stale_lines

    people = {"people": QUICK_PEOPLE, "commands": QUICK_PERSISTED_COMMANDS} if args.quick else {}
    figures = asyncio.run(measure_stale(args.postgres, progress=progress, **people))
    if not args.json:
        print("\n".join(stale_lines(figures)))
        print()
    print(json.dumps({"quick": args.quick, "stale": figures}))
    return 0


def run(args: argparse.Namespace) -> int:
    """Measure with parsed options (`quick`, `json`, `no_persisted`); return 1 only if a measurement failed."""
    if getattr(args, "slack_stampede", False):
        return run_stampede(args)
    if getattr(args, "stale", False):
        return run_stale(args)
    from benchmarks.core import measure_core  # imported here so that building the parser stays cheap

    core = measure_core(quick=args.quick, progress=progress)
    persisted: dict[str, Any] | None = None
    problem = None
    if not args.no_persisted:
        progress("persisted: measuring SQLite")
        try:
            persisted = measure_persisted(args.quick)
        except Exception as error:  # report it beside the core figures rather than lose them
            problem = f"{type(error).__name__}: {error}"
    if persisted is not None:
        persisted["target_ratio"] = PERSISTED_TARGET
        persisted["meets_target"] = persisted["ratio"] >= PERSISTED_TARGET
    figures = {"quick": args.quick, "core": core, "persisted": persisted}
    if problem:
        figures["persisted_error"] = problem
    from benchmarks.report import measure_limits

    limits, limit_problems = measure_limits(args, progress)
    figures.update(limits)
    if limit_problems:
        figures["limit_errors"] = limit_problems
    if not args.json:
        print("\n".join(core_table(core)))
        print()
        if not args.no_persisted:
            print("\n".join(persisted_lines(persisted, problem)))
            print()
        from benchmarks.report import limit_lines

        if limits or limit_problems:
            print("\n".join(limit_lines(limits, limit_problems)))
            print()
    print(json.dumps(figures))
    return 1 if problem or limit_problems else 0


if __name__ == "__main__":
    sys.exit(main())
