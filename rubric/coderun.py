"""Run a candidate's file against a coding prompt's hidden tests, in the sandbox.

    run_code(prompt, source) -> RunResult   # model_dump() is the `interviewer run-code` JSON

Three phases in one sandbox session: the bank's named cases; then (when they all pass) the
submission against the reference on hypothesis-generated inputs, a failure reported shrunk;
then (when everything passes) timing on growing inputs, fitted to time ~ n^e. Every verdict is
taken here, in the parent, on re-parsed JSON: the sandboxed process only ever returns data.
"""

from __future__ import annotations

import ast
import contextlib
import json
import statistics
import subprocess
import sys
import time
from typing import Any, Literal

from pydantic import BaseModel, Field

from question_bank import Bank, CodingTask, Prompt

from . import comparators, complexity, generators
from .config import SandboxLimits
from .sandbox import Sandbox, SandboxUnavailable, WorkerSpec
from .sandbox import sandbox_available as _sandbox_available

__all__ = [
    "CaseResult",
    "Complexity",
    "RunResult",
    "SandboxUnavailable",
    "bench",
    "check_reference_solutions",
    "run_code",
    "sandbox_available",
]

Status = Literal["pass", "fail", "error", "timeout"]

CASE_TIMEOUT_S = 1.0  # a named case is tiny: any right solution answers in milliseconds
NAMED_BUDGET_S = 6.0  # after this, the rest of the named cases are reported as not run
GENERATED_CALL_TIMEOUT_S = 0.5
GENERATED_BUDGET_S = 5.0
TIMING_TIMEOUT_S = 3.0
COMPLEXITY_BUDGET_S = 7.0
SHOW_CHARS = 240


class CaseResult(BaseModel):
    name: str
    status: Status
    detail: str = ""


class Complexity(BaseModel):
    sizes: list[int]
    ms: list[float]
    exponent: float | None
    verdict: str


class RunResult(BaseModel):
    """The `interviewer run-code --json` object; excluded fields are extras for the TUI/tests."""

    prompt_id: str
    status: Status
    passed: int
    failed: int
    cases: list[CaseResult]
    duration_ms: int
    complexity: Complexity | None = None

    output: str = Field(default="", exclude=True)  # what the submission printed (capped)
    reference_exponent: float | None = Field(default=None, exclude=True)
    generated_examples: int = Field(default=0, exclude=True)
    sandbox_uids: list[int] = Field(default_factory=list, exclude=True)
    marker: str = Field(default="", exclude=True)
    strays_killed: int = Field(default=0, exclude=True)


def sandbox_available() -> str | None:
    """None when the sandbox works here, else one line with the reason and the install hint."""
    return _sandbox_available()


# --------------------------------------------------------------------------- public entry


def run_code(
    prompt: Prompt,
    source: str,
    limits: SandboxLimits | None = None,
    *,
    complexity: bool = True,
    generated: bool = True,
) -> RunResult:
    """Run `source` against `prompt`'s hidden tests. Never raises for a bad submission; a
    missing sandbox gives status "error" with one case saying how to install it."""
    limits = limits or SandboxLimits()
    started = time.monotonic()

    def finish(cases: list[CaseResult], **extra: Any) -> RunResult:
        passed = sum(1 for c in cases if c.status == "pass")
        return RunResult(
            prompt_id=prompt.id,
            status=_overall(cases),
            passed=passed,
            failed=len(cases) - passed,
            cases=cases,
            duration_ms=int((time.monotonic() - started) * 1000),
            **extra,
        )

    task = prompt.coding
    if task is None:
        return finish(
            [
                CaseResult(
                    name="prompt", status="error", detail=f"{prompt.id} is not a coding prompt"
                )
            ]
        )
    problem = _precheck(task, source)
    if problem is not None:
        return finish([problem])
    reason = sandbox_available()
    if reason:
        return finish([CaseResult(name="sandbox", status="error", detail=reason)])

    use_reference = generators.known(task.generator) and (generated or complexity)
    workers = {"candidate": WorkerSpec(source=source, function=task.function)}
    if use_reference:
        workers["reference"] = WorkerSpec(source=task.reference_solution, function=task.function)
    sandbox = Sandbox(workers=workers, limits=limits)
    extra: dict[str, Any] = {}
    try:
        sandbox.start()
        cases = _named_cases(sandbox, task)
        if use_reference and generated and _all_pass(cases):
            case, extra["generated_examples"] = _generated_case(sandbox, task, limits)
            cases.append(case)
        if use_reference and complexity and _all_pass(cases):
            measured, extra_cases, extra["reference_exponent"] = _measure(sandbox, task, limits)
            cases += extra_cases
            if _all_pass(cases):
                extra["complexity"] = measured
    except SandboxUnavailable as exc:
        return finish([CaseResult(name="sandbox", status="error", detail=str(exc))])
    finally:
        sandbox.close()
    violation = sandbox.violations.get("candidate")
    if violation:
        # One forbidden attempt taints the run: no case is credited, whatever it returned.
        extra.pop("complexity", None)
        cases = [
            c
            if c.status != "pass"
            else CaseResult(name=c.name, status="error", detail=f"not credited: {violation}")
            for c in cases
        ]
    return finish(
        cases,
        output=sandbox.output_text,
        sandbox_uids=sandbox.uids,
        marker=sandbox.marker,
        strays_killed=sandbox.strays_killed,
        **extra,
    )


