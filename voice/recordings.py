"""Scripted candidate recordings for tests and measurement: several voices, pauses, noise.

A script is a list of answers, each with the time its first word starts and its sentences; the
sentences of one answer are separated by short thinking pauses (up to 0.45 s). Voices other than
the interviewer's: Piper's joe voice at another speed and noise, and espeak-ng voices. Behind
the candidate: steady noise, and optionally other people talking.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .audio import PIPELINE_RATE, read_wav_at, write_wav


@dataclass
class Answer:
    start_s: float
    sentences: list[str]
    pauses_s: list[float] = field(default_factory=list)  # between sentences

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass
class Recording:
    path: Path
    voice: str
    answers: list[Answer]
    regions: list[tuple[float, float]]  # (start, end) of each answer's speech, seconds

    @property
    def reference(self) -> str:
        return " ".join(a.text for a in self.answers)


# Piper's joe at other settings (length_scale, noise_scale, noise_w_scale), optionally through
# sox (pitch in cents, tempo); espeak-ng voices.
_PIPER = {
    "piper-slow": (1.2, 0.8, 0.9, []),
    "piper-fast": (0.9, 0.667, 0.8, []),
    "piper-loose": (1.4, 1.0, 1.0, []),
    "piper-low": (1.1, 0.8, 0.9, ["pitch", "-300"]),
    "piper-high": (1.0, 0.8, 0.9, ["pitch", "400", "tempo", "0.9"]),
}
_ESPEAK = {"espeak-us-f": "en-us+f3", "espeak-gb-m": "en-gb+m3", "espeak-us": "en-us"}
# Debian's flite and festival voices: CMU's diphone and statistical voices, a woman's (slt)
# among them, nearer human speech than espeak. flite is installed for the test suite (one test
# breathes in its rms voice); festival is for measurement only.
_FLITE = {"flite-slt": "slt", "flite-rms": "rms", "flite-awb": "awb", "flite-kal": "kal16"}
_FESTIVAL = {"festival-slt": "voice_cmu_us_slt_arctic_hts", "festival-kal": "voice_kal_diphone"}
VOICES = tuple(_PIPER) + tuple(_ESPEAK) + tuple(_FLITE) + tuple(_FESTIVAL)


class VoiceBank:
    """Synthesizes test speech in one of VOICES at 16 kHz.

    Piper samples its noise inside the ONNX graph, from a generator seeded when the voice is
    loaded; seeding it makes a bank's recordings the same on every run that asks for the same
    sentences in the same order (a test suite), so a test hears the same audio each time.
    None leaves it random.
    """

    def __init__(self, seed: int | None = 0) -> None:
        self._piper = None
        self._seed = seed

    def speak(self, voice: str, text: str) -> np.ndarray:
        if voice in _PIPER:
            length, noise_scale, noise_w, sox_effects = _PIPER[voice]
            audio = self._piper_speak(text, length, noise_scale, noise_w)
            return _sox(audio, sox_effects) if sox_effects else audio
        if voice in _ESPEAK:
            return _espeak(text, _ESPEAK[voice])
        if voice in _FLITE:
            return _to_peak(_synth(["flite", "-voice", _FLITE[voice], "-t", text, "-o"]))
        if voice in _FESTIVAL:
            festival = ["text2wave", "-eval", f"({_FESTIVAL[voice]})", "-o"]
            return _to_peak(_synth(festival, stdin=text))
        raise ValueError(f"unknown test voice {voice!r}")

    def _piper_speak(
        self, text: str, length_scale: float, noise_scale: float, noise_w: float
    ) -> np.ndarray:
        from piper import PiperVoice, SynthesisConfig

        from .audio import resample
        from .tts import bundled_voice

        if self._piper is None:
            if self._seed is not None:
                import onnxruntime

                onnxruntime.set_seed(self._seed)
            self._piper = PiperVoice.load(*bundled_voice())
        syn = SynthesisConfig(
            length_scale=length_scale, noise_scale=noise_scale, noise_w_scale=noise_w
        )
        chunks = [c.audio_float_array for c in self._piper.synthesize(text, syn_config=syn)]
        rate = self._piper.config.sample_rate
        return resample(np.concatenate(chunks), rate, PIPELINE_RATE) * 0.7


def _sox(audio: np.ndarray, effects: list[str]) -> np.ndarray:
    """Run audio through sox effects (pitch, tempo): a voice further from the interviewer's."""
    if not shutil.which("sox"):
        raise RuntimeError("sox is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "a.wav", Path(tmp) / "b.wav"
        write_wav(src, audio, PIPELINE_RATE)
        # -R: sox dithers its output from a random seed otherwise, and a test's recording (its
        # café, its pitched voices) would differ in the last bit from run to run.
        subprocess.run(["sox", "-R", str(src), str(dst), *effects], check=True, capture_output=True)
        return read_wav_at(dst)


def _espeak(text: str, voice: str) -> np.ndarray:
    return _synth(["espeak-ng", "-v", voice, "-s", "150", "-w"], stdin=text) * 0.7


def _synth(command: list[str], stdin: str | None = None) -> np.ndarray:
    """A command-line synthesizer that takes the output WAV's path last, at 16 kHz."""
    if not shutil.which(command[0]):
        raise RuntimeError(f"{command[0]} is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(
            [*command, str(out)], input=stdin, text=True, check=True, capture_output=True
        )
        return read_wav_at(out)


def _to_peak(audio: np.ndarray, peak: float = 0.7) -> np.ndarray:
    return audio / (np.abs(audio).max() + 1e-9) * peak


def _trim(audio: np.ndarray, level: float = 0.01) -> np.ndarray:
    idx = np.flatnonzero(np.abs(audio) > level)
    if idx.size == 0:
        return audio
    return audio[idx[0] : idx[-1] + 1]


def _at_level(audio: np.ndarray, level_db: float) -> np.ndarray:
    """audio scaled to an RMS of level_db dBFS, as float32."""
    rms = np.sqrt(np.mean(audio**2))
    return (audio / (rms + 1e-9) * 10 ** (level_db / 20)).astype(np.float32)


def noise(n: int, level_db: float = -45.0, seed: int = 7, color: str = "pink") -> np.ndarray:
    """Background noise: sox's pink (or brown) noise when sox is there, else white noise."""
    if shutil.which("sox"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "n.wav"
            secs = n / PIPELINE_RATE + 0.1
            subprocess.run(
                ["sox", "-R", "-n", "-r", str(PIPELINE_RATE), "-c", "1", "-b", "16", str(out)]
                + ["synth", f"{secs:.3f}", f"{color}noise"],
                check=True,
                capture_output=True,
            )
            return _at_level(read_wav_at(out)[:n], level_db)
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 10 ** (level_db / 20)).astype(np.float32)


_ROOM_TALK = (
    (
        "en-gb+f2",
        "The weather today is mild with some clouds in the afternoon and a light breeze from "
        "the west. People walked along the river while the market opened its stalls.",
    ),
    (
        "en-us+m1",
        "Meanwhile the committee discussed the budget for next year and agreed to meet again "
        "on Friday morning to review the proposals from each department.",
    ),
    (
        "en-us+f4",
        "Could you pass me the salt please? I think the soup needs a little more. Yes, and the "
        "bread is still warm from the oven, try some.",
    ),
)


def room_talk(n: int, level_db: float = -36.0) -> np.ndarray:
    """Other people talking across the room: three espeak-ng voices at once, reverberant,
    never pausing together (a café, an open office), at level_db dBFS."""
    talk = np.zeros(n, dtype=np.float32)
    for k, (voice, text) in enumerate(_ROOM_TALK):
        said = np.concatenate([_espeak(text, voice), np.zeros(PIPELINE_RATE // 2, np.float32)])
        offset = k * 7000  # staggered, so their pauses do not line up
        talk += np.tile(said, (n + offset) // said.size + 1)[offset : offset + n]
    talk = _sox(talk / (np.abs(talk).max() + 1e-9) * 0.5, ["reverb", "60"])[:n]
    return _at_level(talk, level_db)


def music(n: int, level_db: float = -32.0, seed: int = 4) -> np.ndarray:
    """Music playing in the room: plucked notes of a major scale on every beat, a bass note every
    bar, at level_db dBFS. Tonal and never silent, it keeps the room's level up between words,
    where noise the VAD scores low does not."""
    rng = np.random.default_rng(seed)
    out = np.zeros(n + PIPELINE_RATE, dtype=np.float64)
    beat, t = PIPELINE_RATE // 4, np.arange(int(0.6 * PIPELINE_RATE)) / PIPELINE_RATE
    tb = np.arange(int(0.9 * PIPELINE_RATE)) / PIPELINE_RATE
    scale = (0, 2, 4, 5, 7, 9, 11, 12)
    for i in range(0, n, beat):
        for _ in range(rng.integers(1, 3)):
            f = 220 * 2 ** (rng.choice(scale) / 12) * rng.choice((1, 2))
            harmonics = sum(np.sin(2 * np.pi * f * k * t) / k**1.5 for k in range(1, 6))
            out[i : i + t.size] += harmonics * np.exp(-t * 6)
        if (i // beat) % 4 == 0:
            f = 55 * 2 ** (rng.choice(scale[:5]) / 12)
            out[i : i + tb.size] += 1.5 * np.sin(2 * np.pi * f * tb) * np.exp(-tb * 3)
    return _at_level(out[:n], level_db)


def _add_at(out: np.ndarray, start_s: float, burst: np.ndarray) -> None:
    """burst added into out from start_s on (cut at its end)."""
    i = int(start_s * PIPELINE_RATE)
    out[i : i + burst.size] += burst[: max(0, out.size - i)]


def coughs(n: int, at_s: tuple[float, ...], level_db: float = -20.0, seed: int = 3) -> np.ndarray:
    """Someone at the microphone coughing at these times: a burst of breath through a
    whispered vowel's formants, falling away over ~0.1 s; every second one with a rough voiced
    tail, every third followed by another. level_db is their first 0.1 s, in dBFS."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)

    def resonance(x: np.ndarray, hz: float, bandwidth: float) -> np.ndarray:
        r = np.exp(-np.pi * bandwidth / PIPELINE_RATE)
        theta = 2 * np.pi * hz / PIPELINE_RATE
        return lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], x)

    def one(voiced: bool) -> np.ndarray:
        t = np.arange(int(PIPELINE_RATE * rng.uniform(0.22, 0.38))) / PIPELINE_RATE
        breath = rng.standard_normal(t.size)
        if voiced:
            f0 = rng.uniform(110, 220)
            breath += 3 * np.sign(np.sin(2 * np.pi * f0 * t)) * (t > 0.05)
        formants = ((1.0, rng.uniform(550, 800), 150), (0.7, rng.uniform(1100, 1500), 200))
        formants += ((0.4, rng.uniform(2300, 2800), 300),)
        y = sum(g * resonance(breath, hz, bw) for g, hz, bw in formants)
        y = y * np.minimum(1, t / 0.008) * np.exp(-t / rng.uniform(0.06, 0.12))
        return y / np.sqrt(np.mean(y[: PIPELINE_RATE // 10] ** 2))

    out = np.zeros(n, dtype=np.float64)
    for k, start in enumerate(at_s):
        parts = [one(voiced=k % 2 == 1)]
        if k % 3 == 2:
            parts += [np.zeros(int(0.12 * PIPELINE_RATE)), one(voiced=True)]
        burst = np.concatenate(parts)
        _add_at(out, start, burst)
    return (out * 10 ** (level_db / 20)).astype(np.float32)


def typing(n: int, level_db: float = -30.0, seed: int = 6) -> np.ndarray:
    """Someone typing on a laptop keyboard next to its microphone: bursts of 1-4 s of keys
    (a sharp press click, a softer release ~90 ms later, 4-7 keys a second), 0.5-2.5 s apart.
    level_db is the RMS of a key's first 10 ms, in dBFS."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    click_band = butter(2, [1500, 6000], btype="band", fs=PIPELINE_RATE, output="sos")
    thump_band = butter(2, [80, 400], btype="band", fs=PIPELINE_RATE, output="sos")

    tk = np.arange(int(0.04 * PIPELINE_RATE)) / PIPELINE_RATE  # a key's 40 ms

    def click(gain: float) -> np.ndarray:
        hiss = rng.standard_normal(tk.size)
        y = sosfilt(click_band, hiss) * np.exp(-tk / rng.uniform(0.002, 0.005))
        y += 0.6 * sosfilt(thump_band, hiss) * np.exp(-tk / 0.008)
        return gain * y / np.sqrt(np.mean(y[: PIPELINE_RATE // 100] ** 2))

    out = np.zeros(n, dtype=np.float64)
    t = rng.uniform(0.2, 1.0)
    while t * PIPELINE_RATE < n:
        burst_end = t + rng.uniform(1.0, 4.0)
        while t < burst_end:
            _add_at(out, t, click(rng.uniform(0.6, 1.0)))
            _add_at(out, t + rng.uniform(0.07, 0.11), click(rng.uniform(0.2, 0.4)))
            t += rng.uniform(0.14, 0.25)
        t += rng.uniform(0.5, 2.5)
    return (out * 10 ** (level_db / 20)).astype(np.float32)


def breaths_out(
    n: int, at_s: tuple[float, ...], level_db: float = -28.0, seed: int = 5
) -> np.ndarray:
    """The candidate breathing out close to the microphone at these times: 0.4 s of air
    (noise through 300-2500 Hz) swelling and fading. level_db is its RMS, in dBFS."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(seed)
    band = butter(2, [300, 2500], btype="band", fs=PIPELINE_RATE, output="sos")
    out = np.zeros(n, dtype=np.float64)
    for start in at_s:
        air = sosfilt(band, rng.standard_normal(int(0.4 * PIPELINE_RATE)))
        air *= np.hanning(air.size) ** 0.7
        air *= 10 ** (level_db / 20) / np.sqrt(np.mean(air**2))
        _add_at(out, start, air)
    return out.astype(np.float32)


def reverberant(speech: np.ndarray, rt60_s: float, seed: int = 3) -> np.ndarray:
    """speech as a laptop's microphone hears it a metre away in a bare room: the direct sound
    plus as much again of echo (decaying noise, 60 dB down after rt60_s), at the same peak."""
    from scipy.signal import fftconvolve

    t = np.arange(int(1.2 * rt60_s * PIPELINE_RATE)) / PIPELINE_RATE
    tail = np.random.default_rng(seed).standard_normal(t.size) * np.exp(-6.9 * t / rt60_s)
    tail[: int(0.003 * PIPELINE_RATE)] = 0.0  # the first reflection comes a metre later
    tail /= np.sqrt(np.sum(tail**2))  # as loud as the direct sound (0 dB direct-to-reverberant)
    tail[0] += 1.0
    wet = fftconvolve(speech, tail)[: speech.size]
    return (wet * np.abs(speech).max() / (np.abs(wet).max() + 1e-9)).astype(np.float32)


def make_recording(
    path: str | Path,
    voice: str,
    answers: list[Answer],
    *,
    tail_s: float = 4.0,
    noise_db: float = -45.0,
    noise_color: str = "pink",
    room_talk_db: float | None = None,
    room_talk_from_s: float = 0.0,
    music_db: float | None = None,
    coughs_at_s: tuple[float, ...] = (),
    breath_out_db: float | None = None,
    reverb_s: float | None = None,
    typing_db: float | None = None,
    bank: VoiceBank | None = None,
) -> Recording:
    """room_talk_from_s: people start talking across the room then (a café filling up).
    coughs_at_s: the candidate coughs then (not speech: not in the regions). breath_out_db:
    they breathe out 0.3 s after each answer, this loud (not in the regions either).
    reverb_s: the candidate speaks in a bare room whose echo takes this long to die away
    (RT60); the regions stay those of the dry speech. typing_db: someone types on the laptop
    all along (notes, a chat window), this loud; not speech either."""
    bank = bank or VoiceBank()
    pieces: list[tuple[int, np.ndarray]] = []
    regions: list[tuple[float, float]] = []
    for answer in answers:
        pos = int(answer.start_s * PIPELINE_RATE)
        start = pos
        for i, sentence in enumerate(answer.sentences):
            audio = _trim(bank.speak(voice, sentence))
            pieces.append((pos, audio))
            pos += audio.size
            if i < len(answer.sentences) - 1:
                pause = answer.pauses_s[i] if i < len(answer.pauses_s) else 0.4
                pos += int(pause * PIPELINE_RATE)
        regions.append((start / PIPELINE_RATE, pos / PIPELINE_RATE))
    total = max((p + a.size for p, a in pieces), default=0) + int(tail_s * PIPELINE_RATE)
    mix = noise(total, noise_db, color=noise_color)
    if room_talk_db is not None:
        start = int(room_talk_from_s * PIPELINE_RATE)
        fade_in = np.clip(np.arange(total - start) / (0.3 * PIPELINE_RATE), 0.0, 1.0)
        mix[start:] += room_talk(total, room_talk_db)[start:] * fade_in.astype(np.float32)
    if music_db is not None:
        mix += music(total, music_db)
    if coughs_at_s:
        mix += coughs(total, coughs_at_s)
    if typing_db is not None:
        mix += typing(total, typing_db)
    if breath_out_db is not None:
        mix += breaths_out(total, tuple(end + 0.3 for _, end in regions), breath_out_db)
    speech = np.zeros(total, dtype=np.float32)
    for p, a in pieces:
        speech[p : p + a.size] += a
    if reverb_s is not None:
        speech = reverberant(speech, reverb_s)
    write_wav(path, mix + speech, PIPELINE_RATE)
    return Recording(Path(path), voice, answers, regions)
