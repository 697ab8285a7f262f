"""Sound levels: a frame's, and a percentile of the recent frames heard."""

from __future__ import annotations

from collections import deque

import numpy as np

from .audio import FRAME_SAMPLES


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


# A microphone driven past its full scale flattens the voice's peaks: a frame with this many
# samples at it clipped (one full-scale peak can be a plosive at a well set gain).
CLIP_LEVEL = 0.99
CLIPPED_SAMPLES = 3


def clips(frame: np.ndarray) -> bool:
    return int(np.count_nonzero(np.abs(frame) >= CLIP_LEVEL)) >= CLIPPED_SAMPLES


# tiny.en hears a quiet voice worse. The answers of 12 test recordings (1266 words, their loud
# moments at -11 to -21 dBFS) 24 dB quieter lost an eighth more words (WER 0.124 against 0.107),
# 36 dB quieter a quarter more (0.136). Raised to this level first: 0.107 and 0.112. A voice at
# or over it is left as it is: lowered to it, the words changed as often as not.
SPEAKING_LEVEL_DB = -19.0
# The gain goes in whole 6 dB steps, powers of two, which scale a float exactly: an answer 6, 12
# or 24 dB quieter gives the recognizer the same audio bit for bit, so the same words (a gain
# off by a rounding error changed words: tiny.en runs in int8). The loud moments land within
# 3 dB of the level, where targets of -20 to -14 dBFS heard as well.
_STEP_DB = 20.0 * np.log10(2.0)
LEVEL_STEPS = (0, 5)  # never quieter, at most 30 dB louder
_NOTHING_DB = -60.0  # loud moments under this: no one speaking to raise
_LOUD_PERCENTILE = 90.0


def at_speaking_level(audio: np.ndarray) -> np.ndarray:
    """audio raised so that its loud moments (the 90th percentile of its 32 ms frames' levels)
    are near SPEAKING_LEVEL_DB: the recognizer hears a quiet voice the same whatever the
    microphone's gain or distance. Unchanged when it is already that loud, or holds nothing
    near speech."""
    n = audio.size // FRAME_SAMPLES * FRAME_SAMPLES
    if not n:
        return audio
    frames = audio[:n].reshape(-1, FRAME_SAMPLES)
    power = np.mean(np.square(frames, dtype=np.float64), axis=1)
    loud_db = float(np.percentile(10.0 * np.log10(power + 1e-12), _LOUD_PERCENTILE))
    if loud_db < _NOTHING_DB:
        return audio
    steps = int(np.clip(round((SPEAKING_LEVEL_DB - loud_db) / _STEP_DB), *LEVEL_STEPS))
    if not steps:
        return audio
    return np.clip(audio * np.float32(2.0**steps), -1.0, 1.0).astype(np.float32)


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
