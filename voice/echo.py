"""Loudspeaker echo: mic frames that are mostly the interviewer's own voice are not the candidate.

With a loudspeaker the interviewer hears itself. A frame whose normalised cross-correlation with
what was played in the last few hundred milliseconds is high is echo; the VAD is told "silence"
for it. Headphones avoid the problem entirely (the voice command recommends them).
"""

from __future__ import annotations

import numpy as np

from .audio import PIPELINE_RATE


class EchoGate:
    def __init__(self, max_delay_ms: int = 300, threshold: float = 0.55) -> None:
        self.max_delay = int(max_delay_ms * PIPELINE_RATE / 1000)
        self.threshold = threshold

    def is_echo(self, mic: np.ndarray, reference: np.ndarray) -> bool:
        """reference: the speaker's output from max_delay before the frame to its end."""
        if reference.size < mic.size or not np.any(reference):
            return False
        from scipy.signal import correlate

        mic = mic - mic.mean()
        energy = float(np.dot(mic, mic))
        if energy < 1e-8:
            return False
        corr = correlate(reference, mic, mode="valid", method="fft")
        # Energy of each reference window, for normalisation.
        sq = np.concatenate([[0.0], np.cumsum(reference.astype(np.float64) ** 2)])
        win = sq[mic.size :] - sq[: -mic.size]
        norm = np.sqrt(np.maximum(win[: corr.size], 1e-12) * energy)
        return float(np.max(np.abs(corr) / norm)) >= self.threshold