def _overall(cases: list[CaseResult]) -> Status:
    statuses = {c.status for c in cases}
    if statuses <= {"pass"} and cases:
        return "pass"
    for status in ("fail", "timeout", "error"):
        if status in statuses:
            return status  # type: ignore[return-value]
    return "error"


def _all_pass(cases: list[CaseResult]) -> bool:
    return bool(cases) and all(c.status == "pass" for c in cases)


# --------------------------------------------------------------------------- checks before running


_DYNAMIC = {"globals", "setattr", "exec", "eval", "vars", "locals", "__import__", "__builtins__"}


def _precheck(task: CodingTask, source: str) -> CaseResult | None:
    """A file that does not parse, or that never defines the function, fails without running."""
    try:
        compile(source, "solution.py", "exec", dont_inherit=True)  # compiles, never executes
        tree = ast.parse(source, filename="solution.py")
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return CaseResult(name="syntax", status="error", detail=f"SyntaxError: {exc.msg}{where}")
    except ValueError as exc:  # null bytes
        return CaseResult(name="syntax", status="error", detail=f"cannot compile: {exc}")
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.Name) and node.id in _DYNAMIC:
            names.add("*")  # globals()/exec tricks: let the sandbox decide
    if "*" in names:
        return None
    if task.function not in names:
        return CaseResult(
            name="function",
            status="error",
            detail=f"your file defines no function named {task.function}; expected {task.signature}",
        )
    return None


# --------------------------------------------------------------------------- phase 1: named cases


def _named_cases(sandbox: Sandbox, task: CodingTask) -> list[CaseResult]:
    cases = []
    budget_end = time.monotonic() + NAMED_BUDGET_S
    for test in task.tests:
        if time.monotonic() > budget_end:
            cases.append(
                CaseResult(
                    name=test.name,
                    status="timeout",
                    detail="not run: earlier cases used up the time budget",
                )
            )
            continue
        reply = sandbox.call("candidate", test.args, timeout=CASE_TIMEOUT_S)
        cases.append(_judge(task, test.name, test.args, test.expected, reply))
    return cases


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 3] + "..."


def _call_text(task: CodingTask, args: list) -> str:
    inner = ", ".join(repr(a) for a in args)
    if len(inner) > SHOW_CHARS:
        inner = inner[: SHOW_CHARS - 3] + "..."
    return f"{task.function}({inner})"


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _judge(
    task: CodingTask,
    name: str,
    args: list,
    expected: Any,
    reply: dict,
    *,
    check: Any = None,
) -> CaseResult:
    """A reply from the sandbox, judged here. `check(value) -> reason | None` overrides the
    comparison with `expected` (generated inputs accept every allowed reading)."""
    call = _call_text(task, args)
    status = reply.get("status")
    error = str(reply.get("error") or "")[:600]
    if status == "timeout":
        return CaseResult(
            name=name, status="timeout", detail=f"{call}: {error or 'no result in time'}"
        )
    if status != "ok":
        return CaseResult(name=name, status="error", detail=f"{call}: {error or 'no result'}")
    if "value" not in reply:
        return CaseResult(name=name, status="error", detail=f"{call}: no value came back")
    value = reply["value"]
    reason = check(value) if check else comparators.compare(task, expected, value, args)
    after = reply.get("args_after")
    # Both the child's own check and ours, on the arguments it reported after the call.
    mutated = task.no_mutation and (
        reply.get("mutated") is not False or after is None or _canon(after) != _canon(args)
    )
    changed = (
        f"changed its input (the caller's data must stay as it was); after the call it was "
        f"{_show(after)}"
    )
    if reason is not None:
        detail = f"{call}: expected {_show(expected)}, got {_show(value)} ({reason})"
        return CaseResult(
            name=name, status="fail", detail=detail + (f"; it also {changed}" if mutated else "")
        )
    if mutated:
        return CaseResult(name=name, status="fail", detail=f"{call}: {changed}")
    return CaseResult(name=name, status="pass")


