"""Other people talking in the room are not the candidate: keep the speech that stands out.

Silero calls any voice speech. In a café or an open office, background talkers would barge in
on the interviewer and keep a turn from ever ending (the "silence" after the answer is full of
their speech). The candidate, at the microphone, is louder than they are. So once the room is
heard to hold speech of its own, a speech frame counts as the candidate's only when it is
margin_db above the room's level (to take the floor), or just above it during their turn
(their weaker words), or follows such a frame closely (the weak syllables between loud ones).
In a quiet room, or in steady noise (fans, hum, hiss: never speech to Silero), nothing changes
after the first two seconds.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np


def frame_level_db(frame: np.ndarray) -> float:
    """Mean power of a frame in dB full scale."""
    power = float(np.mean(np.square(frame, dtype=np.float64)))
    return 10.0 * np.log10(power + 1e-12)


@dataclass(frozen=True)
class RoomRules:
    margin_db: float = 5.0  # above the room's level, to take the floor
    # Once the candidate has the floor, speech just above the room's level is still theirs:
    # an answer is not cut off at its quieter words (a gap that long ends a turn).
    keep_margin_db: float = 2.0
    window_frames: int = 200  # 6.4 s of 32 ms frames
    percentile: float = 90.0
    busy_fraction: float = 0.2
    # Silero hears far-off voices only now and then (1-2% of frames, for seconds): once busy,
    # the room stays so until none of it has been speech for a whole window.
    quiet_fraction: float = 0.005
    hangover_frames: int = 6
    min_frames: int = 8  # a quarter second of the room before its level means anything
    # Silero takes a moment to call voices far off speech: for this long from the start,
    # anything not above the room's level is taken for it, voices or not.
    settle_frames: int = 64
    # Past this, a room still not heard (its own voice echoing without a break) sets no bar.
    patience_frames: int = 200


class NearTalkerGate:
    """Pure logic on (level, VAD verdict, whose frame) per frame; no clock, no audio.

    The room is heard in frames outside the candidate's turns, except those that are the
    interviewer's own voice at an audible level (on headphones, none are). Its level is a high
    percentile of those over the last window_frames; it holds voices once at least
    busy_fraction of them were speech to the VAD, until under quiet_fraction are.
    """

    def __init__(self, rules: RoomRules | None = None) -> None:
        self.rules = r = rules or RoomRules()
        self._levels: deque[float] = deque(maxlen=r.window_frames)
        self._speech: deque[bool] = deque(maxlen=r.window_frames)
        self._room_db: float | None = None
        self._busy = False
        self._left = 0
        self._since_update = 0
        self._frames = 0

    @property
    def busy(self) -> bool:
        """The room holds other voices: only speech above them is the candidate's."""
        return self._busy

    @property
    def room_db(self) -> float | None:
        """The room's level (a high percentile of what it has sounded like), once known."""
        return self._room_db

    def update(self, level_db: float, speech: bool, *, in_turn: bool, echo: bool = False) -> bool:
        """Whether this frame is the candidate speaking. in_turn: the candidate has the floor;
        echo: the frame is the interviewer's own voice, come back through a loudspeaker."""
        self._frames += 1
        if not in_turn and not echo:
            self._hear_room(level_db, speech)
        if not speech:
            self._left = 0
            return False
        room = self._room_db
        if room is None:
            if self._frames <= self.rules.patience_frames:
                # Not heard yet: the very start, or on a loudspeaker the moments between
                # the interviewer's words, until there is a quarter second of them.
                return False
            bar = None
        elif self._busy or self._frames <= self.rules.settle_frames:
            bar = room + (self.rules.keep_margin_db if in_turn else self.rules.margin_db)
        else:
            # A quiet room or steady noise: the VAD alone judges (Silero's first speech frame
            # can come before the voice's energy rises; a bar would cut an "Okay." a frame late).
            bar = None
        if bar is None or level_db >= bar:
            self._left = self.rules.hangover_frames
            return True
        if self._left > 0:
            self._left -= 1
            return True
        return False

    def _hear_room(self, level_db: float, speech: bool) -> None:
        self._levels.append(level_db)
        self._speech.append(speech)
        self._since_update += 1
        # A percentile over a few seconds need not be taken on every frame once settled.
        if len(self._levels) < self.rules.min_frames or (
            self._frames > self.rules.settle_frames and self._since_update < 4
        ):
            return
        self._since_update = 0
        share = sum(self._speech) / len(self._speech)
        self._busy = share >= (
            self.rules.quiet_fraction if self._busy else self.rules.busy_fraction
        )
        self._room_db = float(np.percentile(self._levels, self.rules.percentile))
