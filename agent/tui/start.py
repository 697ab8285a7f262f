"""The start screen: the full exam, one section, chosen prompts, or a paused session to resume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, RadioButton, RadioSet, Select, SelectionList


@dataclass(frozen=True)
class StartChoice:
    """What the candidate picked: prompts to run (None: all) or a session to resume."""

    prompt_ids: list[str] | None = None
    resume: str | None = None


class StartScreen(Screen[StartChoice]):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def __init__(self, bank: Any, paused: list[Any]) -> None:
        super().__init__()
        self.bank = bank
        # Summaries of sessions that can be resumed (status active or paused), newest first.
        self.paused = paused

    def compose(self) -> ComposeResult:
        total = sum(s.minutes for s in self.bank.sections)
        with VerticalScroll(id="start"):
            yield Label(self.bank.title, id="start-title")
            yield Label(
                f"{len(self.bank.prompts)} prompts in {len(self.bank.sections)} sections, "
                f"{total / 60:g} h. Answers are scored when each prompt closes.",
                id="start-subtitle",
            )
            with RadioSet(id="mode"):
                yield RadioButton("Full exam", value=True, id="mode-full")
                yield RadioButton("One section", id="mode-section")
                yield RadioButton("Chosen prompts", id="mode-prompts")
                yield RadioButton(
                    f"Resume a paused session ({len(self.paused)})",
                    id="mode-resume",
                    disabled=not self.paused,
                )
            with Vertical(id="choice"):
                yield Select(
                    [(f"{s.title} ({s.minutes:g} min)", s.id) for s in self.bank.sections],
                    prompt="Section",
                    value=self.bank.sections[0].id,
                    allow_blank=False,
                    id="section",
                )
                yield SelectionList[str](
                    *[(f"{p.id}  {p.title}", p.id) for p in self.bank.prompts], id="prompts"
                )
                yield Select(
                    [(_session_label(s), s.session_id) for s in self.paused],
                    prompt="Session",
                    allow_blank=not self.paused,
                    id="resume",
                )
            yield Button("Start  (ctrl+s)", variant="primary", id="start-button")
        yield Footer()

    def on_mount(self) -> None:
        self._show("mode-full")
        self.query_one(RadioSet).focus()

    @on(RadioSet.Changed)
    def _mode_changed(self, event: RadioSet.Changed) -> None:
        self._show(event.pressed.id or "mode-full")

    def _show(self, mode: str) -> None:
        self.query_one("#section").display = mode == "mode-section"
        self.query_one("#prompts").display = mode == "mode-prompts"
        self.query_one("#resume").display = mode == "mode-resume"

    @on(Button.Pressed, "#start-button")
    def _pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        pressed = self.query_one(RadioSet).pressed_button
        mode = pressed.id if pressed else "mode-full"
        if mode == "mode-section":
            section = self.bank.section(self.query_one("#section", Select).value)
            self.dismiss(StartChoice(prompt_ids=list(section.prompts)))
        elif mode == "mode-prompts":
            chosen = list(self.query_one(SelectionList).selected)
            if not chosen:
                self.notify("Pick at least one prompt (space toggles).", severity="warning")
                return
            order = [p.id for p in self.bank.prompts]
            self.dismiss(StartChoice(prompt_ids=sorted(chosen, key=order.index)))
        elif mode == "mode-resume":
            value = self.query_one("#resume", Select).value
            if not isinstance(value, str):
                self.notify("Pick a session to resume.", severity="warning")
                return
            self.dismiss(StartChoice(resume=value))
        else:
            self.dismiss(StartChoice())


def _session_label(summary: Any) -> str:
    started = str(summary.started).replace("T", " ")[:16]
    return f"{started}  {summary.status}  {summary.session_id}"
