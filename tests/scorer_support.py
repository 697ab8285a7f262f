"""Shared helpers for the scorer tests (not a test module)."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def labelled(name: str = "labelled_answers.jsonl") -> dict[str, dict]:
    rows = [
        json.loads(line)
        for line in (FIXTURES / name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    return {row["id"]: row for row in rows}


def shared_index_dir(tmp_path_factory) -> Path:
    """One index for the whole test session (building it takes a few seconds)."""
    return tmp_path_factory.getbasetemp() / "scorer-index"
