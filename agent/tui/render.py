"""Plain functions that turn scorecards and run results into styled Textual Content.

Kept apart from the widgets so the practice screens and the coach's review render the same way. Colours are theme variables ($success, $error, ...) so light and dark both read.
Candidate text is never parsed as markup: an answer full of [brackets] stays literal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.content import Content

STATUS_MARK = {"met": "✔", "partial": "◐", "missed": "✘"}
STATUS_STYLE = {"met": "$success", "partial": "$warning", "missed": "$error"}
VERDICT_STYLE = {
    "strong": "bold $success",
    "adequate": "bold $accent",
    "weak": "bold $warning",
    "failing": "bold $error",
}
CASE_MARK = {"pass": "✔", "fail": "✘", "error": "!", "timeout": "⧗"}
CASE_STYLE = {"pass": "$success", "fail": "$error", "error": "$error", "timeout": "$warning"}


def field(obj: Any, name: str, default: Any = None) -> Any:
    """Read `name` from a pydantic model or a dict alike (faces see both across the API)."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_dict(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump()
    return dict(vars(obj))


def mmss(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def bar(fraction: float, width: int = 20) -> str:
    """A text bar: deterministic in snapshots, readable in any theme."""
    fraction = min(1.0, max(0.0, fraction))
    filled = int(round(fraction * width))
    return "█" * filled + "░" * (width - filled)


def verdict_line(scorecard: Mapping[str, Any]) -> Content:
    verdict = str(scorecard.get("verdict", "?"))
    score = scorecard.get("score")
    score_text = f"{score:g}/100" if isinstance(score, int | float) else "no score"
    return Content.assemble(
        (verdict.upper(), VERDICT_STYLE.get(verdict, "bold")),
        "  ",
        (score_text, "bold"),
        ("  scored by " + str(scorecard.get("scorer", "?")), "$text-muted"),
    )


def run_result_content(result: Mapping[str, Any]) -> Content:
    """Each hidden test case, then the totals, and the complexity fit when every case passed."""
    parts: list[Content | str | tuple[str, str]] = []
    passed = result.get("passed", 0)
    failed = result.get("failed", 0)
    status = str(result.get("status", "?"))
    parts.append(
        (
            f"{status.upper()}: {passed} passed, {failed} failed"
            f" in {result.get('duration_ms', 0):.0f} ms\n",
            "bold " + CASE_STYLE.get(status, ""),
        )
    )
    for case in result.get("cases") or []:
        cstatus = str(case.get("status", "?"))
        parts.append((f" {CASE_MARK.get(cstatus, '?')} ", CASE_STYLE.get(cstatus, "")))
        parts.append(str(case.get("name", "?")))
        detail = str(case.get("detail") or "").strip()
        if detail and cstatus != "pass":
            parts.append((" — " + detail, "$text-muted"))
        parts.append("\n")
    complexity = result.get("complexity")
    if complexity:
        exponent = complexity.get("exponent")
        exp_text = f"n^{exponent:.2f}" if isinstance(exponent, int | float) else "?"
        parts.append(("Scales as about " + exp_text, "bold"))
        verdict = str(complexity.get("verdict") or "").strip()
        if verdict:
            parts.append(" — " + verdict)
        parts.append("\n")
    return Content.assemble(*parts)
