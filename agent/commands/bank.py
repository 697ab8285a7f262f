"""`interviewer bank list|show|check`: read and validate the exam."""

from __future__ import annotations

import argparse
import textwrap

from . import CliError, add_common, bank_from, print_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("bank", help="list, show or check the exam's prompts")
    bsub = parser.add_subparsers(dest="bank_command", metavar="ACTION", required=True)

    lst = add_common(bsub.add_parser("list", help="the prompts in exam order"))
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)

    show = add_common(bsub.add_parser("show", help="one prompt (strong answer only with --reveal)"))
    show.add_argument("prompt_id", metavar="ID")
    show.add_argument(
        "--reveal", action="store_true", help="also show the strong answer and criteria"
    )
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)

    check = add_common(bsub.add_parser("check", help="validate a bank directory"))
    check.add_argument("path", nargs="?", help="bank directory (default: the configured bank)")
    check.set_defaults(func=run_check)


def run_list(args: argparse.Namespace) -> int:
    bank = bank_from(args)
    if args.json:
        print_json(
            [
                {"id": p.id, "section": p.section, "kind": p.kind, "title": p.title}
                for p in bank.prompts
            ]
        )
        return 0
    print(f"{bank.title}  (bank {bank.version})")
    for section in bank.sections:
        print(f"\n{section.title}  [{section.signal}, {section.minutes:g} min]")
        for pid in section.prompts:
            prompt = bank.prompt(pid)
            print(f"  {prompt.id:<24} {prompt.kind:<7} {prompt.title}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from question_bank import UnknownPromptError

    bank = bank_from(args)
    try:
        prompt = bank.prompt(args.prompt_id)
    except UnknownPromptError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        data = prompt.model_dump(mode="json")
        if not args.reveal:
            data.pop("strong_answer")
            data.pop("criteria")
            if data.get("coding"):
                data["coding"] = {
                    "function": prompt.coding.function,
                    "signature": prompt.coding.signature,
                }
        print_json(data, indent=2)
        return 0
    section = bank.section(prompt.section)
    print(f"{prompt.id}: {prompt.title}")
    print(f"Section: {section.title} ({section.signal})")
    if prompt.scenario:
        print("\n" + textwrap.fill(prompt.scenario, 96))
    print("\n" + textwrap.fill(prompt.text, 96))
    if prompt.coding:
        print(f"\nImplement:\n    {prompt.coding.signature}")
    if not args.reveal:
        print("\n(strong answer and criteria hidden; use --reveal after you have answered)")
        return 0
    print("\nStrong answer:\n" + prompt.strong_answer.rstrip())
    print(f"\nCriteria ({len(prompt.criteria)}):")
    for crit in prompt.criteria:
        print(f"  - {crit.id} (weight {crit.weight:g}): {crit.statement}")
        print(f"      cues: {'; '.join(crit.cues)}")
        print(f"      probe: {crit.probe}")
    if prompt.red_flags:
        print(f"\nRed flags to watch: {', '.join(prompt.red_flags)}")
    if prompt.coding:
        print(f"\nHidden tests: {len(prompt.coding.tests)} cases")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from question_bank import BankError, coverage_problems, load_bank_dir

    from ..settings import load_settings

    if args.path:
        target = args.path
    else:
        from question_bank import bundled_bank_dir

        target = load_settings(getattr(args, "config", None)).exam.bank_path or bundled_bank_dir()
    try:
        bank = load_bank_dir(target)
    except BankError as exc:
        raise CliError(str(exc)) from exc
    problems = coverage_problems(bank)
    problems += _coding_problems(bank)
    if problems:
        for problem in problems:
            print(f"{target}: {problem}")
        raise CliError(f"bank check failed: {len(problems)} problem(s)")
    n_crit = sum(len(p.criteria) for p in bank.prompts)
    print(
        f"ok: {len(bank.prompts)} prompts, {n_crit} criteria, {len(bank.red_flags)} red flags, "
        f"bank {bank.version}"
    )
    return 0


def _coding_problems(bank) -> list[str]:
    """Reference solutions must pass their own hidden tests (run in the sandbox when present)."""
    try:
        from rubric.coderun import check_reference_solutions
    except ImportError:
        return []
    return check_reference_solutions(bank)
