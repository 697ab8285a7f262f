"""Keep libraries from writing into the TUI's screen.

litellm fetches its cost map and logs warnings at import; onnxruntime and CTranslate2 write
straight to file descriptor 2 from C++. Any of that would land in the middle of a Textual
screen. While the app runs, fd 2 goes to a log file under the data home and Textual draws on a
duplicate of the terminal instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

NOISY_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx", "chromadb")


def quiet_libraries() -> None:
    """Before anything imports litellm: no network fetch at import, no log lines on stderr."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_LOG", "CRITICAL")
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL)
        logger.propagate = False
    litellm = sys.modules.get("litellm")
    if litellm is not None:
        litellm.suppress_debug_info = True  # type: ignore[attr-defined]


@contextlib.contextmanager
def stderr_to_file(log_path: Path) -> Iterator[None]:
    """Point fd 2 at `log_path` for the duration; Textual keeps drawing on the real terminal."""
    try:
        terminal_fd = sys.__stderr__.fileno() if sys.__stderr__ else -1
    except (AttributeError, OSError, ValueError):
        terminal_fd = -1
    if terminal_fd < 0 or not os.isatty(terminal_fd):
        # Not a terminal (tests, pipes): nothing could be drawn over; leave it alone.
        yield
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    saved_fd = os.dup(terminal_fd)
    original = sys.__stderr__
    terminal = os.fdopen(os.dup(saved_fd), "w", buffering=1, encoding="utf-8")
    with open(log_path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), terminal_fd)
        # Textual's driver writes to sys.__stderr__; give it the terminal we kept aside.
        sys.__stderr__ = terminal
        try:
            yield
        finally:
            sys.__stderr__ = original
            with contextlib.suppress(OSError):
                terminal.flush()
            os.dup2(saved_fd, terminal_fd)
            os.close(saved_fd)
            with contextlib.suppress(OSError):
                terminal.close()
