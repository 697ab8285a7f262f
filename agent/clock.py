"""The Clock port: where the examiner reads time, so tests drive it instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale (only differences mean anything)."""
        ...

    def wall(self) -> datetime:
        """The current date and time (UTC), for timestamps people read."""
        ...


class SystemClock:
    def now(self) -> float:
        # Wall seconds, not monotonic: prompt start times are checkpointed and read back by
        # another process (maybe after a reboot) when a session resumes.
        return time.time()

    def wall(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told: `clock.advance(90)` is a minute and a half."""

    def __init__(self, start: float = 1000.0, wall: datetime | None = None) -> None:
        self._t = start
        self._start = start
        self._wall0 = wall or datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

    def now(self) -> float:
        return self._t

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self._t - self._start)

    def advance(self, seconds: float) -> None:
        self._t += seconds


class AwayClock:
    """A clock that skips the time a session spent paused or killed on disk."""

    def __init__(self, base: Clock, away_s: float) -> None:
        self.base = base
        self.away_s = away_s

    def now(self) -> float:
        return self.base.now() - self.away_s

    def wall(self) -> datetime:
        return self.base.wall()


def raw_now(clock: Clock) -> float:
    """The underlying clock's reading (the scale the store's last-seen times are kept on)."""
    return clock.base.now() if isinstance(clock, AwayClock) else clock.now()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
