"""One stored session for a coach: every turn with its scorecard, overrides, and export."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static

from .widgets import DebriefView, ScorecardView

VERDICTS = ("strong", "adequate", "weak", "failing")
STATUSES = ("met", "partial", "missed")


def _statements(bank: Any, prompt_id: str) -> dict[str, str]:
    try:
        return {c.id: c.statement for c in bank.prompt(prompt_id).criteria}
    except Exception:  # noqa: BLE001 - no bank or an unknown id: criterion ids still read
        return {}


def _flag_titles(bank: Any) -> dict[str, str]:
    return {f.id: f.title for f in getattr(bank, "red_flags", None) or []}


def override_content(override: dict[str, Any]) -> Content:
    target = override.get("target")
    if target == "criterion":
        what = (
            f"criterion {override.get('criterion')}: "
            f"{override.get('original', '?')} → {override.get('status')}"
        )
    else:
        what = f"verdict: {override.get('original', '?')} → {override.get('verdict')}"
    return Content.assemble(
        ("✎ coach override ", "bold $warning"),
        what,
        (f"  ({override.get('at', '')})", "$text-muted"),
        "\n   ",
        (str(override.get("comment", "")), "italic"),
    )


class ReviewTurn(Vertical, can_focus=True):
    """A turn a coach can select (tab / click) to override its scorecard."""

    def __init__(self, index: int, turn: Any, bank: Any) -> None:
        super().__init__(classes="review-turn")
        self.index = index
        self.turn = turn
        self.bank = bank

    def compose(self) -> ComposeResult:
        turn = self.turn
        kind = "follow-up" if turn.kind == "follow_up" else "prompt"
        yield Label(f"#{self.index + 1}  {turn.prompt_id} · {kind}", classes="turn-head")
        yield Static(Content.assemble(("Interviewer: ", "bold"), turn.interviewer.strip()))
        yield Static(Content.assemble(("Candidate: ", "bold"), turn.candidate.strip() or "—"))
        if turn.code:
            yield Static(Content.assemble(("Code:\n", "bold"), (turn.code.rstrip(), "$text-muted")))
        yield from self._details()

    def _details(self) -> list[Widget]:
        widgets: list[Widget] = []
        if self.turn.scorecard:
            widgets.append(
                ScorecardView(
                    self.turn.scorecard,
                    statements=_statements(self.bank, self.turn.prompt_id),
                    red_flag_titles=_flag_titles(self.bank),
                )
            )
        widgets += [Static(override_content(o), classes="override") for o in self.turn.overrides]
        return widgets

    def add_override(self, override: dict[str, Any]) -> None:
        self.turn.overrides.append(override)
        self.mount(Static(override_content(override), classes="override"))


class SessionScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("o", "override", "Override"),
        Binding("e", "export", "Export"),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def __init__(self, store: Any, transcript: Any, *, bank: Any) -> None:
        super().__init__()
        self.store = store
        self.transcript = transcript
        self.bank = bank

    def compose(self) -> ComposeResult:
        t = self.transcript
        started = str(t.started).replace("T", " ").replace("Z", "")[:16]
        yield Label(
            f"{t.session_id} · {started} · {t.mode} · {getattr(t, 'status', '')}",
            classes="panel-title",
        )
        with VerticalScroll(id="turns"):
            for index, turn in enumerate(t.turns):
                yield ReviewTurn(index, turn, self.bank)
            if not t.turns:
                yield Static("No turns stored yet.", classes="muted")
            if getattr(t, "debrief", None):
                yield Label("Debrief", classes="turn-head")
                yield DebriefView(t.debrief, id="debrief")
        yield Footer()

    def on_mount(self) -> None:
        scored = [w for w in self.query(ReviewTurn) if w.turn.scorecard]
        turns = scored or list(self.query(ReviewTurn))
        if turns:
            turns[0].focus()

    def _target(self) -> ReviewTurn | None:
        """The focused turn, or the turn that closed its prompt (the one with the scorecard)."""
        focused = self.focused
        turns = list(self.query(ReviewTurn))
        if not isinstance(focused, ReviewTurn):
            return next((t for t in turns if t.turn.scorecard), None)
        if focused.turn.scorecard:
            return focused
        later = [
            t
            for t in turns
            if t.index > focused.index and t.turn.prompt_id == focused.turn.prompt_id
        ]
        return next((t for t in later if t.turn.scorecard), None)

    def action_override(self) -> None:
        target = self._target()
        if target is None:
            self.notify("No scored turn here to override.", severity="warning")
            return
        self.app.push_screen(
            OverrideDialog(target.turn, _statements(self.bank, target.turn.prompt_id)),
            lambda override: self._save_override(target, override),
        )

    def _save_override(self, target: ReviewTurn, override: dict[str, Any] | None) -> None:
        if not override:
            return
        try:
            self.store.add_override(self.transcript.session_id, target.index, override)
        except Exception as exc:  # noqa: BLE001
            self.notify(f"Override not saved: {exc}", severity="error")
            return
        target.add_override(override)
        self.notify("Override saved; the original score is kept beside it.")

    def action_export(self) -> None:
        self.app.push_screen(ExportDialog(self.transcript.session_id), self._export)

    def _export(self, choice: tuple[str, str] | None) -> None:
        if not choice:
            return
        fmt, raw_path = choice
        from .exporting import export_transcript

        try:
            # Re-read: overrides added on this screen belong in the file.
            transcript = self.store.load(self.transcript.session_id)
            path = export_transcript(transcript, fmt, Path(raw_path), self.bank)
        except Exception as exc:  # noqa: BLE001
            self.notify(f"Export failed: {exc}", severity="error", timeout=10)
            return
        self.notify(f"Exported {fmt} to {path}", timeout=10)


class ReviewDialog(ModalScreen[Any]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()


class OverrideDialog(ReviewDialog):
    """Change a criterion's status or the verdict, with a comment; the original score stays."""

    def __init__(self, turn: Any, statements: dict[str, str]) -> None:
        super().__init__()
        self.turn = turn
        self.statements = statements
        self.card = turn.scorecard or {}

    def compose(self) -> ComposeResult:
        targets = [(f"Verdict (now {self.card.get('verdict', '?')})", "verdict")]
        for crit in self.card.get("criteria") or []:
            cid = str(crit.get("id"))
            text = self.statements.get(cid, cid)
            targets.append((f"{crit.get('status')}: {text[:50]}", f"criterion:{cid}"))
        with Vertical():
            yield Label(f"Coach override · {self.turn.prompt_id}", classes="panel-title")
            yield Select(targets, value="verdict", allow_blank=False, id="target")
            yield Select(
                [(v, v) for v in VERDICTS], prompt="New value", allow_blank=True, id="value"
            )
            yield Input(placeholder="comment (required): why you changed it", id="comment")
            with Horizontal():
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    @on(Select.Changed, "#target")
    def _target_changed(self, event: Select.Changed) -> None:
        choices = VERDICTS if event.value == "verdict" else STATUSES
        self.query_one("#value", Select).set_options([(v, v) for v in choices])

    def action_save(self) -> None:
        target = str(self.query_one("#target", Select).value)
        value = self.query_one("#value", Select).value
        comment = self.query_one("#comment", Input).value.strip()
        if not isinstance(value, str):
            self.notify("Pick the new value.", severity="warning")
            return
        if not comment:
            self.notify("Say why in the comment.", severity="warning")
            self.query_one("#comment", Input).focus()
            return
        at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        override: dict[str, Any]
        if target == "verdict":
            override = {
                "target": "verdict",
                "verdict": value,
                "original": self.card.get("verdict"),
            }
        else:
            cid = target.split(":", 1)[1]
            original = next(
                (c.get("status") for c in self.card.get("criteria") or [] if c.get("id") == cid),
                None,
            )
            override = {
                "target": "criterion",
                "criterion": cid,
                "status": value,
                "original": original,
            }
        override.update({"comment": comment, "by": "coach", "at": at})
        self.dismiss(override)


class ExportDialog(ReviewDialog):
    """Markdown or HTML, to a file under the data home or wherever the coach types."""

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def _default(self, fmt: str) -> str:
        from ..settings import data_home

        return str(data_home() / "exports" / f"{self.session_id}.{fmt}")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Export {self.session_id}", classes="panel-title")
            yield Select(
                [("Markdown", "md"), ("HTML", "html")], value="md", allow_blank=False, id="format"
            )
            yield Input(self._default("md"), placeholder="file to write", id="path")
            with Horizontal():
                yield Button("Export (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        for fmt in ("md", "html"):
            if path.value == self._default(fmt):
                path.value = self._default(str(event.value))

    def action_save(self) -> None:
        fmt = str(self.query_one("#format", Select).value)
        path = self.query_one("#path", Input).value.strip() or self._default(fmt)
        self.dismiss((fmt, path))
