"""Full-screen panels shown after an answer: a prompt's scorecard, and the end-of-exam debrief."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from .widgets import DebriefView, ScorecardView


class ScorecardScreen(Screen[None]):
    """Verdict, criteria with evidence, red flags, feedback, and the strong answer, now revealed."""

    BINDINGS = [
        Binding("enter,escape", "close", "Continue", priority=True),
        Binding("ctrl+q", "app.quit_exam", "Quit (resumable)", priority=True),
    ]

    def __init__(
        self,
        scorecard: Mapping[str, Any],
        *,
        title: str,
        statements: Mapping[str, str] | None = None,
        red_flag_titles: Mapping[str, str] | None = None,
        reveal: str | None = None,
    ) -> None:
        super().__init__()
        self.scorecard = dict(scorecard)
        self.heading = title
        self.statements = statements
        self.red_flag_titles = red_flag_titles
        self.reveal = reveal

    def compose(self) -> ComposeResult:
        yield Label(self.heading, classes="panel-title")
        with VerticalScroll(classes="panel-body"):
            yield ScorecardView(
                self.scorecard,
                statements=self.statements,
                red_flag_titles=self.red_flag_titles,
                reveal=self.reveal,
                id="scorecard",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class DebriefScreen(Screen[None]):
    """Per-signal bars, the red flags raised, and three things to practise."""

    BINDINGS = [
        Binding("enter,escape,ctrl+q", "close", "Done", priority=True),
    ]

    def __init__(self, data: Mapping[str, Any], *, session_id: str) -> None:
        super().__init__()
        self.data = dict(data)
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        yield Label("Debrief: the exam is over", classes="panel-title")
        with VerticalScroll(classes="panel-body"):
            yield DebriefView(self.data, id="debrief")
            yield Static(
                f"Session {self.session_id} is stored; a coach can open it with "
                "`interviewer review`.",
                classes="muted",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
