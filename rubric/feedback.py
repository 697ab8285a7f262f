"""Plain advice from the missed criteria and raised flags; never the strong answer's text."""

from __future__ import annotations

import re

from .redflags import ADVICE
from .scorecard import CriterionResult, RedFlagHit
from .text import VERBS

MAX_POINTS = 3

# Third-person forms whose base is not a regular strip of "s"/"es".
_IRREGULAR = {"does": "do", "has": "have", "is": "be", "goes": "go", "lays": "lay"}
# Words after which a third-person verb starts a coordinated action of the same statement
# ("Streams the first segment and keeps warm pools", "Admits ... and never blends ...").
_COORDINATORS = {"and", "or", "never", "then", "also", "always"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|[^A-Za-z]+")


def base_form(word: str) -> str:
    """'Freezes' -> 'freeze', 'Matches' -> 'match', 'Tries' -> 'try'; other words unchanged.

    Candidates from the regular endings are checked against the verb list, so "freezes" is
    not cut to "freez" nor "uses" to "us"; an unknown word falls back to the plain rules."""
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if not low.endswith("s") or low.endswith("ss"):
        return low
    candidates: list[str] = []
    if low.endswith("ies"):
        candidates.append(low[:-3] + "y")
    if low.endswith("es"):
        candidates.append(low[:-2])
    candidates.append(low[:-1])
    for cand in candidates:
        if cand in VERBS:
            return cand
    if low.endswith("ies"):
        return low[:-3] + "y"
    if re.search(r"(?:sh|ch|x|zz|ss)es$", low):
        return low[:-2]
    return low[:-1]


def _is_third_person_verb(word: str) -> bool:
    low = word.lower()
    return low in _IRREGULAR or (
        low.endswith("s") and base_form(low) in VERBS and low != base_form(low)
    )


def imperative(statement: str) -> str:
    """A criterion statement ("Freezes promotion of the new model.") as advice to the
    candidate ("freeze promotion of the new model"): the leading verb and every verb
    coordinated with it go to their base form."""
    text = statement.strip().rstrip(".")
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    previous = ""
    first = True
    for tok in tokens:
        if not tok[0].isalpha():
            out.append(tok)
            continue
        if first:
            out.append(base_form(tok))
            first = False
        elif previous in _COORDINATORS and _is_third_person_verb(tok):
            out.append(base_form(tok))
        else:
            out.append(tok)
        previous = tok.lower()
    return "".join(out).strip()


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
            more = len(todo) - MAX_POINTS
            # Read aloud in the spoken exam: "point(s)" would be said as it is written.
            line += f" ({more} more {'point' if more == 1 else 'points'} not covered.)"
        parts.append(line)
    elif not flags:
        parts.append("Every point of the rubric is covered; go deeper on trade-offs and numbers.")
    return " ".join(p for p in parts if p)
