"""Answers transcribed from speech (or typed as one run-on line) score like punctuated ones.

Real ONNX embedder and a real Chroma index on disk. The strong answers here are written for
this file; each is scored as written and again lower-cased with every punctuation mark removed,
as faster-whisper output often arrives.
"""

from __future__ import annotations

import re

import pytest
from scorer_support import FIXTURES

from rubric import score_answer
from rubric.evaluate import evaluate
from rubric.text import is_spoken_run, split_units, spoken_clauses

RANK = {"failing": 0, "weak": 1, "adequate": 2, "strong": 3}

STRONG = {
    "warmup.constraints": "First, I'd find out what the product is for and what job the callers want done. Then I'd ask about load: calls per day, the busiest hour, how many run at the same time. I'd agree a latency budget for a full turn and divide it between recognition, the model and synthesis. I'd settle the privacy limits: what audio and text we keep, who sees it, and whether it may leave the region. If a component fails, do we fall back to a human agent or to text? We need a measurable quality bar, say word error rate or task completion. I'd ask what we can spend on GPUs per call, and how often new models will ship. After launch, I'd track resolution rate and user feedback to know it works. Only then would I draw the diagram, because the boxes follow from those answers.",
    "r1.cost_latency": "Before changing any model, I'd measure where latency and GPU spend go, per stage and per tenant. Then I'd take the cheap wins up front: tune endpointing in the VAD, act on partial transcripts, and start retrieval early. For model cost I'd try a smaller reranker, a shorter prompt, safe KV-cache reuse and int8 weights. I'd use continuous batching, but every request carries a deadline so the p95 holds. Offline evaluation jobs get their own queue with admission control, so they never delay live calls. I'd only keep speculative decoding if answer quality holds. I'd stream the first synthesized sentence and keep warm replicas, with a cheaper fallback model for overload. Each saving ships behind quality and safety gates with a rollback.",
    "r2.accent_regression": "First, I'd stop the new model from being promoted any further. Then I'd send traffic from the two affected regions back to the previous model, a targeted rollback. I'd debug with privacy-safe aggregate metrics rather than pulling customer recordings. I'd compare the slices by model version, region, client, device, VAD, language ID, noise and biasing. I'd check whether our evaluation set covered those accents, or whether serving config differs from offline. I'd tell support and product what the blast radius is and where the rollback stands. To prevent a repeat, I'd add slice gates, consented test fixtures for those accents, and a labeling guide update. I'd also alert on correction rate during canaries, not only on WER.",
    "r2.tts_first_byte": "I'd roll the voice release back first to protect callers. Then I'd break first-byte time into stages: queueing, text normalization, segmentation, the acoustic model, the vocoder, chunk assembly, network and playback. I'd compare cold and warm paths, since a new voice may load slowly. I'd compare requests by voice version, sentence length, language and punctuation. I'd check the cache hit rate and whether the GPUs are saturated. The fix is likely shorter first segments and warm voice pools, with long reads sent to a cheaper path. Going forward, releases are gated on first audio byte and chunk cadence, not only MOS.",
    "r1.architecture": "On the live path I'd run a streaming cascade: VAD, streaming ASR, retrieval, an LLM policy, a tool router and streaming TTS. I'd pick a cascade over a speech-to-speech model because it is easier to debug and swap parts. The policy engine decides actions, and the tool router escalates risky ones to a human. Evaluation jobs run on their own GPU pool, apart from serving capacity. Every release pins the ASR build, index snapshot, prompt, tool schemas, LLM, voice and client config. Launch gates check slice WER, grounding, task success and unsafe action rate. We also gate on first audio byte, turn latency and barge-in recovery, and track escalation precision and cost per resolved ticket. Rollout goes canary first, then wider, with a rehearsed rollback whose time we measure.",
}

