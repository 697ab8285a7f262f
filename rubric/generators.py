"""Inputs for the coding prompts: hypothesis strategies for property tests against the
reference, and large deterministic inputs for complexity timing.

Each strategy draws adversarial values (near-miss strings, duplicates, ties, zero and negative
numbers, floats, equal timestamps, empty and single-element inputs) but stays inside what the
prompt text promises, so a correct solution is never punished for a choice the text allows:
timestamps are sorted, numbers are exact in binary (ints, halves, quarters, eighths) so that
`a - b > w` and `a > b + w` agree, `healthy` is always a bool, `tenants` is never empty or null,
`k` is never negative.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Args = list[Any]


def strategy(name: str):  # -> hypothesis.strategies.SearchStrategy[Args]
    """The hypothesis strategy for a task's `generator` name (KeyError if unknown)."""
    return _STRATEGIES[name]()


def _sliding_window():
    from hypothesis import strategies as st

    # A narrow range, so that records often sit exactly window_seconds apart.
    timestamp = st.one_of(
        st.integers(-2, 12),
        st.integers(0, 24).map(lambda x: x / 2),
        st.sampled_from([0, 0.5, 2.5, 10, 10.5, 11]),
    )
    # Mostly successes: a lone failure makes the maximum 1.0 and hides every other bug.
    ok = st.sampled_from([True, True, True, True, False])
    record = st.tuples(timestamp, ok)
    records = st.lists(record, max_size=24).map(
        lambda rs: [[t, ok] for t, ok in sorted(rs, key=lambda r: r[0])]
    )
    window = st.one_of(st.integers(0, 6), st.sampled_from([0, 0.5, 1, 1.5, 2.5, 10]))
    return st.tuples(records, window).map(list)


def _top_k():
    from hypothesis import strategies as st

    names = st.sampled_from(["us", "US", "us ", "eu", "apac", "in-accent", "latam", "a", "b", ""])
    value = st.one_of(
        st.integers(0, 12),
        st.integers(-4, 40).map(lambda x: x / 4),
        st.sampled_from([0, 0.1, 0.125, 0.3, 0.5, 1.5, 300, 320]),
    )
    maps = st.dictionaries(names, value, max_size=8)
    return st.tuples(maps, maps, st.integers(0, 10)).map(list)


def _rollback():
    from hypothesis import strategies as st

    tenant_names = ["acme", "acme ", "Acme", "globex", "initech"]
    release = st.fixed_dictionaries(
        {
            "version": st.sampled_from(["v1", "v2", "v3", "v10", "2.0.1", "v2 "]),
            "family": st.sampled_from(["asr", "tts", "ASR", "asr "]),
            "healthy": st.booleans(),
        },
        optional={
            "blocked": st.booleans(),
            "tenants": st.lists(st.sampled_from([*tenant_names, "*"]), min_size=1, max_size=3),
        },
    )
    return st.tuples(
        st.lists(release, max_size=8),
        st.sampled_from(tenant_names),
        st.sampled_from(["asr", "tts", "ASR"]),
    ).map(list)


_STRATEGIES: dict[str, Callable[[], Any]] = {
    "sliding_window": _sliding_window,
    "top_k": _top_k,
    "rollback": _rollback,
}


def sized(name: str, n: int, seed: int = 0) -> Args:
    """A deterministic input of size n for timing. Built so that the reference is linear-ish
    and a naive solution shows its real cost (wide windows, late matches)."""
    rng = random.Random(f"{name}:{n}:{seed}")
    return _SIZED[name](n, rng)


def _sized_sliding_window(n: int, rng: random.Random) -> Args:
    records = []
    ts = 0
    for _ in range(n):
        ts += rng.choice((1, 1, 2, 3))  # strictly increasing: no reading of ties matters
        records.append([ts, rng.random() > 0.3])
    window = max(1, ts // 4)  # a quarter of the span: rescanning the window costs O(n) each step
    return [records, window]


def _sized_top_k(n: int, rng: random.Random) -> Args:
    baseline: dict[str, float] = {}
    candidate: dict[str, float] = {}
    for i in range(n):
        name = f"slice-{i}"
        old = rng.randrange(0, 800) / 8
        if rng.random() > 0.05:
            baseline[name] = old
        candidate[name] = old + rng.randrange(-40, 41) / 8
    return [baseline, candidate, 10]


def _sized_rollback(n: int, rng: random.Random) -> Args:
    releases: list[dict[str, Any]] = []
    for i in range(n - 1):
        kind = rng.random()
        rel: dict[str, Any] = {"version": f"v{n - i}", "family": "asr", "healthy": True}
        if kind < 0.3:
            rel["family"] = "tts"
        elif kind < 0.6:
            rel["healthy"] = False
        elif kind < 0.8:
            rel["tenants"] = ["globex", "initech"]
        else:
            rel["blocked"] = True
        releases.append(rel)
    releases.append({"version": "v1", "family": "asr", "healthy": True, "tenants": ["acme"]})
    return [releases, "acme", "asr"]


_SIZED: dict[str, Callable[[int, random.Random], Args]] = {
    "sliding_window": _sized_sliding_window,
    "top_k": _sized_top_k,
    "rollback": _sized_rollback,
}


def known(name: str) -> bool:
    return name in _STRATEGIES
