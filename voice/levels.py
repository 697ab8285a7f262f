"""Sound levels: a frame's, and a percentile of the recent frames heard."""

from __future__ import annotations

from collections import deque

import numpy as np


def frame_level_db(frame: np.ndarray) -> float:
    """Mean power of a frame in dB full scale."""
    power = float(np.mean(np.square(frame, dtype=np.float64)))
    return 10.0 * np.log10(power + 1e-12)


# A muted input (or a card whose microphone is not connected) sends exact zeros; a working
# microphone's own hiss peaks far above this (-80 dBFS), even in a quiet room at low gain.
DIGITAL_SILENCE = 1e-4


def is_digital_silence(frame: np.ndarray) -> bool:
    """Nothing at all in the frame: not a quiet room, a microphone that sends no sound."""
    return not frame.size or float(np.max(np.abs(frame))) < DIGITAL_SILENCE


class RecentLevel:
    """A percentile of the recent frames heard (a speaker's level, or the room's quiet moments),
    once there are enough (taken every 8 frames; a percentile over hundreds need not be taken
    on every one)."""

    def __init__(self, frames: int, min_frames: int, percentile: float) -> None:
        self._levels: deque[float] = deque(maxlen=frames)
        self._heard = 0
        self._min_frames = min_frames
        self._percentile = percentile
        self.db: float | None = None

    def reset(self) -> None:
        self._levels.clear()
        self._heard = 0
        self.db = None

    def hear(self, level_db: float) -> None:
        self._levels.append(level_db)
        self._heard += 1
        if self._heard >= self._min_frames and self._heard % 8 == 0:
            self.db = float(np.percentile(self._levels, self._percentile))
