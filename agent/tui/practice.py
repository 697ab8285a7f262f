"""The candidate's app: a start screen (unless told what to run), then the interview."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding

from .interview import InterviewScreen
from .start import StartChoice, StartScreen


class PracticeApp(App[None]):
    """`interviewer practice`: the exam in text. ctrl+q leaves; the session stays resumable."""

    CSS_PATH = ["common.tcss", "practice.tcss"]
    TITLE = "interviewer practice"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit_exam", "Quit (resumable)", priority=True)]

    def __init__(
        self,
        settings: Any,
        *,
        prompt_ids: list[str] | None = None,
        resume: str | None = None,
        clock: Any = None,
        bank: Any = None,
        theme: str | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.prompt_ids = prompt_ids
        self.resume = resume
        self.clock = clock
        self._bank = bank
        self.session_id: str | None = None
        self.finished = False
        # Why the exam could not open (an unknown session to resume), printed after the app.
        self.error: str | None = None
        # Shown as the app opens: why `interviewer voice` came up in text (no sound card).
        self.notice = notice
        if theme:
            self.theme = theme

    @property
    def bank(self) -> Any:
        if self._bank is None:
            from question_bank import load_bank

            self._bank = load_bank(self.settings.exam.bank_path or None)
        return self._bank

    def on_mount(self) -> None:
        if self.notice:
            self.notify(self.notice, severity="warning", timeout=15)
        if self.prompt_ids or self.resume:
            self._interview(StartChoice(self.prompt_ids, self.resume))
        else:
            self.push_screen(StartScreen(self.bank, _resumable()), self._interview)

    def _interview(self, choice: StartChoice | None) -> None:
        if choice is None:
            self.exit(return_code=0)
            return
        self.push_screen(
            InterviewScreen(
                self.settings,
                bank=self.bank,
                prompt_ids=choice.prompt_ids,
                resume=choice.resume,
                clock=self.clock,
            )
        )

    def action_quit_exam(self) -> None:
        # Every answered turn is already in the store and the graph's checkpoint; leaving now
        # loses nothing, and `--resume` picks the exam up at the pending question.
        for screen in self.screen_stack:
            if isinstance(screen, InterviewScreen) and not self.finished:
                screen.leave()
        self.exit(return_code=0)


def _resumable() -> list[Any]:
    """Sessions a candidate can continue, newest first (a broken store shows none)."""
    try:
        from ..store import TranscriptStore

        store = TranscriptStore()
        try:
            sessions = store.list_sessions()
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - the start screen works without the list
        return []
    return [s for s in reversed(sessions) if s.status in ("active", "paused")]
