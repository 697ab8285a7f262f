"""Coding prompts in the spoken exam: the candidate writes the code in their own editor.

Nobody dictates code aloud. When a coding prompt is asked, its file is made (the function's
signature, ready to fill in) and its path shown once; when the candidate finishes speaking,
what the file holds goes in with the spoken answer, and the hidden tests run on it in the
sandbox as they do in the text exam. An untouched file is no code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

_STUB_BODY = "    raise NotImplementedError\n"


class CodeDesk:
    def __init__(self, folder: Path, tell: Callable[[str], None]) -> None:
        self.folder = folder
        self._tell = tell
        self._told: set[str] = set()

    def path_for(self, pending: Any) -> Path | None:
        if pending is None or not getattr(pending, "is_coding", False):
            return None
        return self.folder / f"{pending.prompt_id}.py"

    def prepare(self, pending: Any) -> bool:
        """Make the prompt's file (unless there is one) and say where it is, once per prompt.
        True when the path was shown now."""
        path = self.path_for(pending)
        if path is None or pending.prompt_id in self._told:
            return False
        self._told.add(pending.prompt_id)
        try:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(_stub(pending.signature), encoding="utf-8")
        except OSError as exc:  # the exam goes on: the answer is spoken, with no code
            self._tell(f"cannot make {path} ({exc.strerror or exc}): answer aloud, no code")
            return False
        self._tell(f"write your code in {path}: it is run when you finish your answer")
        return True

    def code_for(self, pending: Any, *, last_chance: bool = False) -> str | None:
        """The file's code, or None when there is none yet (missing, empty or untouched).
        last_chance: the prompt closes now (its time is up), so no "write it there"."""
        path = self.path_for(pending)
        if path is None:
            return None
        try:
            code = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._tell(f"cannot read {path} ({exc}): no code goes with this answer")
            return None
        if not code.strip() or code.strip() == _stub(pending.signature).strip():
            if last_chance:
                return None
            # The follow-up will ask for the code: the screen says where it goes.
            self._tell(f"no code in {path} yet: write it there; it is run with your next answer")
            return None
        return code


def _stub(signature: str | None) -> str:
    if not signature:
        return ""
    head = signature.strip()
    return f"{head if head.endswith(':') else head + ':'}\n{_STUB_BODY}"
