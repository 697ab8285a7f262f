"""Submissions a candidate might write: right ones in other styles pass, buggy ones fail."""

from __future__ import annotations

import pytest

from question_bank import load_bank
from rubric.coderun import run_code, sandbox_available
from rubric.config import SandboxLimits

pytestmark = pytest.mark.skipif(sandbox_available() is not None, reason="needs bubblewrap")

# Smaller budgets than the defaults keep the suite quick; the checks are the same.
FAST = SandboxLimits(generated_examples=80, complexity_sizes=[500, 2000, 8000])

CORRECT = {
    "r3.sliding_window": [
        # two pointers and a prefix count
        """
def max_window_error_rate(records, window_seconds):
    best, left, failures = 0.0, 0, 0
    for right, (ts, ok) in enumerate(records):
        failures += 0 if ok else 1
        while ts - records[left][0] > window_seconds:
            failures -= 0 if records[left][1] else 1
            left += 1
        best = max(best, failures / (right - left + 1))
    return best
""",
        # bisect over timestamps with prefix sums
        """
import bisect
from itertools import accumulate

def max_window_error_rate(records, window_seconds):
    if not records:
        return 0.0
    stamps = [r[0] for r in records]
    fails = [0, *accumulate(0 if ok else 1 for _, ok in records)]
    rates = []
    for i, t in enumerate(stamps):
        lo = bisect.bisect_left(stamps, t - window_seconds, 0, i + 1)
        rates.append((fails[i + 1] - fails[lo]) / (i + 1 - lo))
    return float(max(rates))
""",
        # timestamp-keyed windows: every record at the same instant counts (a fair reading)
        """
def max_window_error_rate(records, window_seconds):
    best = 0.0
    n = len(records)
    lo = 0
    fails = 0
    i = 0
    while i < n:
        t = records[i][0]
        j = i
        while j < n and records[j][0] == t:
            fails += not records[j][1]
            j += 1
        while t - records[lo][0] > window_seconds:
            fails -= not records[lo][1]
            lo += 1
        best = max(best, fails / (j - lo))
        i = j
    return best
""",
    ],
    "r3.top_k_regressed": [
        # sort, ties broken by insertion order
        """
def top_k_regressed_slices(baseline, candidate, k):
    missing = [s for s in candidate if s not in baseline]
    rows = [
        {"slice": s, "delta": v - baseline[s], "baseline": baseline[s], "candidate": v}
        for s, v in candidate.items()
        if s in baseline and v > baseline[s]
    ]
    rows.sort(key=lambda r: r["delta"], reverse=True)
    return rows[:max(k, 0)], missing
""",
        # heapq.nlargest, returned as a list pair, missing sorted
        """
import heapq

def top_k_regressed_slices(baseline, candidate, k):
    deltas = {s: candidate[s] - baseline[s] for s in candidate.keys() & baseline.keys()}
    worst = heapq.nlargest(k, (s for s, d in deltas.items() if d > 0), key=deltas.get)
    return [
        [dict(slice=s, delta=deltas[s], baseline=baseline[s], candidate=candidate[s]) for s in worst],
        sorted(set(candidate) - set(baseline)),
    ]
""",
    ],
    "r3.rollback_target": [
        """
def resolve_rollback_target(releases, tenant, family):
    def applies(release):
        scope = release.get("tenants")
        return scope is None or "*" in scope or tenant in scope

    return next(
        (
            r["version"]
            for r in releases
            if r["family"] == family and applies(r) and r.get("healthy") is True and not r.get("blocked", False)
        ),
        None,
    )
""",
        """
def resolve_rollback_target(releases, tenant, family):
    for index in range(len(releases)):
        release = releases[index]
        if release.get("family") != family:
            continue
        if not release.get("healthy", False) or release.get("blocked", False):
            continue
        tenants = set(release.get("tenants", ("*",)))
        if tenants & {tenant, "*"}:
            return release["version"]
    return None
""",
    ],
}

