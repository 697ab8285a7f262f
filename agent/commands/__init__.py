"""One module per `interviewer` subcommand; each exposes register(subparsers).

Modules here import only light things at the top: heavy libraries load inside the handler.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """Bad usage or bad input: printed as one line on stderr, exit code 2 unless said."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def print_json(obj: Any, *, indent: int | None = None) -> None:
    sys.stdout.write(json.dumps(obj, indent=indent, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def notice(message: str) -> None:
    """One line on stderr for the user (fallbacks, warnings)."""
    sys.stderr.write(f"interviewer: {message}\n")
    sys.stderr.flush()


def settings_from(args: argparse.Namespace):  # -> agent.settings.Settings
    from ..settings import SettingsError, load_settings

    try:
        return load_settings(getattr(args, "config", None))
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def bank_from(args: argparse.Namespace, settings=None):  # -> question_bank.Bank
    from question_bank import BankError, load_bank

    settings = settings or settings_from(args)
    try:
        return load_bank(settings.exam.bank_path or None)
    except BankError as exc:
        raise CliError(str(exc)) from exc


def parse_prompt_ids(raw: str | None, bank) -> list[str] | None:
    """`--prompts a,b` -> ids in exam order; unknown ids are a CliError listing the valid ones."""
    from question_bank import UnknownPromptError

    if not raw:
        return None
    ids = [p.strip() for p in raw.split(",") if p.strip()]
    try:
        return [p.id for p in bank.select(ids)]
    except UnknownPromptError as exc:
        raise CliError(str(exc)) from exc


def add_common(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options every subcommand accepts after its name too (`interviewer score --config X`)."""
    parser.add_argument(
        "--config", metavar="PATH", default=argparse.SUPPRESS, help="settings file (TOML)"
    )
    return parser
