"""Keyboard clicks in an answer: the candidate typing as they speak.

tiny.en hears consonants in a key's click. With each key as loud as the voice (a laptop's own
keyboard, beside its microphone), typing lost 6 more words in 100 on 7 recordings (WER 0.108 to
0.169). Taking the clicks out (below) helped some answers and hurt others as much, so the
candidate is told instead.

A click is over within ~10 ms; a speech sound lasts longer. So a grey-scale opening along time
(a minimum, then a maximum, over 20 ms in each frequency band) keeps a voice, and a frame far
over its opening is a click. A voice's own plosive after a silent closure stands over it too:
typing is several clicks, at a typing rate.
"""

from __future__ import annotations

import numpy as np

from .audio import PIPELINE_RATE

_NPERSEG = 256  # 16 ms: a click spans a frame or two
_HOP = 64  # 4 ms
_OPENING_FRAMES = 5  # 20 ms: longer than a click, shorter than a vowel
_CLICK_OVER_DB = 15.0  # a frame this far over its opening is a click
# In a digitally clean recording the closure before a plosive is far below the voice, and the
# burst stands far over the opening: frames are measured against this much under the window's
# loud frames at least.
_FLOOR_UNDER_LOUD_DB = 35.0
# Answers without keys gave at most 2 clicks (126 answers of 32 recordings, rooms from cafés to
# digitally clean: none taken for typing); keys at -30 dBFS, up to 29 (115 of 126 taken).
_MIN_CLICKS = 3
_MIN_CLICKS_PER_S = 0.25


def key_clicks(audio: np.ndarray) -> int:
    """How many clicks (sudden, broadband, over within 20 ms) audio holds."""
    from scipy.ndimage import maximum_filter1d, minimum_filter1d
    from scipy.signal import stft

    if audio.size < _NPERSEG:
        return 0
    _, _, spec = stft(audio, nperseg=_NPERSEG, noverlap=_NPERSEG - _HOP, boundary="even")
    mag = np.abs(spec)
    opened = maximum_filter1d(
        minimum_filter1d(mag, _OPENING_FRAMES, axis=1), _OPENING_FRAMES, axis=1
    )
    energy = (mag**2).sum(axis=0) + 1e-20
    floor = np.percentile(energy, 90) * 10 ** (-_FLOOR_UNDER_LOUD_DB / 10)
    over_db = 10 * np.log10(energy / np.maximum((opened**2).sum(axis=0), floor))
    click = over_db > _CLICK_OVER_DB
    return int(np.sum(click[1:] & ~click[:-1]))


def sounds_like_typing(audio: np.ndarray) -> bool:
    """audio (an answer) has clicks at a typing rate in it."""
    seconds = audio.size / PIPELINE_RATE
    return key_clicks(audio) >= max(_MIN_CLICKS, _MIN_CLICKS_PER_S * seconds)
