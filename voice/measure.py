"""Measure a spoken exam from the outside: IN.wav (the candidate), OUT.wav (the interviewer).

    python -m voice.measure --mic IN.wav --out OUT.wav --transcript T.json --reference REF.txt
        [--clean CLEAN.wav]

Four figures, as the issue defines them: barge-in (candidate onset -> interviewer silence),
response (candidate end of speech -> interviewer audio), interviewer audio over the candidate,
and the word error rate of the stored transcript. OUT.wav holds only the interviewer, so its
activity is plain energy; the candidate's speech in IN.wav is found with Silero VAD (or given;
or, when other voices were mixed in, found in the clean copy).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .audio import FRAME_SAMPLES, PIPELINE_RATE, read_wav_at

WIN_S = 0.01
QUIET_RUN_S = 0.3  # the interviewer is silent once its output stays quiet this long
BARGE_IN_ALLOWANCE_S = 0.15


@dataclass
class Figures:
    barge_in_ms: list[float] = field(default_factory=list)
    response_ms: list[float] = field(default_factory=list)
    overlap_ms: float = 0.0  # interviewer audio over the candidate, beyond the barge-in stop
    overlap_raw_ms: float = 0.0
    wer: float | None = None

    def summary(self) -> dict[str, float | int | None]:
        def pct(xs: list[float], q: float) -> float | None:
            return round(float(np.percentile(xs, q)), 1) if xs else None

        return {
            "barge_in_n": len(self.barge_in_ms),
            "barge_in_max_ms": round(max(self.barge_in_ms), 1) if self.barge_in_ms else None,
            "barge_in_p50_ms": pct(self.barge_in_ms, 50),
            "response_n": len(self.response_ms),
            "response_max_ms": round(max(self.response_ms), 1) if self.response_ms else None,
            "response_p50_ms": pct(self.response_ms, 50),
            "overlap_ms": round(self.overlap_ms, 1),
            "overlap_raw_ms": round(self.overlap_raw_ms, 1),
            "wer": None if self.wer is None else round(self.wer, 4),
        }


def activity(audio: np.ndarray, level_db: float = -45.0) -> np.ndarray:
    """Per 10 ms window: is there sound (RMS above level_db dBFS)?"""
    win = int(WIN_S * PIPELINE_RATE)
    n = audio.size // win
    frames = audio[: n * win].reshape(n, win)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return rms > 10 ** (level_db / 20)


def speech_regions(audio: np.ndarray, merge_gap_s: float = 0.8) -> list[tuple[float, float]]:
    """The candidate's answers: Silero speech frames, gaps shorter than merge_gap_s joined."""
    from .vad import SileroVad

    vad = SileroVad()
    step = FRAME_SAMPLES / PIPELINE_RATE
    spans: list[list[float]] = []
    for k in range(audio.size // FRAME_SAMPLES):
        frame = audio[k * FRAME_SAMPLES : (k + 1) * FRAME_SAMPLES]
        if vad.probability(frame) >= 0.5:
            t = k * step
            if spans and t - spans[-1][1] <= merge_gap_s:
                spans[-1][1] = t + step
            else:
                spans.append([t, t + step])
    return [(a, b) for a, b in spans if b - a >= 0.2]


def _normalise_words(text: str) -> list[str]:
    # "1,800" is one number (Whisper writes it so for "eighteen hundred"), not "1" and "800".
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = text.lower().replace("’", "'").replace("-", " ")
    return re.findall(r"[a-z0-9']+", text)


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = _normalise_words(reference), _normalise_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1] / len(ref)


def measure(
    mic: np.ndarray,
    out: np.ndarray,
    regions: list[tuple[float, float]] | None = None,
    *,
    transcript: str | None = None,
    reference: str | None = None,
) -> Figures:
    regions = regions if regions is not None else speech_regions(mic)
    active = activity(out)
    n = active.size
    quiet_run = int(QUIET_RUN_S / WIN_S)
    figs = Figures()

    def idx(t: float) -> int:
        return min(n, max(0, int(round(t / WIN_S))))

    def silent_from(i: int) -> int:
        """First window >= i from which the output stays quiet for QUIET_RUN_S."""
        run = 0
        for j in range(i, n):
            run = 0 if active[j] else run + 1
            if run >= quiet_run:
                return j - quiet_run + 1
        return n

    for k, (start, end) in enumerate(regions):
        a, b = idx(start), idx(end)
        allowance = 0
        # The interviewer was talking: sound within QUIET_RUN_S before the onset (the onset may
        # fall in a gap between its words, which is still a barge-in, not a reply).
        if active[max(0, a - quiet_run + 1) : a + 1].any():
            stop = silent_from(a)
            figs.barge_in_ms.append((stop - a) * WIN_S * 1000)
            allowance = min(stop - a, int(BARGE_IN_ALLOWANCE_S / WIN_S))
        over = active[a:b]
        figs.overlap_raw_ms += float(over.sum()) * WIN_S * 1000
        figs.overlap_ms += float(over[allowance:].sum()) * WIN_S * 1000
        nxt = idx(regions[k + 1][0]) if k + 1 < len(regions) else n
        if b < n and not active[b]:
            later = np.flatnonzero(active[b:nxt])
            if later.size:
                figs.response_ms.append(float(later[0]) * WIN_S * 1000)
    if transcript is not None and reference is not None:
        figs.wer = word_error_rate(reference, transcript)
    return figs


def transcript_text(path: str | Path) -> str:
    """The candidate's words from an exported session (JSON) or a plain text file."""
    raw = Path(path).read_text("utf-8")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    turns = data.get("turns", []) if isinstance(data, dict) else []
    return " ".join(t.get("candidate") or "" for t in turns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voice.measure", description=__doc__)
    parser.add_argument("--mic", required=True, help="IN.wav, the candidate's recording")
    parser.add_argument("--out", required=True, help="OUT.wav, the interviewer's output")
    parser.add_argument("--transcript", help="exported session JSON (or text) for WER")
    parser.add_argument("--reference", help="text file: what the candidate actually said")
    parser.add_argument(
        "--clean",
        metavar="CLEAN.wav",
        help="IN.wav before other voices were mixed in: where the candidate speaks is found here",
    )
    args = parser.parse_args(argv)
    mic = read_wav_at(args.mic)
    out = read_wav_at(args.out)
    hyp = transcript_text(args.transcript) if args.transcript else None
    ref = Path(args.reference).read_text("utf-8") if args.reference else None
    regions = speech_regions(read_wav_at(args.clean)) if args.clean else None
    figs = measure(mic, out, regions, transcript=hyp, reference=ref)
    sys.stdout.write(json.dumps({**figs.summary(), "detail": asdict(figs)}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
