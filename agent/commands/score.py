"""`interviewer score`: score answers against the rubric (offline, or with the LLM judge)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import CliError, add_common, bank_from, notice, print_json, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = add_common(
        sub.add_parser(
            "score",
            help="score an answer against a prompt's rubric",
            description="Score one answer (--prompt with --answer or --answer-file) or a JSONL "
            'file of {"id", "prompt_id", "answer"} lines (--answers-jsonl).',
        )
    )
    parser.add_argument("--prompt", metavar="ID", help="prompt id (see `interviewer bank list`)")
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer", metavar="TEXT", help="the answer text")
    src.add_argument("--answer-file", metavar="PATH", help="read the answer from a file")
    src.add_argument("--answers-jsonl", metavar="PATH", help="score every line of a JSONL file")
    parser.add_argument(
        "--json", action="store_true", help="print scorecards as JSON (one per line)"
    )
    parser.set_defaults(func=run)


def index_dir_for(settings=None) -> Path:
    """Where the retrieval index lives: <data home>/index."""
    from ..settings import data_home

    return data_home() / "index"


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    bank = bank_from(args, settings)
    if args.answers_jsonl:
        if args.prompt:
            raise CliError(
                "--prompt goes with --answer/--answer-file; JSONL lines carry their own prompt_id"
            )
        return _run_jsonl(args, settings, bank)
    if not args.prompt:
        raise CliError("--prompt ID is required with --answer or --answer-file")
    prompt = _prompt(bank, args.prompt)
    if args.answer_file:
        try:
            answer = Path(args.answer_file).read_text("utf-8", errors="replace")
        except OSError as exc:
            raise CliError(f"{args.answer_file}: cannot read answer ({exc.strerror})") from exc
    else:
        answer = args.answer
    if not answer or not answer.strip():
        raise CliError("the answer is empty")
    card = _score(prompt, answer, bank, settings)
    _emit(card, args.json)
    return 0


def _prompt(bank, prompt_id: str):
    from question_bank import UnknownPromptError

    try:
        return bank.prompt(prompt_id)
    except UnknownPromptError as exc:
        raise CliError(str(exc)) from exc


def _score(prompt, answer: str, bank, settings, answer_id: str | None = None):
    from rubric import score_answer

    card = score_answer(
        prompt,
        answer,
        bank=bank,
        scoring=settings.scoring,
        llm=settings.llm,
        index_dir=index_dir_for(settings),
        on_notice=_once(),
    )
    if answer_id is not None:
        card = card.model_copy(update={"id": answer_id})
    return card


_told: set[str] = set()


def _once():
    """A notice callback that says each thing once per command (one fallback line, not one per answer)."""

    def tell(message: str) -> None:
        key = message.split("(")[0]
        if key not in _told:
            _told.add(key)
            notice(message)

    return tell


def _emit(card, as_json: bool) -> None:
    if as_json:
        print_json(card.to_json())
        return
    head = f"{card.prompt_id}: {card.score}/100 {card.verdict}  [{card.scorer}]"
    if card.id:
        head = f"{card.id} " + head
    print(head)
    for crit in card.criteria:
        quote = f'  "{crit.evidence}"' if crit.evidence else ""
        print(f"  {crit.status:<7} {crit.id}{quote}")
    for flag in card.red_flags:
        print(f"  RED FLAG {flag.id}: {flag.evidence}")
    print(f"  feedback: {card.feedback}")


def _run_jsonl(args: argparse.Namespace, settings, bank) -> int:
    path = Path(args.answers_jsonl)
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise CliError(f"{path}: cannot read ({exc.strerror})") from exc
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = None
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            prompt_id, answer = row.get("prompt_id"), row.get("answer")
            if not isinstance(prompt_id, str) or not isinstance(answer, str):
                raise ValueError('needs string "prompt_id" and "answer"')
            if not answer.strip():
                raise ValueError("the answer is empty")
            prompt = _prompt(bank, prompt_id)
            answer_id = row.get("id")
            card = _score(
                prompt, answer, bank, settings, None if answer_id is None else str(answer_id)
            )
        except (ValueError, CliError) as exc:
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if problem:
            bad += 1
            notice(f"{path}: line {number}: {problem}")
            continue
        _emit(card, args.json)
    if bad:
        raise CliError(f"{bad} line(s) of {path} could not be scored")
    return 0
