"""`interviewer bench score`: how fast the offline scorer is, once its model is loaded."""

from __future__ import annotations

import time
from pathlib import Path

from .config import ScoringConfig


def _answers(bank) -> list[tuple[object, str]]:
    """Realistic answers made from the bank: each criterion's paraphrases, as a candidate says them."""
    out = []
    for prompt in bank.prompts:
        sentences = [p for c in prompt.criteria for p in c.paraphrases]
        for half in (sentences[::2], sentences[1::2]):
            out.append((prompt, " ".join(half)))
    return out


def bench_score(n: int = 20, *, index_dir: Path | None = None) -> dict:
    from question_bank import load_bank

    from .embedder import MODEL_NAME, get_embedder
    from .scoring import ensure_index, score_answer

    bank = load_bank()
    ensure_index(bank, index_dir, progress=False)
    embedder = get_embedder()
    answers = _answers(bank)
    score_answer(*answers[0], bank=bank, index_dir=index_dir)  # warm: model, index, caches
    times: list[float] = []
    for i in range(max(1, n)):
        prompt, answer = answers[i % len(answers)]
        embedder.clear_cache()  # time the real work, not the embedding cache
        start = time.perf_counter()
        score_answer(prompt, answer, bank=bank, scoring=ScoringConfig(), index_dir=index_dir)
        times.append((time.perf_counter() - start) * 1000.0)
    times.sort()

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * (len(times) - 1) + 0.5))], 2)

    return {
        "bench": "score",
        "n": len(times),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "max_ms": round(times[-1], 2),
        "answers_per_s": round(1000.0 * len(times) / sum(times), 2),
        "model": MODEL_NAME,
        "threads": embedder.threads,
        "device": "cpu",
        "scorer": "offline",
    }
