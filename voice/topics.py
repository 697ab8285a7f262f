"""Which of the exam's questions an answer is about, from the words heard so far.

Candidates answer ahead: asked about the warm-up's constraints, they go on to the architecture
and its cost. The recognizer's hint (asr.exam_hint) holds the question's points and the next
one's; an answer two questions ahead, or one whose words fill the hint's room, is heard
without its terms. The fast words (beam 1, no hint) already say what the answer is about.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

Points = Sequence[Sequence[str]]

# Words too common to tell one question from another (4+ letters; shorter ones are ignored).
_COMMON = (
    "that this with from have will would then than they them their there what when where "
    "which while about into only over under after before each most more other some such very "
    "just also does should could first being been"
)
_STOP = frozenset(_COMMON.split())
_WORD = re.compile(r"[a-z0-9]+")
# How much more a question's cue words must weigh than the current one's to lead the hint (in
# idf units: one word found in a single question of eight is ~2.1). At 3, 1 of 128 answers
# under their own question was moved (10 at 2, WER alike) and none of 64 weak ones (8 at 2),
# while 90 of 104 answers one question ahead and 77 of 80 two ahead went to their own.
MARGIN = 3.0


def cue_words(text: str) -> set[str]:
    """The words that can tell questions apart: 4+ letters, not a common function word."""
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in _STOP}


def _vocabulary(points: Iterable[Iterable[str]]) -> set[str]:
    return cue_words(" ".join(phrase for point in points for phrase in point))


class TopicRouter:
    """Scores each question by the idf-weighted cue words an answer shares with its points.

    A question's cue word that few others use says more: in the bundled bank "vocoder" is in
    one question's points, "rollback" in half of them.
    """

    def __init__(self, topics: Sequence[Points], margin: float = MARGIN) -> None:
        self._topics = [[list(point) for point in points] for points in topics]
        self._vocab = [_vocabulary(points) for points in self._topics]
        counts = Counter(word for vocab in self._vocab for word in vocab)
        n = len(self._vocab)
        self._idf = {word: math.log(n / c) for word, c in counts.items()}
        self._margin = margin

    def _score(self, heard: set[str], vocab: set[str]) -> float:
        return sum(self._idf.get(word, 0.0) for word in heard & vocab)

    def lead(self, heard: str, current: Points) -> list[list[str]] | None:
        """The points of the question the answer is about, where that is clearly not the
        current one's (by the margin); None to keep the current question's hint."""
        if not self._topics:
            return None
        said = cue_words(heard)
        if not said:
            return None
        own = self._score(said, _vocabulary(current))
        scores = [self._score(said, vocab) for vocab in self._vocab]
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] > own + self._margin:
            return self._topics[best]
        return None
