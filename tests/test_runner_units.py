"""Pure parts of the code runner: comparators, the exponent fit, generators, the bank check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from question_bank import load_bank
from rubric import comparators, complexity, generators
from rubric.coderun import check_reference_solutions, sandbox_available


def _top_k_task():
    return load_bank().prompt("r3.top_k_regressed").coding


def test_top_k_accepts_either_slice_tied_at_the_k_boundary():
    task = _top_k_task()
    args = [{"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 2, "c": 3}, 2]
    expected = [
        [
            {"slice": "c", "delta": 2, "baseline": 1, "candidate": 3},
            {"slice": "a", "delta": 1, "baseline": 1, "candidate": 2},
        ],
        [],
    ]
    with_b = [
        [
            {"slice": "c", "delta": 2, "baseline": 1, "candidate": 3},
            {"slice": "b", "delta": 1, "baseline": 1, "candidate": 2},
        ],
        [],
    ]
    assert comparators.compare(task, expected, with_b, args) is None
    assert comparators.compare(task, expected, list(reversed(with_b[0])), args) is not None


def test_top_k_rejects_wrong_direction_missing_and_extra_slices():
    task = _top_k_task()
    args = [{"a": 0.1, "b": 0.1}, {"a": 0.2, "b": 0.5, "new": 1.0}, 1]
    right = [[{"slice": "b", "delta": 0.4, "baseline": 0.1, "candidate": 0.5}], ["new"]]
    assert comparators.compare(task, right, right, args) is None
    smallest = [[{"slice": "a", "delta": 0.1, "baseline": 0.1, "candidate": 0.2}], ["new"]]
    assert "larger regression" in comparators.compare(task, right, smallest, args)
    hidden = [right[0], []]
    assert comparators.compare(task, right, hidden, args) is not None
    assert comparators.compare(task, right, "not a pair", args) is not None


def test_exact_compares_numbers_not_bools_and_respects_tolerance():
    assert comparators.equal(0.0, 0, 1e-9)
    assert comparators.equal(0.1 + 0.2, 0.3, 1e-9)
    assert not comparators.equal(1, True, 1e-9)
    assert not comparators.equal(None, 0, 1e-9)
    assert not comparators.equal("acme", "acme ", 1e-9)


def test_sliding_window_alternative_reading_differs_only_on_equal_timestamps():
    assert comparators.sliding_window_time_keyed([[5, False], [5, True]], 1) == 0.5
    assert comparators.sliding_window_time_keyed([[0, False], [10, True]], 10) == 1.0


def test_exponent_fit_recovers_linear_and_quadratic():
    sizes = [1000, 10000, 100000]
    assert complexity.fit_exponent(sizes, [1.0, 10.0, 100.0]) == pytest.approx(1.0)
    assert complexity.fit_exponent(sizes, [1.0, 100.0, 10000.0]) == pytest.approx(2.0)
    assert complexity.fit_exponent([1000], [1.0]) is None
    assert complexity.ladder([1000, 10000, 100000]) == [1000, 3200, 10000, 32000, 100000]
    assert "n^1.0" in complexity.verdict(1.02, 0.98)


@settings(max_examples=60, deadline=None)
@given(generators.strategy("sliding_window"))
def test_generated_windows_are_sorted_and_exact(args):
    records, window = args
    stamps = [t for t, _ in records]
    assert stamps == sorted(stamps)
    assert window >= 0
    assert all(type(ok) is bool for _, ok in records)


@settings(max_examples=60, deadline=None)
@given(generators.strategy("rollback"))
def test_generated_releases_stay_inside_the_prompt(args):
    releases, tenant, _family = args
    assert tenant != "*"
    for release in releases:
        assert type(release["healthy"]) is bool
        assert release.get("tenants", ["*"])  # never an empty list


def test_sized_inputs_are_deterministic():
    assert generators.sized("top_k", 500, 1) == generators.sized("top_k", 500, 1)
    records, _ = generators.sized("sliding_window", 1000, 1)
    assert len(records) == 1000


@pytest.mark.skipif(sandbox_available() is not None, reason="needs bubblewrap")
def test_bundled_references_pass_their_own_hidden_tests():
    assert check_reference_solutions(load_bank()) == []
