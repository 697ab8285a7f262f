"""`interviewer run-code --prompt ID --file PATH [--json]`: a submission against hidden tests."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import CliError, add_common, bank_from, print_json, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = add_common(
        sub.add_parser("run-code", help="run your code for a coding prompt in the sandbox")
    )
    parser.add_argument("--prompt", required=True, metavar="ID", help="a coding prompt id")
    parser.add_argument("--file", required=True, metavar="PATH", help="your Python file")
    parser.add_argument("--json", action="store_true", help="the result as one JSON object")
    parser.add_argument(
        "--no-complexity", action="store_true", help="skip timing on growing inputs"
    )
    parser.add_argument(
        "--no-generated", action="store_true", help="skip the generated-input comparison"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from question_bank import UnknownPromptError

    settings = settings_from(args)
    bank = bank_from(args, settings)
    try:
        prompt = bank.prompt(args.prompt)
    except UnknownPromptError as exc:
        raise CliError(str(exc)) from exc
    if prompt.coding is None:
        coding = [p.id for p in bank.prompts if p.coding is not None]
        raise CliError(f"{prompt.id} is not a coding prompt; coding prompts: {', '.join(coding)}")
    path = Path(args.file)
    try:
        source = path.read_text("utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a directory, not a Python file") from None
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read ({exc.strerror})") from None

    from rubric.coderun import run_code, sandbox_available

    reason = sandbox_available()
    if reason:
        raise CliError(reason)
    result = run_code(
        prompt,
        source,
        settings.sandbox,
        complexity=not args.no_complexity,
        generated=not args.no_generated,
    )
    if args.json:
        print_json(result.model_dump())
    else:
        _print_human(result)
    return 0 if result.status == "pass" else 1


def _print_human(result) -> None:  # result: rubric.coderun.RunResult
    total = result.passed + result.failed
    print(
        f"{result.prompt_id}: {result.status} ({result.passed}/{total} cases passed, "
        f"{result.duration_ms / 1000:.1f} s)"
    )
    for case in result.cases:
        line = f"  {case.status:<8} {case.name}"
        if case.detail and case.status != "pass":
            line += f"\n           {case.detail}"
        elif case.detail:
            line += f"  ({case.detail})"
        print(line)
    if result.complexity:
        c = result.complexity
        points = ", ".join(f"n={n}: {ms:.2f} ms" for n, ms in zip(c.sizes, c.ms, strict=False))
        print(f"complexity: {c.verdict}\n           {points}")
    if result.output.strip():
        lines = result.output.rstrip().splitlines()
        print(f"your code printed ({len(lines)} lines; first ones below):")
        for line in lines[:10]:
            print(f"  | {line[:200]}")
