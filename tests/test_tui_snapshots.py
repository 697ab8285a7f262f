"""SVG snapshots of the main screens at 80x24, in the dark and the light theme.

Deterministic by construction: a FakeClock (fixed dates, timers that do not move), pinned
session ids, the offline scorer (no LLM), and a seeded transcript store for the review room.
Update with `pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_seed import seed_store
from tui_support import fixed_session_ids, idle, seed_home, type_text, wait_for

from agent.clock import FakeClock
from agent.settings import load_settings
from agent.tui.practice import PracticeApp
from agent.tui.results import DebriefScreen, ScorecardScreen
from agent.tui.review import ReviewApp, SessionsScreen
from agent.tui.session_view import OverrideDialog, SessionScreen
from agent.tui.start import StartScreen

THEMES = ["textual-dark", "textual-light"]
ANSWER = "I pin down the latency budget, the cost per call and the privacy limits first."


@pytest.fixture
def home(
    isolated_home: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    seed_home(isolated_home, tmp_path_factory.getbasetemp())
    fixed_session_ids(monkeypatch)
    # One answer closes the prompt: the scorecard and debrief need no follow-up turns.
    monkeypatch.setenv("INTERVIEWER_EXAM__MAX_FOLLOW_UPS", "0")
    return isolated_home


def _practice(theme: str, **kwargs) -> PracticeApp:
    return PracticeApp(load_settings(), clock=FakeClock(), theme=theme, **kwargs)


@pytest.mark.parametrize("theme", THEMES)
def test_start_screen(home: Path, snap_compare, theme: str) -> None:
    app = _practice(theme)

    async def ready(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))

    assert snap_compare(app, run_before=ready)


@pytest.mark.parametrize("theme", THEMES)
def test_interview_screen(home: Path, snap_compare, theme: str) -> None:
    app = _practice(theme, prompt_ids=["warmup.constraints"])

    async def typed(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, "Latency budget first.")

    assert snap_compare(app, run_before=typed)


def test_coding_screen(home: Path, snap_compare) -> None:
    app = _practice("textual-dark", prompt_ids=["r3.sliding_window"])

    async def ready(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))

    assert snap_compare(app, run_before=ready)


@pytest.mark.parametrize("theme", THEMES)
def test_scorecard_screen(home: Path, snap_compare, theme: str) -> None:
    app = _practice(theme, prompt_ids=["warmup.constraints"])

    async def scored(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, ANSWER)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))

    assert snap_compare(app, run_before=scored)


def test_debrief_screen(home: Path, snap_compare) -> None:
    app = _practice("textual-dark", prompt_ids=["warmup.constraints"])

    async def finished(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))
        await type_text(pilot, ANSWER)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DebriefScreen))

    assert snap_compare(app, run_before=finished)


@pytest.mark.parametrize("theme", THEMES)
def test_review_sessions(isolated_home: Path, snap_compare, theme: str) -> None:
    app = ReviewApp(load_settings(), store=seed_store(), theme=theme)

    async def ready(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))

    assert snap_compare(app, run_before=ready)


def test_review_session_with_override_dialog(isolated_home: Path, snap_compare) -> None:
    app = ReviewApp(load_settings(), store=seed_store())

    async def dialog(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OverrideDialog))

    assert snap_compare(app, run_before=dialog)


def test_review_session(isolated_home: Path, snap_compare) -> None:
    app = ReviewApp(load_settings(), store=seed_store(), theme="textual-light")

    async def opened(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()

    assert snap_compare(app, run_before=opened)
