"""Typed frames that flow through the voice pipeline (after pipecat's frames.py).

Data frames (audio, text) travel in order; system frames (interruption) jump every queue: a
processor that receives one cancels its in-flight work and drops what it has queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np


@dataclass(frozen=True)
class Frame:
    pass


@dataclass(frozen=True)
class SystemFrame(Frame):
    """High priority: handled at once, never queued behind data."""


@dataclass(frozen=True)
class InterruptionFrame(SystemFrame):
    """The candidate barged in: stop talking now, drop everything queued."""

    onset_t: float  # device time the candidate's speech began


@dataclass(frozen=True)
class PausePlaybackFrame(SystemFrame):
    """Possible barge-in: hold the interviewer's audio until we know it is more than a backchannel."""

    t: float


@dataclass(frozen=True)
class ResumePlaybackFrame(SystemFrame):
    """It was only a backchannel ("mm-hm", a cough): carry on where we paused."""

    t: float


@dataclass(frozen=True)
class InputAudioFrame(Frame):
    samples: np.ndarray = field(repr=False)
    t: float  # device time of the first sample
    speech_prob: float = 0.0


@dataclass(frozen=True)
class SpeechTag:
    """Which piece of which utterance a stretch of interviewer audio says."""

    utterance: int
    piece: int
    text: str
    kind: str = ""
    # How far into the piece's audio these samples begin: after a barge-in, how much of it
    # the candidate heard. Said again to go on (after a cough), it starts at the phrase that
    # point falls in; 0 says it whole.
    heard: int = 0


@dataclass(frozen=True)
class OutputAudioFrame(Frame):
    samples: np.ndarray = field(repr=False)
    tag: SpeechTag


@dataclass(frozen=True)
class SpeakFrame(Frame):
    """Text for the interviewer to say, one sentence or clause."""

    tag: SpeechTag


@dataclass(frozen=True)
class TranscriptionFrame(Frame):
    text: str
    segment: int


@dataclass(frozen=True)
class TurnStartedFrame(Frame):
    t: float


EndReason = Literal[
    "finished_sentence",
    "finished_on_review",
    "end_phrase",
    "silence",
    "thinking",
    "key",
    "input_ended",
    "interjection",
    "repeat_request",
    "question",
    "no_words",
]


@dataclass(frozen=True)
class EndOfTurnFrame(Frame):
    t_speech_end: float  # device time the candidate's last speech frame ended
    t_decided: float
    reason: EndReason
