"""Measured cost: time ~ n^e fitted on growing inputs, stated next to the reference's."""

from __future__ import annotations

import math


def ladder(sizes: list[int]) -> list[int]:
    """The configured sizes, with a geometric midpoint between any two more than 4x apart,
    so that a slow submission that must stop early still leaves two points to fit."""
    ordered = sorted({int(s) for s in sizes if s > 0})
    out: list[int] = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        out.append(a)
        if b / a > 4:
            mid = math.sqrt(a * b)
            digits = 10 ** max(0, int(math.log10(mid)) - 1)
            out.append(int(round(mid / digits) * digits))
    if ordered:
        out.append(ordered[-1])
    return out


def fit_exponent(sizes: list[int], ms: list[float]) -> float | None:
    """Least-squares slope of log(ms) on log(n); None with fewer than two usable points."""
    points = [
        (math.log(n), math.log(t)) for n, t in zip(sizes, ms, strict=False) if n > 0 and t > 0
    ]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def verdict(yours: float | None, reference: float | None, note: str = "") -> str:
    mine = f"about n^{yours:.1f}" if yours is not None else "unknown (too few sizes finished)"
    ref = f"n^{reference:.1f}" if reference is not None else "unknown"
    text = f"yours scales as {mine}; the reference as {ref}"
    return f"{text} ({note})" if note else text


def predicted_ms(sizes: list[int], ms: list[float], n: int) -> float:
    """What the next size will likely cost, from the last two points (or linear from one)."""
    if not ms:
        return 0.0
    e = fit_exponent(sizes[-2:], ms[-2:]) if len(ms) >= 2 else 1.0
    e = max(1.0, e or 1.0)
    return ms[-1] * (n / sizes[-1]) ** e
