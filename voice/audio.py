"""WAV files and sample-rate conversion: the pipeline runs on mono float32 at 16 kHz."""

from __future__ import annotations

from math import gcd
from pathlib import Path

import numpy as np

PIPELINE_RATE = 16000
FRAME_SAMPLES = 512  # 32 ms at 16 kHz: the frame Silero VAD expects


class AudioFileError(Exception):
    """A WAV file that cannot be read or written."""


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Polyphase resampling (anti-aliased), float32 out."""
    samples = np.asarray(samples, dtype=np.float32)
    if src_rate == dst_rate or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = gcd(src_rate, dst_rate)
    return resample_poly(samples, dst_rate // g, src_rate // g).astype(np.float32)


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Mono float32 in [-1, 1] and the file's own rate.

    Through libsndfile (soundfile): WAV in any encoding (PCM 8-32 bit, float, mu-law and A-law
    from a phone line, ADPCM), FLAC, Ogg Vorbis/Opus and MP3.
    """
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    try:
        data, rate = soundfile.read(path, dtype="float32", always_2d=True)
    except soundfile.LibsndfileError as exc:
        raise AudioFileError(f"{path}: cannot read audio ({exc.error_string})") from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise AudioFileError(f"{path}: cannot read audio ({exc})") from exc
    if not data.size:
        raise AudioFileError(f"{path}: no audio in it")
    return np.ascontiguousarray(data.mean(axis=1), dtype=np.float32), int(rate)


def read_wav_at(path: str | Path, rate: int = PIPELINE_RATE) -> np.ndarray:
    audio, src = read_wav(path)
    return resample(audio, src, rate)


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Mono at rate: 16-bit PCM WAV, or what the name asks for (out.flac, out.ogg, out.mp3)."""
    import soundfile

    path = Path(path)
    pcm = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lstrip(".").upper()
    if fmt not in soundfile.available_formats():
        fmt = "WAV"
    subtype = "PCM_16" if fmt in ("WAV", "FLAC", "AIFF") else None
    with open(path, "wb") as file:  # the OS's own words when it fails ("No space left")
        try:
            soundfile.write(file, pcm, rate, format=fmt, subtype=subtype)
        except soundfile.LibsndfileError as exc:
            raise OSError(exc.error_string) from exc


def check_writable(path: str | Path) -> None:
    """Fail before the exam, not after it: OUT.wav is only written when the input ends."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot write ({exc.strerror or exc})") from exc


def fit_length(samples: np.ndarray, n: int) -> np.ndarray:
    """Pad with silence or cut so the result has exactly n samples."""
    if samples.size >= n:
        return samples[:n]
    return np.concatenate([samples, np.zeros(n - samples.size, dtype=np.float32)])
