"""Red flags said in many voices, and near misses that must stay clean.

Each sentence is scored alone as the whole answer to a prompt where the flag matters, with the
real embedder and a real Chroma index, and the test reads the scorecard's red flags as a
candidate would. The sentences are written for this file (not taken from any labelled set), in
several registers: terse, rambling, non-native English, spoken without punctuation.
"""

from __future__ import annotations

import pytest

from rubric import score_answer

ACCENT = "r2.accent_regression"
TTS = "r2.tts_first_byte"
COST = "r1.cost_latency"
ARCH = "r1.architecture"
WARM = "warmup.constraints"
WINDOW = "r3.sliding_window"
TOPK = "r3.top_k_regressed"
ROLLBACK = "r3.rollback_target"

# (prompt, flag, sentence): the flag must be raised.
SAYS = [
    # aggregate_only_metrics
    (
        ACCENT,
        "aggregate_only_metrics",
        "WER went down five points overall, so the new model stays.",
    ),
    (ACCENT, "aggregate_only_metrics", "the global word error rate is lower so we are good to go"),
    (TTS, "aggregate_only_metrics", "Mean opinion score didn't change, so the release is okay."),
    (
        TTS,
        "aggregate_only_metrics",
        "Raters scored the new voice the same as the old one, so it's fine.",
    ),
    (
        COST,
        "aggregate_only_metrics",
        "On average the replies take 900 ms, so we are within the SLO.",
    ),
    (ARCH, "aggregate_only_metrics", "We promote a build whenever the headline accuracy improves."),
    (
        TOPK,
        "aggregate_only_metrics",
        "I'd just compare the mean of both maps and report nothing if it improved. I test empty maps.",
    ),
    # no_rollback
    (
        ACCENT,
        "no_rollback",
        "Rolling back is a waste of time, the next training run will sort it out.",
    ),
    (TTS, "no_rollback", "we wont revert the voice, we patch the vocoder and move on"),
    (ARCH, "no_rollback", "If a release misbehaves we roll forward with a hotfix."),
    (ACCENT, "no_rollback", "Honestly we wouldn't roll anything back, the new model stays up."),
    (COST, "no_rollback", "There's no point going back to the old model, we just fix what breaks."),
    (ACCENT, "no_rollback", "I would keep the new model live and let users adapt to it."),
    (
        ROLLBACK,
        "no_rollback",
        "Return the newest healthy match, I test the no-match case; in real life I'd never go back a version, just ship a fix forward.",
    ),
    # mixed_batch_interactive_without_deadlines
    (
        COST,
        "mixed_batch_interactive_without_deadlines",
        "Let the nightly eval run on the serving GPUs, they're idle half the time anyway.",
    ),
    (
        COST,
        "mixed_batch_interactive_without_deadlines",
        "A single shared pool for all the traffic, interactive or bulk, keeps costs down.",
    ),
    (
        ARCH,
        "mixed_batch_interactive_without_deadlines",
        "Offline scoring goes through the production cluster like any other request.",
    ),
    (
        COST,
        "mixed_batch_interactive_without_deadlines",
        "mix the backfill into the live batches so the cards stay busy",
    ),
    # no_slice_analysis
    (ACCENT, "no_slice_analysis", "Those two regions are outliers, I wouldn't chase them."),
    (ACCENT, "no_slice_analysis", "It will even out as more traffic comes in."),
    (
        TTS,
        "no_slice_analysis",
        "Probably just a couple of users on bad phones, nothing to dig into.",
    ),
    (
        ACCENT,
        "no_slice_analysis",
        "Not worth breaking it down by accent, the total is what counts.",
    ),
    # requests_private_raw_data
    (
        ACCENT,
        "requests_private_raw_data",
        "Can someone export the affected callers' audio to my laptop?",
    ),
    (
        ACCENT,
        "requests_private_raw_data",
        "I'd ask the support lead for a few hundred of the bad calls and play them back.",
    ),
    (
        WARM,
        "requests_private_raw_data",
        "Step one, fetch last month's support recordings so I can hear real users.",
    ),
    (
        TTS,
        "requests_private_raw_data",
        "we should download the users transcripts and go through them line by line",
    ),
    # untested_code
    (WINDOW, "untested_code", "Deque plus a failure counter. Tests are overkill for ten lines."),
    (WINDOW, "untested_code", "I did not write any test because the logic is straightforward."),
    (TOPK, "untested_code", "sort the deltas and slice k, no testing required honestly"),
    (
        ROLLBACK,
        "untested_code",
        "Loop and return the first healthy one. I'm confident it works without tests.",
    ),
    (WINDOW, "untested_code", "It is untested but the two pointer idea is standard."),
]

