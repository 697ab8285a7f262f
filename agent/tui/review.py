"""The coach's review room: stored sessions in a sortable, filterable table; open one to read it."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from .render import field

COLUMNS = (("date", "Date"), ("mode", "Mode"), ("status", "Status"), ("score", "Score"))
SORT_KEYS = {"d": "date", "m": "mode", "t": "status", "s": "score"}


def _score_text(score: Any) -> str:
    return f"{score:.0f}" if isinstance(score, int | float) else "—"


def _date_text(started: Any) -> str:
    return str(started or "").replace("T", " ").replace("Z", "")[:16]


class SessionsScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("d", "sort('date')", "Date"),
        Binding("m", "sort('mode')", "Mode"),
        Binding("t", "sort('status')", "Status"),
        Binding("s", "sort('score')", "Score"),
        Binding("r", "reload", "Reload"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def __init__(self, store: Any) -> None:
        super().__init__()
        self.store = store
        self.summaries: list[Any] = []
        # Newest first is what a coach wants to see on opening.
        self.sort_column = "date"
        self.sort_reverse = True

    def compose(self) -> ComposeResult:
        yield Label("Stored sessions: enter opens one", classes="panel-title")
        yield Input(placeholder="filter: date, mode, status, score or session id  (/)", id="filter")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        table.add_column("Session", key="session")
        self.action_reload()
        table.focus()

    def on_screen_resume(self) -> None:
        # Back from a session: its overrides do not change scores, but a new session may exist.
        self.action_reload()

    def action_reload(self) -> None:
        try:
            self.summaries = list(self.store.list_sessions())
        except Exception as exc:  # noqa: BLE001 - an unreadable store is a message, not a crash
            self.notify(f"Cannot read the transcript store: {exc}", severity="error")
            self.summaries = []
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        wanted = self.query_one("#filter", Input).value.strip().lower()
        table.clear()
        shown = 0
        for summary in self.summaries:
            row = (
                _date_text(field(summary, "started")),
                str(field(summary, "mode", "")),
                str(field(summary, "status", "")),
                _score_text(field(summary, "score")),
                str(field(summary, "session_id")),
            )
            if wanted and not any(wanted in cell.lower() for cell in row):
                continue
            table.add_row(*row, key=row[-1])
            shown += 1
        self._sort()
        self.query_one(Label).update(
            f"Stored sessions: {shown} of {len(self.summaries)} shown; enter opens one"
            if self.summaries
            else "No stored sessions yet: run `interviewer practice` first"
        )

    def _sort(self) -> None:
        def key(value: Any) -> Any:
            if self.sort_column == "score":
                return float(value) if value not in ("—", "") else -1.0
            return value

        self.query_one(DataTable).sort(self.sort_column, key=key, reverse=self.sort_reverse)

    def action_sort(self, column: str) -> None:
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, column in ("date", "score")
        self._sort()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if event.column_key.value in dict(COLUMNS):
            self.action_sort(str(event.column_key.value))

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        from .session_view import SessionScreen

        session_id = str(event.row_key.value)
        try:
            transcript = self.store.load(session_id)
        except Exception as exc:  # noqa: BLE001
            self.notify(f"Cannot open {session_id}: {exc}", severity="error")
            return
        self.app.push_screen(SessionScreen(self.store, transcript, bank=self.app.bank))


class ReviewApp(App[None]):
    """`interviewer review`: read stored sessions, add coach overrides, export them."""

    CSS_PATH = ["common.tcss", "review.tcss"]
    TITLE = "interviewer review"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self, settings: Any, *, store: Any = None, bank: Any = None, theme: str | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self._store = store
        self._bank = bank
        if theme:
            self.theme = theme

    @property
    def bank(self) -> Any:
        """The exam, for criterion statements; None when it cannot be read (ids still show)."""
        if self._bank is None:
            try:
                from question_bank import load_bank

                self._bank = load_bank(self.settings.exam.bank_path or None)
            except Exception:  # noqa: BLE001
                return None
        return self._bank

    def on_mount(self) -> None:
        if self._store is None:
            from ..store import TranscriptStore

            self._store = TranscriptStore()
        self.push_screen(SessionsScreen(self._store))
