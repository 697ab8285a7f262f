"""`interviewer sessions` (the stored sessions) and `interviewer export SESSION` (one of them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import CliError, add_common, print_json


def register(sub: argparse._SubParsersAction) -> None:
    lst = add_common(sub.add_parser("sessions", help="the stored exam sessions, newest last"))
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_sessions)

    exp = add_common(sub.add_parser("export", help="one session as JSON, Markdown or HTML"))
    exp.add_argument("session_id", metavar="SESSION")
    exp.add_argument("--format", choices=["json", "md", "html"], default="json")
    exp.add_argument("--out", metavar="PATH", help="write to a file instead of stdout")
    exp.set_defaults(func=run_export)


def _store():
    from ..store import TranscriptStore

    return TranscriptStore()


def run_sessions(args: argparse.Namespace) -> int:
    store = _store()
    try:
        sessions = store.list_sessions()
    finally:
        store.close()
    if args.json:
        print_json([s.model_dump(mode="json") for s in sessions])
        return 0
    if not sessions:
        print("no sessions yet (start one with `interviewer practice`)")
        return 0
    for s in sessions:
        score = f"{s.score:5.1f}" if s.score is not None else "    -"
        print(f"{s.session_id}  {s.started}  {s.mode:<5}  {s.status:<8}  score {score}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ..export import export
    from ..store import StoreError
    from . import bank_from

    store = _store()
    try:
        transcript = store.load(args.session_id)
    except StoreError as exc:
        raise CliError(f"{exc} (see `interviewer sessions`)") from exc
    finally:
        store.close()
    try:
        bank = bank_from(args)
    except CliError:
        bank = None
    text = export(transcript, args.format, bank)
    if args.out:
        try:
            Path(args.out).write_text(text, "utf-8")
        except OSError as exc:
            raise CliError(f"{args.out}: cannot write ({exc.strerror})") from exc
        return 0
    sys.stdout.write(text)
    return 0
