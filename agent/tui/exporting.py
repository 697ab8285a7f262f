"""Write one stored session to a file for a coach (Markdown or HTML, via agent.export)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def export_transcript(transcript: Any, fmt: str, path: Path, bank: Any = None) -> Path:
    """Render `transcript` as `fmt` into `path` (parents created); returns the absolute path."""
    from ..export import export

    text = export(transcript, fmt, bank)
    path = path.expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
