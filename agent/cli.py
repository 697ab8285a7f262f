"""The `interviewer` command: a thin argparse front; each subcommand lives in agent/commands."""

from __future__ import annotations

import argparse
import importlib
import sys

from .commands import CliError

# Subcommand modules, in the order `interviewer --help` lists them. A module that is not there
# yet (work in progress) is skipped rather than breaking the whole command.
COMMAND_MODULES = [
    "practice",
    "voice",
    "score",
    "run_code",
    "sessions",
    "review",
    "bank",
    "config_cmd",
    "bench",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="A local-first examiner for senior ML/AI engineers: a spoken or typed mock "
        "interview, scored against a rubric, with your code run in a sandbox.",
    )
    parser.add_argument("--config", metavar="PATH", help="settings file (TOML) to use")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"agent.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"agent.commands.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        sys.stderr.write(f"interviewer: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("interviewer: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
