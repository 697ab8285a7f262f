"""Widgets shared by the candidate's screens and the coach's review: a scorecard and a debrief.

Each item is a row with a fixed gutter (mark, status, number) and a text column, so long
criterion statements wrap under their own text instead of under the mark at 80 columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from .render import STATUS_MARK, STATUS_STYLE, bar, field, verdict_line


class Row(Horizontal):
    """A gutter cell and a wrapping text cell."""

    def __init__(self, gutter: Content | str, body: Content | str, *, classes: str = "") -> None:
        super().__init__(classes=f"row {classes}".strip())
        self._gutter_text = gutter
        self._body_text = body

    def compose(self) -> ComposeResult:
        yield Static(self._gutter_text, classes="gutter", markup=False)
        yield Static(self._body_text, classes="cell", markup=False)


def _quoted(main: str, evidence: str) -> Content:
    if not evidence.strip():
        return Content(main)
    return Content.assemble(main, "\n", ("“" + evidence.strip() + "”", "italic $text-muted"))


class ScorecardView(Vertical):
    """Verdict and score, each criterion with its evidence, red flags, feedback, strong answer."""

    DEFAULT_CLASSES = "scorecard"

    def __init__(
        self,
        scorecard: Mapping[str, Any],
        *,
        statements: Mapping[str, str] | None = None,
        red_flag_titles: Mapping[str, str] | None = None,
        reveal: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.scorecard = dict(scorecard)
        self.statements = statements or {}
        self.red_flag_titles = red_flag_titles or {}
        self.reveal = reveal

    def compose(self) -> ComposeResult:
        card = self.scorecard
        yield Static(verdict_line(card), classes="verdict")
        criteria = card.get("criteria") or []
        if criteria:
            yield Label("Criteria", classes="section-head")
        for crit in criteria:
            status = str(crit.get("status", "missed"))
            cid = str(crit.get("id", "?"))
            gutter = Content.assemble(
                (f"{STATUS_MARK.get(status, '?')} {status}", STATUS_STYLE.get(status, ""))
            )
            yield Row(
                gutter,
                _quoted(self.statements.get(cid, cid), str(crit.get("evidence") or "")),
                classes=f"-{status}",
            )
        yield Label("Red flags", classes="section-head")
        flags = card.get("red_flags") or []
        if not flags:
            yield Static("none", classes="muted")
        for flag in flags:
            fid = str(flag.get("id", "?"))
            yield Row(
                Content.styled("⚑ flag", "$error"),
                _quoted(self.red_flag_titles.get(fid, fid), str(flag.get("evidence") or "")),
                classes="-flag",
            )
        feedback = str(card.get("feedback") or "").strip()
        if feedback:
            yield Label("Feedback", classes="section-head")
            yield Static(feedback, markup=False)
        if self.reveal:
            yield Label(
                "Strong answer (revealed now that you have answered)", classes="section-head"
            )
            yield Static(self.reveal.strip(), classes="reveal", markup=False)


class DebriefView(Vertical):
    """Per-signal scores as bars, the red flags raised, and three things to practise."""

    DEFAULT_CLASSES = "debrief"

    def __init__(self, data: Mapping[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = dict(data)

    def compose(self) -> ComposeResult:
        from question_bank import SIGNAL_TITLES

        data = self.data
        overall = data.get("overall")
        if isinstance(overall, int | float):
            yield Static(
                Content.assemble(("Overall  ", "bold"), (f"{overall:.0f}/100", "bold $accent"))
            )
        yield Label("Signals", classes="section-head")
        for sig in data.get("signals") or []:
            signal = str(field(sig, "signal", ""))
            title = str(field(sig, "title") or SIGNAL_TITLES.get(signal, signal))
            score = field(sig, "score")
            if isinstance(score, int | float):
                style = "$success" if score >= 75 else "$warning" if score >= 55 else "$error"
                body = Content.assemble((bar(score / 100), style), f" {score:3.0f}")
            else:
                body = Content.styled("not asked", "$text-muted")
            yield Row(title, body, classes="-signal")
        yield Label("Red flags", classes="section-head")
        flags = data.get("red_flags") or []
        if not flags:
            yield Static("none raised", classes="muted")
        for flag in flags:
            title = str(field(flag, "title") or field(flag, "id", "?"))
            where = str(field(flag, "prompt_id") or "")
            yield Row(
                Content.styled("⚑ flag", "$error"),
                _quoted(
                    f"{title} ({where})" if where else title, str(field(flag, "evidence") or "")
                ),
                classes="-flag",
            )
        yield Label("Three things to practise", classes="section-head")
        items = data.get("practise") or data.get("practice") or []
        if not items:
            yield Static("nothing missed: keep it up", classes="muted")
        for n, item in enumerate(items[:3], 1):
            if isinstance(item, str):
                yield Row(f"{n}.", item, classes="-practise")
                continue
            statement = f"{field(item, 'statement', '')} ({field(item, 'prompt_id', '')})"
            exercise = str(field(item, "exercise") or "").strip()
            body = (
                Content.assemble(statement, "\n", ("Rehearse: " + exercise, "italic"))
                if exercise
                else Content(statement)
            )
            yield Row(f"{n}.", body, classes="-practise")
