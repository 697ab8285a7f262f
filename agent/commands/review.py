"""`interviewer review`: the coach's review room (a Textual app over the transcript store)."""

from __future__ import annotations

import argparse

from . import CliError, add_common, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = add_common(
        sub.add_parser(
            "review",
            help="read stored sessions, add coach overrides, export them (TUI)",
            description="A table of stored sessions (sortable, filterable); open one to read "
            "every turn with its scorecard, add a coach override (the original score is kept) "
            "and export it as Markdown or HTML.",
        )
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        from agent.tui import run_review
    except ImportError as exc:
        raise CliError(f"the TUI is not available ({exc}); use `interviewer sessions`") from exc
    return int(run_review(settings) or 0)