BUGGY = [
    # boundary: a record exactly window_seconds old is dropped
    (
        "r3.sliding_window",
        "boundary",
        """
from collections import deque
def max_window_error_rate(records, window_seconds):
    window, failures, best = deque(), 0, 0.0
    for ts, ok in records:
        window.append((ts, ok)); failures += not ok
        while window and ts - window[0][0] >= window_seconds:
            failures -= not window.popleft()[1]
        if window:
            best = max(best, failures / len(window))
    return best
""",
    ),
    # never forgets an old failure
    (
        "r3.sliding_window",
        "eviction",
        """
def max_window_error_rate(records, window_seconds):
    failures, best, start = 0, 0.0, 0
    for i, (ts, ok) in enumerate(records):
        failures += not ok
        while ts - records[start][0] > window_seconds:
            start += 1
        best = max(best, failures / (i - start + 1))
    return min(best, 1.0)
""",
    ),
    # empty input crashes
    (
        "r3.sliding_window",
        "empty",
        """
def max_window_error_rate(records, window_seconds):
    rates = []
    for i, (ts, ok) in enumerate(records):
        inside = [o for t, o in records[: i + 1] if ts - t <= window_seconds]
        rates.append(inside.count(False) / len(inside))
    return max(rates)
""",
    ),
    # mutates the caller's records (sorts them in place by the whole tuple)
    (
        "r3.sliding_window",
        "mutation",
        """
def max_window_error_rate(records, window_seconds):
    records.sort()
    best = 0.0
    for i, (ts, ok) in enumerate(records):
        inside = [o for t, o in records[: i + 1] if ts - t <= window_seconds]
        best = max(best, inside.count(False) / len(inside))
    return best
""",
    ),
    # sort direction: smallest regression first
    (
        "r3.top_k_regressed",
        "direction",
        """
def top_k_regressed_slices(baseline, candidate, k):
    rows = [{"slice": s, "delta": v - baseline[s], "baseline": baseline[s], "candidate": v}
            for s, v in candidate.items() if s in baseline and v > baseline[s]]
    rows.sort(key=lambda r: r["delta"])
    return rows[:k], [s for s in candidate if s not in baseline]
""",
    ),
    # missing baselines hidden
    (
        "r3.top_k_regressed",
        "missing",
        """
def top_k_regressed_slices(baseline, candidate, k):
    rows = [{"slice": s, "delta": v - baseline[s], "baseline": baseline[s], "candidate": v}
            for s, v in candidate.items() if s in baseline and v > baseline[s]]
    rows.sort(key=lambda r: -r["delta"])
    return rows[:k], []
""",
    ),
    # improvements counted as regressions (abs delta), mutates baseline
    (
        "r3.top_k_regressed",
        "abs_and_mutation",
        """
def top_k_regressed_slices(baseline, candidate, k):
    missing = [s for s in candidate if s not in baseline]
    rows = []
    for s, v in candidate.items():
        if s in baseline:
            old = baseline.pop(s)
            if v != old:
                rows.append({"slice": s, "delta": abs(v - old), "baseline": old, "candidate": v})
    rows.sort(key=lambda r: -r["delta"])
    return rows[:k], missing
""",
    ),
    # ignores the tenant scope
    (
        "r3.rollback_target",
        "tenant",
        """
def resolve_rollback_target(releases, tenant, family):
    for r in releases:
        if r["family"] == family and r.get("healthy") and not r.get("blocked"):
            return r["version"]
    return None
""",
    ),
    # picks the highest version instead of the newest record; case-insensitive family
    (
        "r3.rollback_target",
        "order_and_case",
        """
def resolve_rollback_target(releases, tenant, family):
    ok = [r for r in releases if r["family"].lower() == family.lower() and r.get("healthy")
          and not r.get("blocked") and ("*" in r.get("tenants", ["*"]) or tenant in r.get("tenants", []))]
    return max((r["version"] for r in ok), default=None)
""",
    ),
    # fills in the default tenants on the caller's dicts
    (
        "r3.rollback_target",
        "mutation",
        """
def resolve_rollback_target(releases, tenant, family):
    for r in releases:
        tenants = r.setdefault("tenants", ["*"])
        if r["family"] == family and (tenant in tenants or "*" in tenants) and r.get("healthy") and not r.get("blocked"):
            return r["version"]
    return None
""",
    ),
]