# --------------------------------------------------------------------------- phase 2: generated


class _Mismatch(Exception):
    pass


def _generated_case(
    sandbox: Sandbox, task: CodingTask, limits: SandboxLimits
) -> tuple[CaseResult, int]:
    from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

    deadline = time.monotonic() + min(GENERATED_BUDGET_S, max(0.0, sandbox.remaining() - 9.0))
    failures: dict[str, tuple[list, CaseResult]] = {}
    compared = 0

    def failing(args: list, key: str) -> bool:
        nonlocal compared
        if key in failures:
            return True
        if time.monotonic() > deadline:
            return False  # budget spent: the shrinker keeps the smallest failure found so far
        ref = sandbox.call("reference", args, timeout=GENERATED_CALL_TIMEOUT_S * 4)
        if ref.get("status") != "ok" or "value" not in ref:
            return False  # the reference cannot judge this input; it says nothing about yours
        compared += 1
        cand = sandbox.call("candidate", args, timeout=GENERATED_CALL_TIMEOUT_S)
        ref_value = ref["value"]
        result = _judge(
            task,
            "generated_inputs",
            args,
            ref_value,
            cand,
            check=lambda value: comparators.accepted(task, ref_value, value, args),
        )
        if result.status == "pass":
            return False
        failures[key] = (args, result)
        return True

    def check(args: list) -> None:
        # One raise site: hypothesis tells bugs apart by where they are raised.
        key = _canon(args)
        if failing(args, key):
            raise _Mismatch(key)

    test = settings(
        max_examples=max(1, limits.generated_examples),
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
        phases=(Phase.generate, Phase.shrink),
    )(given(generators.strategy(task.generator))(check))
    test = seed(limits.generated_seed)(test)
    # _Mismatch, or hypothesis reporting it: either way the verdict is read from `failures`.
    with contextlib.suppress(Exception):
        test()
    if not failures:
        return (
            CaseResult(
                name="generated_inputs",
                status="pass",
                detail=f"{compared} generated inputs agree with the reference",
            ),
            compared,
        )
    _, worst = min(failures.values(), key=lambda f: len(_canon(f[0])))
    return (
        CaseResult(
            name="generated_inputs",
            status=worst.status,
            detail=f"shrunk failing input: {worst.detail}",
        ),
        compared,
    )


# --------------------------------------------------------------------------- phase 3: complexity


def _measure(
    sandbox: Sandbox, task: CodingTask, limits: SandboxLimits
) -> tuple[Complexity, list[CaseResult], float | None]:
    deadline = time.monotonic() + min(COMPLEXITY_BUDGET_S, max(0.0, sandbox.remaining() - 1.0))
    sizes: list[int] = []
    ms: list[float] = []
    ref_sizes: list[int] = []
    ref_ms: list[float] = []
    extra_cases: list[CaseResult] = []
    note = ""
    for n in complexity.ladder(limits.complexity_sizes):
        left = deadline - time.monotonic()
        if left < 0.5:
            note = f"stopped before n={n}: time budget spent"
            break
        if ms and complexity.predicted_ms(sizes, ms, n) > TIMING_TIMEOUT_S * 1000 * 0.6:
            note = f"stopped before n={n}: it would take over {TIMING_TIMEOUT_S * 0.6:g} s"
            break
        args = generators.sized(task.generator, n, limits.generated_seed)
        timeout = min(TIMING_TIMEOUT_S, left)
        opts = {"op": "time", "budget_s": 0.15, "max_reps": 7}
        ref = sandbox.call("reference", args, timeout=timeout, **opts)
        cand = sandbox.call("candidate", args, timeout=timeout, **opts)
        if ref.get("status") == "ok":
            ref_sizes.append(n)
            ref_ms.append(float(ref["ms"]))
        if cand.get("status") != "ok":
            what = (
                "took too long"
                if cand.get("status") == "timeout"
                else str(cand.get("error", ""))[:200]
            )
            note = f"at n={n}: {what}"
            break
        sizes.append(n)
        ms.append(float(cand["ms"]))
        if ref.get("status") == "ok":
            reason = comparators.compare(task, ref.get("value"), cand.get("value"), args)
            if reason is not None:
                extra_cases.append(
                    CaseResult(
                        name=f"large_input_n{n}",
                        status="fail",
                        detail=f"on a generated input of {n} items the answer differs from the "
                        f"reference's: expected {_show(ref.get('value'))}, got "
                        f"{_show(cand.get('value'))} ({reason})",
                    )
                )
                break
    exponent = complexity.fit_exponent(sizes, ms)
    ref_exponent = complexity.fit_exponent(ref_sizes, ref_ms)
    measured = Complexity(
        sizes=sizes,
        ms=[round(t, 3) for t in ms],
        exponent=round(exponent, 2) if exponent is not None else None,
        verdict=complexity.verdict(exponent, ref_exponent, note),
    )
    return measured, extra_cases, ref_exponent