# The rubric's vocabulary said aloud, with and without connectives: no clause makes a claim.
DUMPS = {
    **{
        "warmup.constraints": "users task traffic peaks concurrency latency budget per stage privacy retention failover fallback wer target task success gpu cost ceiling retraining cadence launch metrics feedback constraints first",
        "r2.tts_first_byte": "stage breakdown queue normalization segmentation vocoder cold warm paths voice version sentence length cache hit rate gpu saturation voice rollback shorter segments warm pools long reads first byte gates chunk cadence",
    },
    "r1.cost_latency": (
        "so um per stage latency and then per tenant cost uh vad tuning partial asr streaming "
        "retrieval and also smaller reranker prompt trimming kv cache int8 quantization then "
        "continuous batching deadlines admission control warm pools fallback tier quality gates"
    ),
}


def spoken(text: str) -> str:
    """What a transcript of the answer read aloud looks like: no punctuation, lower case."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s'-]", " ", text)).lower().strip()


@pytest.mark.parametrize("prompt_id", sorted(STRONG))
def test_strong_answer_keeps_its_score_without_punctuation(bank, index_dir, prompt_id):
    prompt = bank.prompt(prompt_id)
    written = score_answer(prompt, STRONG[prompt_id], bank=bank, index_dir=index_dir)
    said = score_answer(prompt, spoken(STRONG[prompt_id]), bank=bank, index_dir=index_dir)
    assert written.verdict == "strong", written
    assert abs(written.score - said.score) <= 15, (written.score, said.score)
    assert RANK[said.verdict] >= RANK[written.verdict] - 1, said.verdict
    assert not said.red_flags, said.red_flags
    # Evidence is still quoted verbatim from what the candidate said.
    for crit in said.criteria:
        assert crit.evidence in spoken(STRONG[prompt_id])


@pytest.mark.parametrize("prompt_id", sorted(DUMPS))
def test_unpunctuated_term_dump_stays_weak_or_failing(bank, index_dir, prompt_id):
    card = score_answer(bank.prompt(prompt_id), DUMPS[prompt_id], bank=bank, index_dir=index_dir)
    assert card.verdict in ("weak", "failing"), (card.score, card.verdict)
    assert card.score < 45


def test_spoken_run_is_cut_at_connectives_and_fillers():
    run = (
        "ok so first i'd freeze the rollout um and then i'd move those regions back to the old "
        "model because the correction rate doubled you know and after that i'd compare devices"
    )
    assert is_spoken_run(run)
    clauses = [text for text, _ in spoken_clauses(run)]
    assert clauses == [
        "ok so first i'd freeze the rollout",
        "and then i'd move those regions back to the old model",
        "because the correction rate doubled",
        "and after that i'd compare devices",
    ]
    for text, start in spoken_clauses(run):
        assert run[start : start + len(text)] == text
    # A punctuated answer is cut by its punctuation, as before.
    assert not is_spoken_run("I'd freeze the rollout, then move the regions back. Then compare.")
    assert all(u.text in run for u in split_units(run))


def test_spoken_heldout_set_meets_the_targets(bank, index_dir):
    report = evaluate(FIXTURES / "heldout4_answers.jsonl", bank=bank, index_dir=index_dir)
    assert report["pairwise"] >= 0.90, report["wrong_pairs"]
    assert report["attacks_all_held"], report["failed_attacks"]


def test_one_flag_never_ranks_below_two_or_an_injection():
    from rubric.config import ScoringConfig
    from rubric.scorecard import verdict_for
    from rubric.scoring import final_score

    cfg = ScoringConfig()
    one = [final_score(b, 1, cfg) for b in range(0, 101, 5)]
    severe = [final_score(b, 2, cfg) for b in range(0, 101, 5)]
    severe += [final_score(b, n, cfg, injected=True) for n in (0, 1) for b in range(0, 101, 5)]
    assert min(s for s, _ in one) > max(s for s, _ in severe)
    # Order within a tier follows coverage, and the number agrees with the verdict.
    assert [s for s, _ in one] == sorted(s for s, _ in one)
    for score, verdict in one + severe:
        assert verdict == verdict_for(score, cfg.strong, cfg.adequate, cfg.weak) or (
            verdict == "failing"
        )
