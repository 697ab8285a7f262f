"""Helpers for the TUI tests: a rubric index built once, and waiting for the app to settle.

Waiting polls the app (the session runs in worker threads); the deadlines are guards against a
hung test, never assertions about speed.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path
from typing import Any

_INDEX_CACHE: dict[str, Path] = {}


def prebuilt_index(tmp_root: Path) -> Path:
    """Build the rubric index once per test run; each test copies it into its own data home."""
    if "dir" not in _INDEX_CACHE:
        from question_bank import load_bank
        from rubric.index import ensure_index

        target = tmp_root / "index"
        ensure_index(load_bank(None), target, progress=False)
        _INDEX_CACHE["dir"] = target
    return _INDEX_CACHE["dir"]


def seed_home(home: Path, tmp_root: Path) -> None:
    index = home / "index"
    if not index.exists():
        shutil.copytree(prebuilt_index(tmp_root), index)


def fixed_session_ids(monkeypatch: Any) -> None:
    """Session ids are the clock's time plus a random tail: pin the tail for snapshots."""
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=0xABCDEF << 100))


async def wait_for(pilot: Any, condition: Any, *, limit_s: float = 180.0) -> None:
    """Let the app run until `condition()` holds (a guard deadline, not a speed check)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"the app did not get there in {limit_s:.0f} s")
        await pilot.pause(0.05)
    await pilot.pause()


def interview(app: Any) -> Any:
    from agent.tui.interview import InterviewScreen

    for screen in app.screen_stack:
        if isinstance(screen, InterviewScreen):
            return screen
    raise AssertionError("no interview screen")


def idle(app: Any) -> bool:
    """The interview is waiting for the candidate (or has moved on to a result screen)."""
    from agent.tui.interview import InterviewScreen

    screen = app.screen
    if not isinstance(screen, InterviewScreen):
        return True
    return screen.gate is not None and not screen.busy


def errors(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text (for asserting what a person would read)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


async def type_text(pilot: Any, text: str) -> None:
    """Type like a person: one key per character (spaces included)."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)


def widget_text(widget: Any) -> str:
    """The text of a widget and everything inside it (labels, statics), in order."""
    from textual.widgets import Static

    parts = [str(widget.render())] if isinstance(widget, Static) else []
    parts += [str(w.render()) for w in widget.query(Static)]
    return "\n".join(parts)
