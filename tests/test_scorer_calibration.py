"""Calibration as a candidate meets it: the rubric's own strong answer is strong, a list of the
rubric's words is not, and the advice reads as plain English."""

from __future__ import annotations

import re

import pytest

from rubric import score_answer
from rubric.feedback import imperative


def _score(bank, index_dir, prompt_id: str, answer: str):
    return score_answer(bank.prompt(prompt_id), answer, bank=bank, index_dir=index_dir)


def test_the_seeds_own_strong_answer_scores_strong(bank, index_dir):
    for prompt in bank.prompts:
        card = _score(bank, index_dir, prompt.id, prompt.strong_answer)
        assert card.verdict == "strong", (prompt.id, card.score, card.feedback)
        assert not card.red_flags, (prompt.id, card.red_flags)


def _seed_terms(prompt) -> list[str]:
    """The strong answer's list items with their verbs and clauses gone: rubric vocabulary."""
    spoken = prompt.strong_answer.split("\n\n")[0]
    items = [p.strip(" .") for p in re.split(r",|;|\.\s|\band\b", spoken)]
    # Drop each item's leading verb ("Consider VAD tuning" -> "VAD tuning").
    return [" ".join(it.split()[1:]) if len(it.split()) > 2 else it for it in items if it]


@pytest.mark.parametrize(
    "shape",
    [
        "{terms}.",
        "Consider {terms}.",
        "I would look at {terms}.",
        "Key points: {terms}.",
    ],
)
def test_a_list_of_the_rubrics_words_is_not_an_answer(bank, index_dir, shape):
    for prompt in [p for p in bank.prompts if p.kind == "spoken"]:
        stuffed = shape.format(terms=", ".join(_seed_terms(prompt)))
        card = _score(bank, index_dir, prompt.id, stuffed)
        assert card.verdict in ("weak", "failing"), (prompt.id, card.score, stuffed)


def test_an_off_topic_sentence_does_not_turn_a_term_list_into_an_argument(bank, index_dir):
    prompt = bank.prompt("r2.accent_regression")
    stuffed = "I like this question. Consider " + ", ".join(_seed_terms(prompt)) + "."
    card = _score(bank, index_dir, prompt.id, stuffed)
    assert card.verdict in ("weak", "failing"), card.score


# The base form of each verb that opens a criterion statement in the bank.
BASE_VERBS = {
    "clarifies": "clarify",
    "asks": "ask",
    "sets": "set",
    "establishes": "establish",
    "fixes": "fix",
    "defines": "define",
    "lets": "let",
    "lays": "lay",
    "justifies": "justify",
    "puts": "put",
    "separates": "separate",
    "versions": "version",
    "gates": "gate",
    "measures": "measure",
    "rolls": "roll",
    "cuts": "cut",
    "lowers": "lower",
    "uses": "use",
    "tries": "try",
    "streams": "stream",
    "admits": "admit",
    "keeps": "keep",
    "freezes": "freeze",
    "routes": "route",
    "debugs": "debug",
    "compares": "compare",
    "checks": "check",
    "communicates": "communicate",
    "prevents": "prevent",
    "adds": "add",
    "splits": "split",
    "mitigates": "mitigate",
    "sends": "send",
    "states": "state",
    "tests": "test",
    "reports": "report",
    "orders": "order",
    "works": "work",
    "handles": "handle",
    "accepts": "accept",
    "matches": "match",
    "warms": "warm",
    "avoids": "avoid",
    "blends": "blend",
}


def test_feedback_for_every_criterion_reads_as_advice(bank):
    for prompt in bank.prompts:
        for crit in prompt.criteria:
            advice = imperative(crit.statement)
            first = crit.statement.split()[0].lower()
            assert first in BASE_VERBS, f"new statement verb {first!r}: add its base form"
            assert advice.split()[0] == BASE_VERBS[first], (crit.statement, advice)
            # A verb coordinated with the first one is advice too ("... and keep warm pools").
            for word in re.findall(r"\b(?:and|or|never) (\w+)", advice):
                assert word.lower() not in BASE_VERBS, (crit.statement, advice)
            # No verb cut short ("freez promotion").
            for inflected, base in BASE_VERBS.items():
                stub = inflected[: len(base) - 1] if inflected.endswith("es") else None
                if stub and stub != base:
                    assert not re.search(rf"\b{stub}\b", advice), (crit.statement, advice)


def test_feedback_on_a_missed_freeze_says_freeze(bank, index_dir):
    card = _score(
        bank, index_dir, "r2.accent_regression", "I would look into it and fix the problem."
    )
    assert "freeze promotion" in card.feedback
    assert "freez " not in card.feedback
