"""`interviewer practice`: the exam in the TUI, or `--headless` from a JSONL file of answers."""

from __future__ import annotations

import argparse
import sys

from . import CliError, add_common, bank_from, parse_prompt_ids, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = add_common(sub.add_parser("practice", help="a full exam in text (TUI or --headless)"))
    parser.add_argument("--prompts", metavar="ID[,ID...]", help="only these prompts, in exam order")
    parser.add_argument("--resume", metavar="SESSION", help="continue a paused or killed session")
    parser.add_argument(
        "--headless", action="store_true", help="no UI: answers come from --answers"
    )
    parser.add_argument(
        "--answers", metavar="PATH", help="JSONL of candidate turns (with --headless)"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the transcript as JSON (headless)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, *, notice: str | None = None) -> int:
    """`notice`: one line the TUI shows as it opens (why the spoken exam became this one)."""
    settings = settings_from(args)
    bank = bank_from(args, settings)
    prompt_ids = parse_prompt_ids(args.prompts, bank)
    if not args.headless:
        if args.answers:
            raise CliError("--answers needs --headless")
        try:
            from agent.tui import run_practice
        except ImportError as exc:
            raise CliError(
                f"the TUI is not available ({exc}); use --headless --answers PATH"
            ) from exc
        return int(run_practice(settings, prompt_ids, args.resume, notice=notice) or 0)

    if not args.answers:
        raise CliError("--headless needs --answers PATH (JSONL of candidate turns)")
    from ..headless import AnswersError, run_headless
    from ..session import SessionError

    try:
        return run_headless(
            settings, args.answers, prompt_ids=prompt_ids, resume=args.resume, as_json=args.json
        )
    except (AnswersError, SessionError) as exc:
        raise CliError(str(exc)) from exc
    finally:
        sys.stdout.flush()