def _prompt(prompt_id):
    return load_bank().prompt(prompt_id)


@pytest.mark.parametrize(
    ("prompt_id", "index"),
    [(pid, i) for pid, sources in CORRECT.items() for i in range(len(sources))],
)
def test_correct_solution_in_another_style_passes_everything(prompt_id, index):
    result = run_code(_prompt(prompt_id), CORRECT[prompt_id][index], FAST)
    assert result.status == "pass", [c for c in result.cases if c.status != "pass"]
    assert result.failed == 0
    assert any(c.name == "generated_inputs" for c in result.cases)
    assert result.complexity is not None and result.complexity.exponent is not None
    assert "yours scales as about n^" in result.complexity.verdict


@pytest.mark.parametrize(
    ("prompt_id", "bug", "source"), BUGGY, ids=[f"{p}-{b}" for p, b, _ in BUGGY]
)
def test_buggy_solution_fails_at_least_one_case(prompt_id, bug, source):
    result = run_code(_prompt(prompt_id), source, FAST, complexity=False)
    assert result.status in ("fail", "error"), bug
    assert result.failed >= 1
    assert result.complexity is None
    failing = [c for c in result.cases if c.status != "pass"]
    # A failure names the call, the expected and the actual value.
    assert any(
        "(" in c.detail
        and ("expected" in c.detail or "changed its input" in c.detail or "Error" in c.detail)
        for c in failing
    )


def test_mutation_is_reported_as_a_changed_input():
    source = BUGGY[3][2]
    result = run_code(_prompt("r3.sliding_window"), source, FAST, complexity=False, generated=False)
    assert any("changed its input" in c.detail for c in result.cases)


def test_generated_inputs_catch_a_bug_the_named_cases_miss_and_report_it_shrunk():
    # Right on every named case (none has more than five records in one window), wrong when
    # a window holds six: the shrunk input is small and readable.
    source = """
from collections import deque
def max_window_error_rate(records, window_seconds):
    window, best = deque(maxlen=5), 0.0
    for ts, ok in records:
        window.append((ts, ok))
        while ts - window[0][0] > window_seconds:
            window.popleft()
        best = max(best, sum(1 for _, o in window if not o) / len(window))
    return best
"""
    result = run_code(_prompt("r3.sliding_window"), source, FAST, complexity=False)
    generated = next(c for c in result.cases if c.name == "generated_inputs")
    assert generated.status == "fail"
    assert generated.detail.startswith("shrunk failing input: max_window_error_rate(")
    assert len(generated.detail) < 400


def test_syntax_error_and_missing_function_are_errors_that_say_why():
    prompt = _prompt("r3.rollback_target")
    broken = run_code(
        prompt, "def resolve_rollback_target(releases, tenant, family)\n    return None\n"
    )
    assert broken.status == "error"
    assert "SyntaxError" in broken.cases[0].detail and "line 1" in broken.cases[0].detail
    absent = run_code(prompt, "def resolve_target(releases, tenant, family):\n    return None\n")
    assert absent.status == "error"
    assert "resolve_rollback_target" in absent.cases[0].detail


def test_json_shape_is_the_contract():
    prompt = _prompt("r3.rollback_target")
    dumped = run_code(prompt, CORRECT["r3.rollback_target"][0], FAST, generated=False).model_dump()
    assert set(dumped) == {
        "prompt_id",
        "status",
        "passed",
        "failed",
        "cases",
        "duration_ms",
        "complexity",
    }
    assert set(dumped["complexity"]) == {"sizes", "ms", "exponent", "verdict"}
    assert all(set(c) == {"name", "status", "detail"} for c in dumped["cases"])
