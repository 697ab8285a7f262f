"""Shared helpers for the graph, headless and export tests (no tests here).

Building the retrieval index costs seconds, so it is built once per test run and copied into
each test's own data home.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent.clock import FakeClock
from agent.settings import load_settings
from question_bank import load_bank

SPOKEN = "r2.accent_regression"
SPOKEN_2 = "r2.tts_first_byte"
CODING = "r3.sliding_window"

WEAK_ANSWER = (
    "First I would freeze promotion of the new model. Then I would break down the correction "
    "rate by region, device and noise level using aggregate metrics, not raw audio."
)
FOLLOW_UP_ANSWER = (
    "I would tell support and stakeholders which regions are affected and that we rolled back."
)

GOOD_CODE = """from collections import deque


def max_window_error_rate(records, window_seconds):
    window = deque()
    failures = 0
    best = 0.0
    for ts, ok in records:
        window.append((ts, ok))
        if not ok:
            failures += 1
        while window and ts - window[0][0] > window_seconds:
            _, old_ok = window.popleft()
            if not old_ok:
                failures -= 1
        best = max(best, failures / len(window))
    return best
"""
BUGGY_CODE = GOOD_CODE.replace("> window_seconds", ">= window_seconds")
INVARIANT = (
    "Invariant: after advancing the left edge, every record in the window is within "
    "window_seconds of the newest record, and I keep a running failure count."
)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rubric import ensure_index

    target = tmp_path_factory.mktemp("shared-index") / "index"
    ensure_index(load_bank(), target, progress=False)
    return target


@pytest.fixture
def exam_home(isolated_home: Path, built_index: Path) -> Path:
    shutil.copytree(built_index, isolated_home / "index")
    return isolated_home


@pytest.fixture
def settings(exam_home: Path):
    return load_settings()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def kinds(reply) -> list[str]:
    return [u.kind for u in reply.utterances]


def interviewer(*args: str, env: dict[str, str] | None = None, timeout: float = 300):
    """Run the real `interviewer` command in a subprocess."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def write_answers(path: Path, lines: list[dict | str]) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return path
