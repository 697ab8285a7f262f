"""One door to the exam session for the TUI's threads.

ExamSession is synchronous and not made for two callers at once: scoring runs in a worker thread
while the timer reads the clock on the UI thread. The gate serialises the calls; the timer only
peeks when the door is free, so the UI never waits on a scorer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class SessionGate:
    def __init__(self, session: Any) -> None:
        self.session = session
        self._lock = threading.Lock()

    @property
    def session_id(self) -> str:
        return str(self.session.session_id)

    def call(self, fn: Callable[[Any], T]) -> T:
        """Run `fn(session)` with the session to itself (blocks; call from a worker)."""
        with self._lock:
            return fn(self.session)

    def peek(self, fn: Callable[[Any], T]) -> T | None:
        """Run `fn(session)` only if nobody else is using the session right now."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return fn(self.session)
        finally:
            self._lock.release()