# --------------------------------------------------------------------------- bank check, bench


def check_reference_solutions(bank: Bank) -> list[str]:
    """Problems with the bank's coding tasks: a reference that fails its own tests, a generator
    or comparator the runner does not know. Empty when no sandbox can be built here."""
    problems: list[str] = []
    for prompt in bank.prompts:
        task = prompt.coding
        if task is None:
            continue
        if task.generator and not generators.known(task.generator):
            problems.append(f"prompt {prompt.id}: coding.generator {task.generator!r} is unknown")
        if task.comparator not in comparators.COMPARATORS:
            problems.append(f"prompt {prompt.id}: coding.comparator {task.comparator!r} is unknown")
        alternative = comparators.ALTERNATIVES.get(task.generator)
        for test in task.tests if alternative else []:
            try:
                other = alternative(*test.args)
            except Exception:  # noqa: BLE001
                continue
            if comparators.compare(task, test.expected, other, test.args) is not None:
                problems.append(
                    f"prompt {prompt.id}: test {test.name}: the prompt text also allows "
                    f"{other!r}; pick inputs where every allowed reading agrees"
                )
        if sandbox_available():
            continue
        result = run_code(prompt, task.reference_solution, complexity=False, generated=False)
        for case in result.cases:
            if case.status != "pass":
                problems.append(
                    f"prompt {prompt.id}: reference solution fails its own test {case.name}: {case.detail}"
                )
    return problems


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


def bench(n: int = 20) -> dict:
    """Sandbox overhead per submission: a sandboxed run of the named cases against a bare
    `python -c` of the same code on the same cases. Reports; never asserts."""
    from question_bank import load_bank

    reason = sandbox_available()
    if reason:
        return {"bench": "run-code", "n": 0, "error": reason}
    prompt = load_bank().prompt("r3.sliding_window")
    task = prompt.coding
    assert task is not None
    source = task.reference_solution
    cases = json.dumps([t.args for t in task.tests])
    bare_code = f"{source}\nimport json\nfor a in json.loads({cases!r}):\n    {task.function}(*a)\n"
    bare: list[float] = []
    boxed: list[float] = []
    for _ in range(max(1, n)):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-I", "-S", "-c", bare_code], check=True, capture_output=True
        )
        bare.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        result = run_code(prompt, source, complexity=False, generated=False)
        boxed.append((time.perf_counter() - start) * 1000)
        if result.status != "pass":
            return {
                "bench": "run-code",
                "n": len(boxed),
                "error": f"reference did not pass: {result.cases}",
            }
    overhead = [b - a for a, b in zip(bare, boxed, strict=True)]
    from .sandbox import bwrap_version

    return {
        "bench": "run-code",
        "n": len(overhead),
        "p50_ms": round(statistics.median(overhead), 1),
        "p95_ms": round(_percentile(overhead, 0.95), 1),
        "max_ms": round(max(overhead), 1),
        "sandboxed_p50_ms": round(statistics.median(boxed), 1),
        "bare_p50_ms": round(statistics.median(bare), 1),
        "cases": len(task.tests),
        "prompt": prompt.id,
        "sandbox": bwrap_version(),
        "python": sys.version.split()[0],
    }