# (prompt, flag, sentence): the flag must NOT be raised.
CLEAN = [
    (
        ACCENT,
        "no_rollback",
        "I'd roll the two regions back to the previous model within the hour and keep it there.",
    ),
    (
        ACCENT,
        "aggregate_only_metrics",
        "The aggregate WER went down, but that number hides the two regions, so I'd look per slice.",
    ),
    (
        ACCENT,
        "aggregate_only_metrics",
        "Never judge this model by overall WER alone; gate it on every accent.",
    ),
    (
        TTS,
        "aggregate_only_metrics",
        "MOS is flat, yet first byte tripled, so MOS alone tells us nothing about latency.",
    ),
    (
        COST,
        "aggregate_only_metrics",
        "I'd watch p95 rather than the mean latency, because the SLO is on the tail.",
    ),
    (
        ACCENT,
        "no_rollback",
        "Move the two regions back to the previous model now, and keep that rollback target pinned.",
    ),
    (
        ACCENT,
        "no_rollback",
        "We don't roll back everyone, only the affected regions go back to the old model.",
    ),
    (TTS, "no_rollback", "Revert the voice first; a patch can come after we understand it."),
    (ARCH, "no_rollback", "Never ship without a rehearsed rollback to the last good bundle."),
    (
        COST,
        "mixed_batch_interactive_without_deadlines",
        "Batch jobs get their own queue with deadlines so they never delay a live turn.",
    ),
    (
        ARCH,
        "mixed_batch_interactive_without_deadlines",
        "Keep offline evaluation off the serving GPUs; it gets dedicated capacity.",
    ),
    (
        COST,
        "mixed_batch_interactive_without_deadlines",
        "Continuous batching on the interactive pool, with a deadline on every request.",
    ),
    (
        ACCENT,
        "no_slice_analysis",
        "This won't average out; I'd split correction rate by region, device and noise.",
    ),
    (ACCENT, "no_slice_analysis", "Those accents are exactly the slice to break down first."),
    (
        ACCENT,
        "requests_private_raw_data",
        "I'd never pull customer recordings; counts per region and device are enough.",
    ),
    (
        ACCENT,
        "requests_private_raw_data",
        "Rather than reading transcripts, use consented eval audio for those accents.",
    ),
    (
        ACCENT,
        "requests_private_raw_data",
        "Send the traffic from those regions back to the old model.",
    ),
    (
        ARCH,
        "requests_private_raw_data",
        "Audio streams from the client to the recognizer, then to retrieval.",
    ),
    (
        WARM,
        "requests_private_raw_data",
        "What may we store from calls, and can transcripts leave the region?",
    ),
    (
        WINDOW,
        "untested_code",
        "I'd test empty input, all ok, all failing, equal timestamps and the exact boundary.",
    ),
    (
        WINDOW,
        "untested_code",
        "I never skip the boundary tests on window code; that is where it breaks.",
    ),
    (
        ROLLBACK,
        "untested_code",
        "Tests: no match, a blocked release for this tenant, a family mismatch, a global release.",
    ),
]


def _flags(bank, index_dir, prompt_id: str, answer: str) -> dict[str, str]:
    card = score_answer(bank.prompt(prompt_id), answer, bank=bank, index_dir=index_dir)
    return {f.id: f.evidence for f in card.red_flags}


@pytest.mark.parametrize(("prompt_id", "flag", "sentence"), SAYS)
def test_a_red_flag_in_other_words_is_caught(bank, index_dir, prompt_id, flag, sentence):
    flags = _flags(bank, index_dir, prompt_id, sentence)
    assert flag in flags, (sentence, flags)
    assert flags[flag] == "(no tests are mentioned)" or flags[flag] in sentence


@pytest.mark.parametrize(("prompt_id", "flag", "sentence"), CLEAN)
def test_a_near_miss_is_not_flagged(bank, index_dir, prompt_id, flag, sentence):
    flags = _flags(bank, index_dir, prompt_id, sentence)
    assert flag not in flags, (sentence, flags[flag])


def test_a_flag_said_in_a_transcript_without_punctuation_quotes_the_clause(bank, index_dir):
    answer = (
        "so the first thing is i would freeze the rollout and check the regions by device and "
        "noise and honestly if the overall error rate is lower we ship it anyway and then i "
        "would look at the canary alerts and tell support what is going on with the release"
    )
    flags = _flags(bank, index_dir, ACCENT, answer)
    assert "aggregate_only_metrics" in flags
    evidence = flags["aggregate_only_metrics"]
    assert evidence in answer and len(evidence) < len(answer)


def test_a_patch_pushed_forward_is_fine_beside_a_rollback(bank, index_dir):
    fine = "Roll the voice back to the previous release first, then push a patch for the vocoder."
    assert "no_rollback" not in _flags(bank, index_dir, TTS, fine)
    alone = "Just push a patch for the vocoder to everyone this afternoon."
    assert "no_rollback" in _flags(bank, index_dir, TTS, alone)


def test_no_tests_said_in_a_spoken_answer_is_not_a_coding_flag(bank, index_dir):
    flags = _flags(
        bank, index_dir, ARCH, "We don't need tests for the dashboards, they are read-only."
    )
    assert "untested_code" not in flags


@pytest.mark.parametrize(
    ("prompt_id", "answer"),
    [
        (
            ACCENT,
            "I'd pause the rollout of the new recognizer straight away. Consider slice rollback, "
            "privacy-safe metrics, device breakdown, eval coverage, blast radius, slice gates, "
            "canary alerts.",
        ),
        (
            TTS,
            "First I would put the previous voice back for everyone. Consider stage timing, cold "
            "starts, voice version, cache hits, short first chunks, long reads, first-byte gates.",
        ),
    ],
)
def test_one_claim_does_not_vouch_for_a_list_of_every_rubric_term(
    bank, index_dir, prompt_id, answer
):
    card = score_answer(bank.prompt(prompt_id), answer, bank=bank, index_dir=index_dir)
    assert card.verdict in ("weak", "failing"), (card.score, card.criteria)
