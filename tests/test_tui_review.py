"""The coach's review room, driven through Textual's Pilot over a real SQLite transcript store."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable
from tui_seed import SESSIONS, seed_store
from tui_support import errors, type_text, wait_for, widget_text

from agent.settings import load_settings
from agent.store import TranscriptStore
from agent.tui.review import ReviewApp, SessionsScreen
from agent.tui.session_view import ExportDialog, OverrideDialog, SessionScreen

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _ids(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]


async def open_first_session(pilot, app: ReviewApp) -> None:
    """From the sessions table, open the session under the cursor (the first one)."""
    await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))


async def test_sessions_table_sorts_and_filters(isolated_home: Path) -> None:
    store = seed_store()
    app = ReviewApp(load_settings(), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))
        table = app.screen.query_one(DataTable)
        by_date = sorted(SESSIONS, key=lambda s: s[1], reverse=True)
        assert _ids(table) == [s[0] for s in by_date]  # newest first

        await pilot.press("s")  # sort by score, best first
        assert _ids(table) == [s[0] for s in sorted(SESSIONS, key=lambda s: -s[3])]
        await pilot.press("s")  # again: worst first
        assert _ids(table)[0] == "20260101-090000-bbbbbb"

        await pilot.click("DataTable", offset=(2, 0))  # the Date header
        await pilot.pause()
        assert table.row_count == 3

        await pilot.press("slash")
        await type_text(pilot, "paused")
        assert _ids(table) == ["20260101-090000-bbbbbb"]
        await pilot.press("escape")
        assert table.row_count == 3


async def test_coach_override_is_stored_beside_the_original_score(isolated_home: Path) -> None:
    store = seed_store()
    app = ReviewApp(load_settings(), store=store)
    session_id = "20260102-140000-cccccc"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await pilot.press("slash")
        await type_text(pilot, "cccccc")
        await pilot.press("enter")  # back to the table
        await pilot.press("enter")  # open the session
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        text = widget_text(app.screen)
        assert "I pin down the latency budget first" in text
        assert "ADEQUATE" in text

        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OverrideDialog))
        dialog = app.screen
        dialog.query_one("#target").value = "criterion:success_after_launch"
        await pilot.pause()
        dialog.query_one("#value").value = "met"
        dialog.query_one("#comment").focus()
        await type_text(pilot, "Said where audio may be stored; that is the limit.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert any("Override saved" in n.message for n in app._notifications)
        shown = " ".join(str(w.render()) for w in app.screen.query(".override"))
        assert "success_after_launch: missed → met" in shown
    assert not errors(app)

    turn = TranscriptStore().load(session_id).turns[1]
    assert turn.overrides == [
        {
            "target": "criterion",
            "criterion": "success_after_launch",
            "status": "met",
            "original": "missed",
            "comment": "Said where audio may be stored; that is the limit.",
            "by": "coach",
            "at": turn.overrides[0]["at"],
        }
    ]
    # The original score and criterion status are untouched.
    assert turn.scorecard["score"] == 61
    assert {c["id"]: c["status"] for c in turn.scorecard["criteria"]}[
        "success_after_launch"
    ] == "missed"


async def test_verdict_override_needs_a_comment(isolated_home: Path) -> None:
    store = seed_store()
    app = ReviewApp(load_settings(), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_session(pilot, app)
        session_id = app.screen.transcript.session_id
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OverrideDialog))
        app.screen.query_one("#value").value = "adequate"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, OverrideDialog)  # no comment: not saved yet
        app.screen.query_one("#comment").focus()
        await type_text(pilot, "Strong enough for the level.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
    overrides = TranscriptStore().load(session_id).turns[1].overrides
    assert [(o["target"], o["verdict"]) for o in overrides] == [("verdict", "adequate")]


@pytest.mark.parametrize("fmt", ["md", "html"])
async def test_export_writes_the_session_and_says_where(isolated_home: Path, fmt: str) -> None:
    store = seed_store()
    app = ReviewApp(load_settings(), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_session(pilot, app)
        session_id = app.screen.transcript.session_id
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#format").value = fmt
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    target = isolated_home / "exports" / f"{session_id}.{fmt}"
    assert target.is_file()
    assert any(str(target) in m for m in messages)
    body = target.read_text()
    assert "I pin down the latency budget first" in body
    if fmt == "html":
        assert body.lstrip().lower().startswith("<!doctype html")


async def test_export_to_a_typed_path(isolated_home: Path, tmp_path: Path) -> None:
    store = seed_store()
    app = ReviewApp(load_settings(), store=store)
    target = tmp_path / "out" / "review.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_session(pilot, app)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#path").value = str(target)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
    assert target.is_file()


async def test_empty_store_says_so(isolated_home: Path) -> None:
    app = ReviewApp(load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen))
        assert "No stored sessions yet" in str(app.screen.query_one(".panel-title").render())
