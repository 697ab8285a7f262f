"""The interviewer's mouth: a TTS processor that streams Piper audio to the port.

SpeakFrames are synthesized on a worker thread, one piece at a time, and queued on the port as
soon as each is ready. Interruption is a system frame: it bumps the epoch (so in-flight synthesis
is thrown away), empties the job queue and stops the port, and what was not yet heard is kept so
the conversation can come back to it.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

import numpy as np

from .audio import PIPELINE_RATE
from .frames import (
    Frame,
    InterruptionFrame,
    PausePlaybackFrame,
    ResumePlaybackFrame,
    SpeakFrame,
    SpeechTag,
    SystemFrame,
)
from .ports import AudioPort, Unplayed
from .processor import FrameProcessor


class SpeechSynth(Protocol):
    def synthesize(self, text: str, *, pace: float = 1.0) -> np.ndarray: ...


# "Could you speak more slowly?": each request slows the interviewer by this much, to a limit.
SLOWER = 1.3
SLOWEST = 1.7

# "Can you speak up?" / "You're too loud.": gains on Piper's audio (its peaks at 0.8 of full
# scale), one step per request from 1.0. Over 1 a soft limiter keeps the peaks under full
# scale, so the speech itself gets louder (+4 and +7.5 dB of RMS), not clipped.
LOUDNESS = (0.5, 0.7, 1.0, 1.6, 2.4)
LIMIT_KNEE, LIMIT_CEILING = 0.6, 0.95

# Under this (about -40 dBFS) the audio left of a piece is the pause Piper leaves after it.
AUDIBLE = 0.01


def audible_s(samples: np.ndarray) -> float:
    """Seconds up to the last audible sample: how much of a piece is still words."""
    loud = np.flatnonzero(np.abs(samples) > AUDIBLE)
    return float(loud[-1] + 1) / PIPELINE_RATE if loud.size else 0.0


# A pause this long inside a piece is Piper's at a comma, colon or dash: a phrase boundary.
# (Stops inside words are 80-100 ms; the exam's commas give 200-420 ms.)
PHRASE_PAUSE_S = 0.18
LEAD_IN_S = 0.08  # of that pause kept before the phrase said again
_QUIET_DB = 40.0  # under the piece's loudest 10 ms, by this much: a pause
# The stop comes up to this long after the cough began, so a cut this early in a pause may
# have covered the last word before it.
MASKED_S = 0.1


def phrase_start(audio: np.ndarray, heard: int) -> int:
    """Where to go on from in a piece cut after `heard` samples: the start of the phrase the
    cut fell in (the end of the last pause before it, with a short lead-in), 0 in the first.
    A cut well into a pause goes on from the phrase after it."""
    hop = PIPELINE_RATE // 100
    heard -= round(MASKED_S * PIPELINE_RATE)
    frames = audio[: audio.size // hop * hop].reshape(-1, hop)
    if not frames.size:
        return 0
    db = 10.0 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-12)
    quiet = db < db.max() - _QUIET_DB
    # Runs of quiet 10 ms frames: [starts, ends), ends short of the piece's end (a pause
    # between phrases, not the silence after the last), after its first sound.
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    starts, ends = edges[::2], edges[1::2]
    first_sound = int(np.argmax(~quiet))
    pauses = (
        (ends - starts >= round(PHRASE_PAUSE_S * 100))
        & (starts >= first_sound)
        & (ends < quiet.size)
        & (starts * hop < heard)
    )
    if not pauses.any():
        return 0
    k = np.flatnonzero(pauses)[-1]
    return int(max(starts[k], ends[k] - round(LEAD_IN_S * 100)) * hop)


def at_gain(audio: np.ndarray, gain: float) -> np.ndarray:
    """audio times gain; over 1, peaks past the knee bent smoothly (tanh) under the ceiling."""
    if gain == 1.0:
        return audio
    out = (audio * gain).astype(np.float32)
    if gain > 1.0:
        over = np.abs(out) > LIMIT_KNEE
        span = LIMIT_CEILING - LIMIT_KNEE
        out[over] = np.sign(out[over]) * (
            LIMIT_KNEE + span * np.tanh((np.abs(out[over]) - LIMIT_KNEE) / span)
        )
    return out


def _further(cut: Unplayed) -> Any:
    """The tag of what is left of a cut piece: how far into the piece's audio it begins."""
    tag = cut.tag
    if cut.played and isinstance(tag, SpeechTag):
        return replace(tag, heard=tag.heard + cut.played)
    return tag


