"""The Textual faces: `interviewer practice` for candidates, `interviewer review` for coaches.

Textual and everything it pulls in load only when one of these functions runs, so
`interviewer --help` stays fast.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["run_practice", "run_review"]


def run_practice(
    settings: Any, prompt_ids: list[str] | None, resume: str | None, *, notice: str | None = None
) -> int:
    """The exam in text. Returns the exit code; a session left unfinished stays resumable.

    When the candidate leaves before the end, the last line on stderr is `paused: SESSION_ID`
    (as `practice --headless` says it), so a script or a person knows what to `--resume`.
    """
    from .quiet import quiet_libraries

    quiet_libraries()
    from ..settings import data_home
    from .practice import PracticeApp
    from .quiet import stderr_to_file

    with stderr_to_file(data_home() / "logs" / "tui.log"):
        app = PracticeApp(settings, prompt_ids=prompt_ids, resume=resume, notice=notice)
        app.run()
    code = app.return_code or 0
    if app.error:
        sys.stderr.write(f"interviewer: {app.error}\n")
    if app.session_id and not app.finished:
        sys.stderr.write(
            f"interviewer: your session is saved; continue it with "
            f"`interviewer practice --resume {app.session_id}`\n"
            f"paused: {app.session_id}\n"
        )
    return code


def run_review(settings: Any) -> int:
    """The coach's review room over the transcript store. Returns the exit code."""
    from .quiet import quiet_libraries

    quiet_libraries()
    from ..settings import data_home
    from .quiet import stderr_to_file
    from .review import ReviewApp

    with stderr_to_file(data_home() / "logs" / "tui.log"):
        app = ReviewApp(settings)
        app.run()
    return app.return_code or 0
