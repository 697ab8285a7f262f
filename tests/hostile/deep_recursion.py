# ruff: noqa  (deliberately hostile code, kept as written)
# Raises the recursion limit and recurses until the C stack gives out.
import sys

sys.setrecursionlimit(10**9)


def dive(n):
    return dive(n + 1) + 1


def max_window_error_rate(records, window_seconds):
    return dive(0)
