"""`interviewer bench [asr|tts|vad|turn|score|run-code|all] --json`: figures, never assertions."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from . import CliError, add_common, notice, print_json, settings_from

# bench name -> "module:function" taking (n: int), or "module:function#arg" taking (arg, n);
# each returns one JSON object {"bench", "n", "p50_ms", "p95_ms", "max_ms", ...measured on}.
BENCHES: dict[str, str] = {
    "vad": "voice.bench:run_bench#vad",
    "asr": "voice.bench:run_bench#asr",
    "tts": "voice.bench:run_bench#tts",
    "turn": "voice.bench:run_bench#turn",
    "score": "rubric:bench_score",
    "run-code": "rubric.coderun:bench",
}


def _resolve(name: str, args: argparse.Namespace) -> Callable[[int | None], dict]:
    spec, _, arg = BENCHES[name].partition("#")
    module_name, func_name = spec.split(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError) as exc:
        raise CliError(f"bench {name}: not available ({exc})") from exc
    if module_name == "voice.bench":  # the user's voice settings: their model, their device
        config = settings_from(args).voice
        return lambda n: func(arg, n, config=config)
    if arg:
        return lambda n: func(arg, n) if n else func(arg)
    return lambda n: func(n) if n else func()


def register(sub: argparse._SubParsersAction) -> None:
    parser = add_common(sub.add_parser("bench", help="measure speed (reports, never asserts)"))
    parser.add_argument("name", nargs="?", default="all", choices=[*BENCHES, "all"])
    parser.add_argument("-n", type=int, default=None, help="runs per benchmark")
    parser.add_argument("--json", action="store_true", help="one JSON object per benchmark")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = list(BENCHES) if args.name == "all" else [args.name]
    for name in names:
        result = _resolve(name, args)(args.n)  # each bench has its own sensible default n
        for line in result.get("notices", []):
            notice(line)
        if args.json:
            print_json(result)
        else:
            figures = ", ".join(
                f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                for k, v in result.items()
                if k not in ("bench", "notices")
            )
            print(f"{name}: {figures}")
    return 0