_SPEAK, _WARM = 0, 1


class Speaker(FrameProcessor):
    def __init__(self, synth: SpeechSynth, port: AudioPort, cache_size: int = 96) -> None:
        super().__init__()
        self._synth = synth
        self._port = port
        self._lock = threading.RLock()
        self._jobs: queue.PriorityQueue[tuple[int, int, int, SpeechTag | str | None]] = (
            queue.PriorityQueue()
        )
        self._seq = itertools.count()
        self._epoch = 0
        self._queued: list[SpeechTag] = []  # spoken pieces waiting for synthesis, in order
        self._inflight: SpeechTag | None = None
        self._held: list[Unplayed] = []  # audio taken off the port during a pause
        self._paused = False
        self._cache: OrderedDict[tuple[float, str], np.ndarray] = OrderedDict()
        self._pace = 1.0  # more than 1: slower than the voice's own pace
        self._loudness = LOUDNESS.index(1.0)
        self._cache_size = cache_size
        # Warming ahead runs only while this says so (None: always); see Conversation.
        self.warm_when: Callable[[], bool] | None = None
        self.unspoken: list[SpeechTag] = []  # what the last interruption cut off, in order
        # How much speech the last interruption cut off, when that was only the end of the
        # piece playing, more of it heard than not, with nothing after it (None: more).
        self.unsaid_s: float | None = None
        self.first_audio_ms: float | None = None
        self._batch_started: float | None = None
        self._worker = threading.Thread(target=self._work, name="tts", daemon=True)
        self._worker.start()

    # -- frames in --------------------------------------------------------------------------
    def process_frame(self, frame: Frame) -> None:
        if isinstance(frame, SpeakFrame):
            with self._lock:
                self._queued.append(frame.tag)
                self._jobs.put((_SPEAK, next(self._seq), self._epoch, frame.tag))
            return
        self.push_frame(frame)

    def handle_system(self, frame: SystemFrame) -> None:
        if isinstance(frame, PausePlaybackFrame):
            with self._lock:
                if not self._paused:
                    self._paused = True
                    self._held = self._port.stop_playback()
        elif isinstance(frame, ResumePlaybackFrame):
            with self._lock:
                self._paused = False
                held, self._held = self._held, []
                for piece in held:
                    self._port.play(piece.samples, _further(piece))
        elif isinstance(frame, InterruptionFrame):
            self.interrupt()

    def interrupt(self) -> list[SpeechTag]:
        """Stop now; returns (and keeps in .unspoken) the pieces the candidate did not hear."""
        with self._lock:
            self._epoch += 1
            cut = self._held + self._port.stop_playback()
            self._held = []
            self._paused = False
            unspoken = [_further(u) for u in cut if isinstance(u.tag, SpeechTag)]
            self.unsaid_s = None
            if not (self._queued or self._inflight is not None or len(cut) > 1):
                unsaid = audible_s(cut[0].samples) if cut else 0.0
                # Only the end of a piece mostly heard (not all of a short "Why?").
                if not cut or cut[0].played / PIPELINE_RATE >= unsaid:
                    self.unsaid_s = unsaid
            if self._inflight is not None:
                unspoken.append(self._inflight)
            unspoken.extend(self._queued)
            self._queued = []
            self._inflight = None
            self.unspoken = unspoken
            return unspoken

    def play_now(self, tag: SpeechTag, audio: np.ndarray) -> None:
        """Ready audio (a pre-synthesized "Okay.") onto the port at once, skipping the TTS queue
        (the worker may be busy warming); a pause or a barge-in treats it like any other piece."""
        with self._lock:
            if self._paused:
                self._held.append(Unplayed(tag, self._played(audio)))
                return
            self._port.play(self._played(audio), tag)

    def begin_batch(self) -> None:
        """Start the tts_first_audio stopwatch: the next piece played stops it."""
        with self._lock:
            self._batch_started = time.perf_counter()
            self.first_audio_ms = None

    def wait_synthesized(self, timeout: float = 60.0) -> None:
        """Block until every piece asked for is on the port (fast, deterministic runs)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                if not self._queued and self._inflight is None:
                    return
            time.sleep(0.001)

    # -- warm-up ----------------------------------------------------------------------------
    def warm(self, texts: list[str]) -> None:
        """Synthesize ahead (lowest priority) so these pieces play at once when asked for."""
        for text in texts:
            self._jobs.put((_WARM, next(self._seq), -1, text))

    # -- state --------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Anything still to say: queued, being synthesized, held by a pause, or playing."""
        with self._lock:
            return bool(self._queued or self._inflight or self._held or self._paused) or (
                self._port.is_playing()
            )

    def cached(self, text: str) -> bool:
        with self._lock:
            return (self._pace, text) in self._cache

    def slow_down(self) -> bool:
        """Say what comes next more slowly (audio warmed at the old pace is not used). False
        when it is already as slow as it goes."""
        with self._lock:
            pace = min(round(self._pace * SLOWER, 3), SLOWEST)
            slowed, self._pace = pace > self._pace, pace
            return slowed

    @property
    def adjustments(self) -> dict[str, float]:
        """How it was asked to speak: pace (Piper's length_scale times this) and gain."""
        with self._lock:
            return {"tts_pace": self._pace, "tts_gain": LOUDNESS[self._loudness]}

    def restore(self, adjustments: dict[str, float]) -> None:
        """Speak as asked in an earlier sitting (resumed): values out of range are clamped."""
        with self._lock:
            self._pace = min(max(adjustments.get("tts_pace", self._pace), 1.0), SLOWEST)
            gain = adjustments.get("tts_gain", LOUDNESS[self._loudness])
            self._loudness = min(range(len(LOUDNESS)), key=lambda i: abs(LOUDNESS[i] - gain))

    def louder(self) -> bool:
        """Play what comes next louder; False when it is already as loud as it goes."""
        return self._step_loudness(+1)

    def softer(self) -> bool:
        """Play what comes next more quietly; False when it is already as quiet as it goes."""
        return self._step_loudness(-1)

    def _step_loudness(self, step: int) -> bool:
        with self._lock:
            level = min(max(self._loudness + step, 0), len(LOUDNESS) - 1)
            moved, self._loudness = level != self._loudness, level
            return moved

    def _played(self, audio: np.ndarray) -> np.ndarray:
        """Synthesized (or cached) audio at the loudness asked for: applied as it goes to the
        port, so the cache holds the voice's own level whatever the candidate asked."""
        return at_gain(audio, LOUDNESS[self._loudness])

    def close(self, timeout: float = 30.0) -> None:
        """Stop the worker once its current synthesis is done (it is never cut mid-call: a
        native thread pool torn down under a running call aborts the process at exit)."""
        self._jobs.put((-1, -1, -1, None))
        self._worker.join(timeout)

    # -- worker -------------------------------------------------------------------------------
    def _audio_for(self, text: str) -> np.ndarray:
        with self._lock:
            key = (self._pace, text)
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        audio = self._synth.synthesize(text, pace=key[0])
        with self._lock:
            self._cache[key] = audio
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return audio

    def _work(self) -> None:
        while True:
            kind, seq, epoch, item = self._jobs.get()
            if item is None:
                return
            if kind == _WARM:
                assert isinstance(item, str)
                if self.warm_when is not None and not self.warm_when():
                    # Not now: back in the queue, behind anything to say that comes meanwhile.
                    self._jobs.put((kind, seq, epoch, item))
                    time.sleep(0.02)
                    continue
                if not self.cached(item):
                    self._audio_for(item)
                continue
            assert isinstance(item, SpeechTag)
            with self._lock:
                if epoch != self._epoch or not self._queued or self._queued[0] != item:
                    continue  # interrupted since it was asked for
                self._queued.pop(0)
                self._inflight = item
            audio = self._audio_for(item.text)
            tag = item
            if item.heard:  # going on after a cough: from the phrase it was cut in
                tag = replace(item, heard=phrase_start(audio, item.heard))
                audio = audio[tag.heard :]
            with self._lock:
                if epoch != self._epoch or self._inflight != item:
                    continue
                self._inflight = None
                audio = self._played(audio)
                if self._paused:
                    self._held.append(Unplayed(tag, audio))
                else:
                    self._port.play(audio, tag)
                    if self.first_audio_ms is None and self._batch_started is not None:
                        self.first_audio_ms = (time.perf_counter() - self._batch_started) * 1000
