"""Shared fixtures: every test runs with its own data home, so nothing touches the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("INTERVIEWER_") and key != "INTERVIEWER_HOME":
            monkeypatch.delenv(key, raising=False)
    return home
