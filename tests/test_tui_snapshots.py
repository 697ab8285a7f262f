"""SVG snapshots of the main screens at 80x24, in the dark and the light theme.

Deterministic by construction: a FakeClock (fixed dates, timers that do not move), pinned
session ids, fixed scorecards and debriefs on the real screens (the live scorer is exercised by
test_tui_practice.py, and may be retuned without breaking these), and a seeded transcript store
for the review room.
Update with `pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_seed import scorecard, seed_store
from tui_support import fixed_session_ids, idle, seed_home, type_text, wait_for

from agent.clock import FakeClock
from agent.settings import load_settings
from agent.tui.practice import PracticeApp
from agent.tui.results import DebriefScreen, ScorecardScreen
from agent.tui.review import ReviewApp, SessionsScreen
from agent.tui.session_view import OverrideDialog, SessionScreen
from agent.tui.start import StartScreen

THEMES = ["textual-dark", "textual-light"]


@pytest.fixture
def home(
    isolated_home: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    seed_home(isolated_home, tmp_path_factory.getbasetemp())
    fixed_session_ids(monkeypatch)
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


def _show_card(app: PracticeApp) -> None:
    """A fixed scorecard (not the live scorer's, which may be retuned) on the real screen."""
    prompt = app.bank.prompt("warmup.constraints")
    app.push_screen(
        ScorecardScreen(
            scorecard(48, "weak", 3, flag=True),
            title=f"Scorecard · {prompt.title}",
            statements={c.id: c.statement for c in prompt.criteria},
            red_flag_titles={f.id: f.title for f in app.bank.red_flags},
            reveal=prompt.strong_answer,
        )
    )


@pytest.mark.parametrize("theme", THEMES)
def test_scorecard_screen(home: Path, snap_compare, theme: str) -> None:
    app = _practice(theme, prompt_ids=["warmup.constraints"])

    async def scored(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))
        _show_card(app)
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))

    assert snap_compare(app, run_before=scored)


def test_scorecard_screen_scrolled_to_the_strong_answer(home: Path, snap_compare) -> None:
    app = _practice("textual-dark", prompt_ids=["warmup.constraints"])

    async def scored(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))
        _show_card(app)
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        await pilot.press("end")

    assert snap_compare(app, run_before=scored)


def test_debrief_screen(home: Path, snap_compare) -> None:
    from agent.debrief import build_debrief

    app = _practice("textual-dark", prompt_ids=["warmup.constraints"])
    ids = ["warmup.constraints", "r1.architecture", "r2.accent_regression"]
    cards = {
        pid: {**scorecard(48 + 15 * i, "weak", 3 + i, flag=i == 0)} for i, pid in enumerate(ids)
    }
    for i, pid in enumerate(ids):
        prompt = app.bank.prompt(pid)
        cards[pid]["criteria"] = [
            {"id": c.id, "status": "met" if j <= i + 1 else "missed", "evidence": ""}
            for j, c in enumerate(prompt.criteria)
        ]
    data = build_debrief(app.bank, ids, cards).model_dump(mode="json")

    async def finished(pilot) -> None:
        await wait_for(pilot, lambda: idle(app))
        app.push_screen(DebriefScreen(data, session_id="20260101-090000-000000"))
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
