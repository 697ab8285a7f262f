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


@pytest.fixture(scope="session")
def bank():
    """The bundled exam, loaded once for the scorer tests (none of them changes it)."""
    from question_bank import load_bank

    return load_bank()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, bank) -> Path:
    """The bundled exam's retrieval index, built once per test session (rubric is imported
    here, not at the top: most tests never load the scorer)."""
    from scorer_support import shared_index_dir

    from rubric import ensure_index

    path = shared_index_dir(tmp_path_factory)
    ensure_index(bank, path, progress=False)
    return path
