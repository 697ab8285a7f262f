"""Whole-window text checked against the stretch-by-stretch words: nothing said is left out.

On a long window, Whisper now and then ends its text early: the last sentence of an 18 s
answer was missing from the stored transcript, although the stretch it was said in had its own
(fast) words. When the whole text ends with the words of an earlier stretch, the later
stretches are heard again and added after it. It can also start late: the window after a kept
part of a long answer, begun mid-sentence, lost its first 12 s ("region, device, noise level,
and language identification. The aggregate word error rate..."). Those stretches are heard
again and put before it.
"""

from __future__ import annotations

from difflib import Match, SequenceMatcher

from .topics import cue_words
from .words import normalise

# A stretch this short ("you", "Step two,") can be missing for good reason: Whisper joins or
# drops a hallucinated word; the whole text is trusted for it.
MIN_DROPPED_WORDS = 4
# The whole text may end a word past its last word in common with the fast words (the two hear
# the stretch's last word differently), or start a word before its first ("That's region," for
# "region."). Two or more, and it may have heard the next stretch in other words ("post-launch
# metrics" for fast words "most unch matrix, both on-ch matrix").
_EDGE_SLACK = 1


def restore_dropped(whole: str, parts: list[str]) -> str:
    """The whole text, with the last stretches' fast words added if it ended before them."""
    first = first_dropped(whole, parts)
    if first is None:
        return whole
    return f"{whole.strip()} {fast_words(parts[first:])}"


def fast_words(parts: list[str]) -> str:
    """The stretches' fast words as one text, in the order said (a stretch merged into the one
    before it has none)."""
    return " ".join(p.strip() for p in parts if p.strip())


def first_dropped(whole: str, parts: list[str]) -> int | None:
    """Which stretch the whole text's dropped tail starts at, if it ended before the last ones.

    parts are the stretches' fast words in the order said; together they cover the whole
    text's audio. Dropped: the stretches after the last one with a word in the whole text (in
    order), at least MIN_DROPPED_WORDS words, while the whole text itself ends where that one
    does. A stretch in the middle with no word in common is not taken for dropped: there the
    fast words were more often the ones astray (a phrase Whisper invents for a short unclear
    stretch: "I'm not going to do it.").
    """
    tokens = whole.split()
    blocks, owner = _in_common(tokens, parts)
    if not blocks:
        return None  # nothing in common: the two heard different things, not fewer
    last = blocks[-1]
    heard_upto = owner[last.b + last.size - 1]  # the last stretch the whole text has words of
    unmatched_tail = len(tokens) - (last.a + last.size)
    dropped = fast_words(parts[heard_upto + 1 :])
    if unmatched_tail > _EDGE_SLACK or len(dropped.split()) < MIN_DROPPED_WORDS:
        return None
    return heard_upto + 1


def first_heard(whole: str, parts: list[str]) -> int | None:
    """Which stretch the whole text starts at, if it left out the first ones (None if not):
    the whole text begins with the words of a later stretch, and those before it have at least
    MIN_DROPPED_WORDS fast words."""
    blocks, owner = _in_common(whole.split(), parts)
    if not blocks:
        return None
    first = blocks[0]
    heard_from = owner[first.b]  # the first stretch the whole text has words of
    if first.a > _EDGE_SLACK or heard_from == 0:
        return None
    if len(fast_words(parts[:heard_from]).split()) < MIN_DROPPED_WORDS:
        return None
    return heard_from


def _in_common(tokens: list[str], parts: list[str]) -> tuple[list[Match], list[int]]:
    """The runs of words the whole text (tokens) and the fast words share, in order, and which
    stretch each fast word belongs to."""
    keys = [normalise(t) for t in tokens]
    part_keys: list[str] = []
    owner: list[int] = []
    for i, part in enumerate(parts):
        for token in part.split():
            if k := normalise(token):
                part_keys.append(k)
                owner.append(i)
    matcher = SequenceMatcher(None, keys, part_keys, autojunk=False)
    return [b for b in matcher.get_matching_blocks() if b.size], owner


def dropped_words(heard: str, dropped: str) -> str:
    """The words to add for a dropped tail (or head): heard (its audio decoded again at the
    full beam), or its fast words where that gave nothing. Where the two share no word that
    carries meaning, both are guesses at noise (room talk after the answer: "So, I'm going to,
    I'm going to say." and "That's all for me. Bye.", or "This is all a way. For you," and
    "That's all that we need for your mind."), and the whole text was right to end where it
    did."""
    if not heard.strip():
        return dropped.strip()
    if not cue_words(heard) & cue_words(dropped):
        return ""
    return heard.strip()
