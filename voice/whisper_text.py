"""What tiny.en's decoder gives back, made into the words said.

A short window loops once its audio runs out ("compare the slices, compare the slices, ..."),
or says its one sentence twice; a long answer's windows each end on a full stop of their own.
Pure text, so each rule is tested on the strings Whisper was seen to return.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from .words import SENTENCE_END, normalise

# faster-whisper's compression_ratio_threshold: past it, a window's text is a loop.
_LOOP_COMPRESSION = 2.4


# A full stop Whisper put where its window ended: after a word, not an initialism ("e.g.").
_WINDOW_STOP = re.compile(r"(?<![.\w])(\w{2,})\.$")


def join_windows(*texts: str) -> str:
    """Texts of consecutive windows of one turn, as one.

    A window that ends inside a sentence (a long answer's part committed at a pause) ends it
    with a full stop: "...the blast radius." + "and rollback status". The next window starting
    in lower case says the sentence went on, so the stop becomes a comma.
    """
    joined = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if joined and text[0].islower():
            joined = _WINDOW_STOP.sub(r"\1,", joined)
        joined = f"{joined} {text}".strip()
    return joined


def compresses_like_a_loop(text: str) -> bool:
    """A whole window's text past faster-whisper's compression_ratio_threshold."""
    return _compression(text) > _LOOP_COMPRESSION


def _compression(text: str) -> float:
    """How well the text compresses (as faster-whisper measures it): a loop compresses well."""
    raw = text.encode("utf-8")
    return len(raw) / max(1, len(zlib.compress(raw)))


def _looks_hallucinated(text: str, seconds: float) -> bool:
    """Whisper on a short window sometimes loops ("then compare, then compare, ...")."""
    if len(text.encode("utf-8")) > 24 and _compression(text) > 2.2:
        return True
    return _more_than_said(text, seconds)


def _more_than_said(text: str, seconds: float) -> bool:
    """More words than anyone says in this long (5 a second, and a few), or more characters
    (25 a second, and a few: a loop of digits, "1,2,3,2, 3,4,1,3,...", is few words)."""
    return len(text.split()) > 4 + 5 * seconds or len(text) > 30 + 25 * seconds


def loops(text: str, seconds: float) -> bool:
    """A whole window's text that is a loop: three copies or more at its end, or more words
    than could be said. (Not the compression test of a short window: a long answer's own
    words compress well.)"""
    cut = len(text.split()) - len(drop_repeats(text).split())
    return cut >= 3 or _more_than_said(text, seconds)


def short_window_text(decode: Callable[[int], str], seconds: float) -> str | None:
    """A short stretch's words from decode(no_repeat_ngram_size), or None where they stay a
    loop or a runaway: cut before a sentence said again with words changed, then decoded once
    more with no three words repeated. Over white noise at 10 dB SNR a 2.8 s stretch came back
    as its sentence twice; the full window it then fell back to took 1.3 s on two busy cores,
    and the turn waited for it past the 2 s silence."""
    for no_repeat in (0, 3):
        text = decode(no_repeat)
        for heard in (text, _before_a_near_copy(text)):
            if heard and not _looks_hallucinated(heard, seconds):
                return heard
    return None


def _before_a_near_copy(text: str) -> str:
    """The text up to where a sentence is said again with a word or two changed ("And roll a
    bank on the lake, and see your error, love. And roll a little bank on the lake, and see
    your error, love him."): the short window's other loop, which no rule against repeating
    three words stops. "" where no sentence comes back."""
    sentences = SENTENCE_END.split(text.strip())
    earlier: set[str] = set()
    for k in range(1, len(sentences)):
        earlier.update(re.findall(r"[a-z']+", sentences[k - 1].lower()))
        again = re.findall(r"[a-z']+", sentences[k].lower())
        if len(again) >= 4 and sum(w in earlier for w in again) >= 0.6 * len(again):
            return " ".join(sentences[:k])
    return ""


def drop_repeats(text: str) -> str:
    """Cut a loop ("compare the slices, compare the slices, compare the...") to one copy.

    The short window's failure mode: once the audio runs out, Whisper repeats itself until the
    length cap. A run of copies that reaches the end of the text is cut after the first copy,
    and the copy ends as a sentence (the speech ended there). The last copy may be cut short,
    or be only a piece of the cycle: "...before going wider. Before going wider." (a sentence
    said three times, then its last words: the fall-back to the full window cost 1.1 s).
    """
    words = text.split()
    keys = [normalise(w) for w in words]
    n = len(words)
    for i in range(n):
        for p in range(1, (n - i - 1) // 2 + 1):
            cycle = keys[i : i + p]
            if cycle != keys[i + p : i + 2 * p]:
                continue
            copies = 2
            while keys[i + copies * p : i + (copies + 1) * p] == cycle:
                copies += 1
            if _piece_of(keys[i + copies * p :], cycle):
                kept = " ".join(words[: i + p]).rstrip(",;:- ")
                return kept if kept.endswith((".", "!", "?")) else kept + "."
    return text


def _piece_of(tail: list[str], cycle: list[str]) -> bool:
    """The words are a run of the cycle's, from any point in it (or none at all); the last may
    be cut short, as the length cap cuts a word's tokens ("...the old m")."""
    p, n = len(cycle), len(tail)

    def same(k: int, start: int) -> bool:
        word = cycle[(start + k) % p]
        return word.startswith(tail[k]) if k == n - 1 else word == tail[k]

    return n <= p and any(all(same(k, start) for k in range(n)) for start in range(p))


def one_copy(text: str) -> str:
    """ "You have to say it again. You have to say it again.": a short window that said its one
    sentence twice as the audio ran out (not a loop to drop_repeats, which keeps two copies of
    anything, "no no"), said once."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    if len(sentences) > 1 and len({normalise(x) for x in sentences}) == 1:
        return sentences[0]
    return text
