"""Plain advice from the missed criteria and raised flags; never the strong answer's text."""

from __future__ import annotations

import re

from .redflags import ADVICE
from .scorecard import CriterionResult, RedFlagHit

MAX_POINTS = 3


def imperative(statement: str) -> str:
    """'Freezes promotion of the new model.' -> 'freeze promotion of the new model'."""
    text = statement.strip().rstrip(".")
    first, _, rest = text.partition(" ")
    low = first.lower()
    if low.endswith("ies"):
        low = low[:-3] + "y"
    elif re.search(r"(sses|shes|ches|xes|zes)$", low):
        low = low[:-2]
    elif low.endswith("s") and not low.endswith("ss"):
        low = low[:-1]
    return f"{low} {rest}".strip()


def missed_in_order(prompt, criteria: list[CriterionResult]) -> list:
    """Criteria not fully shown, most important first (weight, then exam order)."""
    status = {c.id: c.status for c in criteria}
    todo = [c for c in prompt.criteria if status.get(c.id, "missed") != "met"]
    return sorted(todo, key=lambda c: (-c.weight, status.get(c.id) == "partial"))


def feedback_text(prompt, criteria: list[CriterionResult], flags: list[RedFlagHit]) -> str:
    parts: list[str] = []
    for hit in flags:
        parts.append(ADVICE.get(hit.id, ""))
    todo = missed_in_order(prompt, criteria)
    if todo:
        points = [imperative(c.statement) for c in todo[:MAX_POINTS]]
        line = "To strengthen it: " + "; ".join(points) + "."
        if len(todo) > MAX_POINTS:
            line += f" ({len(todo) - MAX_POINTS} more point(s) not covered.)"
        parts.append(line)
    elif not flags:
        parts.append("Every point of the rubric is covered; go deeper on trade-offs and numbers.")
    return " ".join(p for p in parts if p)
