"""Time is a port: the wall clock for real runs, a manual clock for tests (never sleep in tests)."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds, monotonic."""
        ...

    def sleep_until(self, t: float) -> None: ...


class WallClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, t: float) -> None:
        delay = t - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class ManualClock:
    """A clock that only moves when told to; sleep_until jumps forward instead of waiting."""

    def __init__(self, start: float = 0.0) -> None:
        self._t = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._t

    def sleep_until(self, t: float) -> None:
        self.set(t)

    def set(self, t: float) -> None:
        with self._lock:
            self._t = max(self._t, t)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._t += seconds
