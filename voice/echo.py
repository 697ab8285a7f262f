"""Loudspeaker echo: mic frames that are mostly the interviewer's own voice are not the candidate.

With a loudspeaker the interviewer hears itself. A frame is echo when what was played in the
last few hundred milliseconds explains it: its normalised cross-correlation rho with the played
audio is high, or what rho leaves unexplained (a share 1 - rho^2 of its energy) is too quiet to
be anyone talking over the interviewer. The second rule covers the echo's own quiet gaps (a stop
consonant, a breath), where Silero's state still says "speech" but the correlation drowns in
room noise. The VAD is told "silence" for an echo frame. A candidate talking over the
interviewer at about the echo's level or louder still gets through. Headphones avoid the problem
entirely (the voice command recommends them).
"""

from __future__ import annotations

import numpy as np

from .audio import PIPELINE_RATE


class EchoGate:
    def __init__(
        self, max_delay_ms: int = 300, threshold: float = 0.75, quiet_dbfs: float = -40.0
    ) -> None:
        self.max_delay = int(max_delay_ms * PIPELINE_RATE / 1000)
        self.threshold = threshold
        self.quiet_dbfs = quiet_dbfs
        self.quiet_rms = 10 ** (quiet_dbfs / 20)

    def is_echo(self, mic: np.ndarray, reference: np.ndarray) -> bool:
        """reference: the speaker's output from max_delay before the frame to its end."""
        if reference.size < mic.size or not np.any(reference):
            return False
        from scipy.signal import correlate

        mic = mic - mic.mean()
        energy = float(np.dot(mic, mic))
        quiet = mic.size * self.quiet_rms**2
        if energy < quiet:
            return True
        corr = correlate(reference, mic, mode="valid", method="fft")
        # Energy of each reference window, for normalisation.
        sq = np.concatenate([[0.0], np.cumsum(reference.astype(np.float64) ** 2)])
        win = sq[mic.size :] - sq[: -mic.size]
        norm = np.sqrt(np.maximum(win[: corr.size], 1e-12) * energy)
        rho = min(1.0, float(np.max(np.abs(corr) / norm)))
        return rho >= self.threshold or energy * (1.0 - rho * rho) < quiet
