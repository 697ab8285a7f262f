"""Is a returned value right? Decided in the parent, on re-parsed JSON, never in the sandbox.

Each comparator returns None when the value is right, else a short reason. "exact" compares
plain data with a float tolerance; "top_k" accepts every answer the prompt allows: equal
deltas in any order, any choice among ties at the k boundary, `missing` in any order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from question_bank import CodingTask


def _number(x: Any) -> bool:
    return type(x) in (int, float)


def equal(expected: Any, actual: Any, tol: float) -> bool:
    """Plain-data equality; ints and floats compare as numbers (within `tol`), bools do not."""
    if type(expected) is bool or type(actual) is bool:
        return type(expected) is type(actual) and expected == actual
    if expected is None or actual is None:
        return expected is None and actual is None
    if _number(expected) and _number(actual):
        if type(expected) is int and type(actual) is int:
            return expected == actual
        return abs(expected - actual) <= tol
    if type(expected) is str or type(actual) is str:
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        return len(expected) == len(actual) and all(
            equal(e, a, tol) for e, a in zip(expected, actual, strict=True)
        )
    if type(expected) is dict and type(actual) is dict:
        return expected.keys() == actual.keys() and all(
            equal(expected[k], actual[k], tol) for k in expected
        )
    return False


def exact(expected: Any, actual: Any, args: list, tol: float) -> str | None:
    return None if equal(expected, actual, tol) else "wrong value"


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def top_k(expected: Any, actual: Any, args: list, tol: float) -> str | None:
    """`(worst, missing)` for top_k_regressed_slices, checked against the inputs themselves."""
    if not (isinstance(actual, list) and len(actual) == 2):
        return "should return a pair (worst, missing)"
    worst, missing = actual
    exp_worst, exp_missing = expected
    if not isinstance(missing, list):
        return "missing should be a list of slice names"
    if sorted(map(_canon, missing)) != sorted(map(_canon, exp_missing)):
        return "wrong list of slices without a baseline"
    if not isinstance(worst, list):
        return "worst should be a list of dicts"
    baseline, candidate, k = args
    regressed = {
        name: (new - baseline[name], baseline[name], new)
        for name, new in candidate.items()
        if name in baseline and new - baseline[name] > 0
    }
    want = min(k, len(regressed)) if type(k) is int else len(exp_worst)
    if len(worst) != want or len(worst) != len(exp_worst):
        return f"returned {len(worst)} slices, expected {len(exp_worst)}"
    seen: set[str] = set()
    for item in worst:
        if type(item) is not dict or not {"slice", "delta", "baseline", "candidate"} <= item.keys():
            return "each slice should be a dict with slice, delta, baseline and candidate"
        name = item["slice"]
        if type(name) is not str or name not in regressed:
            return f"slice {name!r} did not regress"
        if name in seen:
            return f"slice {name!r} listed twice"
        seen.add(name)
        delta, old, new = regressed[name]
        if not (equal(old, item["baseline"], tol) and equal(new, item["candidate"], tol)):
            return f"slice {name!r}: wrong baseline or candidate value"
        if not equal(delta, item["delta"], tol):
            return f"slice {name!r}: wrong delta"
    deltas = [regressed[item["slice"]][0] for item in worst]
    if any(a < b - tol for a, b in zip(deltas, deltas[1:], strict=False)):
        return "not ordered largest regression first"
    floor = min(deltas) if deltas else float("inf")
    left_out = [n for n, (d, _, _) in regressed.items() if n not in seen and d > floor + tol]
    if left_out:
        return f"left out a larger regression ({left_out[0]!r})"
    exp_deltas = sorted(e["delta"] for e in exp_worst)
    if not equal(exp_deltas, sorted(deltas), tol):
        return "wrong regressions"
    return None


COMPARATORS: dict[str, Callable[[Any, Any, list, float], str | None]] = {
    "exact": exact,
    "top_k": top_k,
}


def compare(task: CodingTask, expected: Any, actual: Any, args: list) -> str | None:
    """None when `actual` is right for these `args`, else a short reason."""
    comparator = COMPARATORS.get(task.comparator, exact)
    try:
        return comparator(expected, actual, args, task.float_tolerance)
    except (TypeError, ValueError, KeyError, AttributeError):
        return "value of the wrong shape"


# Answers the prompt text also allows, for generated inputs (where the reference is the only
# other yardstick). The sliding window prompt says a window "holds the records no more than
# window_seconds older" than the record it ends at; a record with the same timestamp that comes
# later in the list is 0 s older, so ending windows at timestamps rather than list positions is a
# fair reading. The bank's named tests are chosen so that both readings agree.
def sliding_window_time_keyed(records: list, window_seconds: float) -> float:
    best = 0.0
    for i, (ts, _) in enumerate(records):
        if i + 1 < len(records) and records[i + 1][0] == ts:
            continue  # not the last record at this timestamp
        inside = [ok for t, ok in records[: i + 1] if ts - t <= window_seconds]
        best = max(best, sum(1 for ok in inside if not ok) / len(inside))
    return best


ALTERNATIVES: dict[str, Callable[..., Any]] = {
    "sliding_window": sliding_window_time_keyed,
}


def accepted(task: CodingTask, reference_value: Any, actual: Any, args: list) -> str | None:
    """For generated inputs: right when it matches the reference or an allowed reading."""
    reason = compare(task, reference_value, actual, args)
    if reason is None:
        return None
    alternative = ALTERNATIVES.get(task.generator)
    if alternative is not None:
        try:
            other = alternative(*args)
        except Exception:  # noqa: BLE001 - our own reading must never fail a submission
            return reason
        if compare(task, other, actual, args) is None:
            return None
    return reason
