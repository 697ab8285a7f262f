"""score_answer: one answer to one prompt in, one Scorecard out (offline or LLM judge)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .config import LLMConfig, ScoringConfig
from .embedder import get_embedder
from .feedback import feedback_text, missed_in_order
from .index import ensure_index as _ensure_index
from .index import nearest, references
from .offline import Method, points, score_units
from .redflags import Span, detect_flags, find_injection, strip_spans
from .scorecard import RedFlagHit, Scorecard, Versions, cap_verdict, verdict_for
from .text import split_units

SCORER_VERSION = "offline-1"
METHOD = Method()
# Verdict ceiling when any red flag is raised: a flagged answer is at most "weak", and its score
# stays below the "adequate" threshold so the number and the verdict agree.
FLAG_CEILING = "weak"
# Two or more of the seed's failing-answer traits make a failing answer, whatever else it says.
MULTI_FLAG_CEILING = "failing"
# An answer that tries to instruct the grader fails, whatever else it says.
INJECTION_CEILING = "failing"
_INJECTION_SEMANTIC = 0.62
# Scores below this are kept for answers with two flags or an injection; one flag earns at least
# this much, so the order of capped answers follows the severity of their flags first.
SEVERE_TOP = 20


class EmptyAnswerError(ValueError):
    """An empty or whitespace-only answer: nothing to score."""


def default_index_dir() -> Path:
    """<data home>/index, by the same rule as agent.settings.data_home (rubric cannot import agent)."""
    env = os.environ.get("INTERVIEWER_HOME", "").strip()
    if env:
        return Path(env).expanduser() / "index"
    from platformdirs import user_data_dir

    return Path(user_data_dir("interviewer", appauthor=False)) / "index"


def score_answer(
    prompt,
    answer: str,
    *,
    bank,
    scoring: ScoringConfig | None = None,
    llm: LLMConfig | None = None,
    index_dir: Path | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> Scorecard:
    scoring = scoring or ScoringConfig()
    llm = llm or LLMConfig()
    index_dir = Path(index_dir) if index_dir else default_index_dir()
    notice = on_notice or (lambda _msg: None)
    if not answer or not answer.strip():
        raise EmptyAnswerError("the answer is empty")
    if len(answer) > scoring.max_answer_chars:
        notice(f"answer is {len(answer)} characters; scored its first {scoring.max_answer_chars}")
        answer = answer[: scoring.max_answer_chars]

    index_version = _ensure_index(bank, index_dir, progress=True)
    refs = references(index_dir, index_version, prompt.id)
    embedder = get_embedder()

    # Injection is cut out before anything reads the answer, so it can only cost points.
    spans = find_injection(answer)
    clean = strip_spans(answer, spans)
    units = split_units(clean)
    vectors = embedder.embed([u.query for u in units])
    extra = _semantic_injection(units, vectors, refs)
    if extra:
        # Cut those sentences out too and read the rest again.
        more = [
            Span(units[i].start, units[i].start + len(units[i].text), units[i].text) for i in extra
        ]
        spans = spans + more
        clean = strip_spans(clean, more)
        units = split_units(clean)
        vectors = embedder.embed([u.query for u in units])

    neighbours = nearest(index_dir, prompt.id, vectors, k=METHOD.k) if len(units) else []
    offline = score_units(prompt, units, vectors, refs, neighbours, METHOD)
    hits = detect_flags(units, vectors, refs, coding=prompt.kind == "coding", answer=clean)
    flags = [RedFlagHit(id=h.id, evidence=h.evidence) for h in hits]
    if spans:
        evidence = spans[0].text[:300]
        flags.insert(0, RedFlagHit(id="prompt_injection", evidence=evidence))

    criteria = offline.criteria
    credit = offline.credit
    scorer = "offline"
    if llm.enabled:
        from .judge import JudgeUnavailable, judge_criteria

        try:
            criteria, credit = judge_criteria(
                prompt, clean, llm=llm, context=_context(refs, prompt), offline=offline
            )
            scorer = f"llm:{llm.model}"
        except JudgeUnavailable as exc:
            notice(f"LLM judge unavailable ({exc}); scored offline")

    score, verdict = final_score(
        points(credit, offline.on_topic_claims, METHOD), len(flags), scoring, injected=bool(spans)
    )
    return Scorecard(
        prompt_id=prompt.id,
        score=score,
        verdict=verdict,
        criteria=criteria,
        red_flags=flags,
        feedback=feedback_text(prompt, criteria, flags),
        scorer=scorer,
        versions=Versions(bank=bank.version, index=index_version, scorer=_scorer_version(scorer)),
    )


def final_score(
    base: float, n_flags: int, scoring: ScoringConfig, *, injected: bool = False
) -> tuple[int, str]:
    """Penalties, then ceilings: any red flag caps at "weak", two flags or an injection
    attempt at "failing".

    The score is capped with the verdict so the two never disagree. Both only ever lower the
    score, so an injected answer never scores above the same answer without the injection.
    """
    raw = max(0.0, min(100.0, base - scoring.red_flag_penalty * n_flags))
    verdict = verdict_for(round(raw), scoring.strong, scoring.adequate, scoring.weak)
    severe = n_flags >= 2 or injected
    # Capped answers are ordered by how bad their flags are before what they cover: every
    # severe answer (two flags, or an injection) sits in [0, SEVERE_TOP), every one-flag answer
    # at SEVERE_TOP or above, so one flag never ranks below two on the same prompt. The
    # failing band of one-flag answers is stretched into [SEVERE_TOP, weak), which keeps their
    # order and their verdict.
    if n_flags:
        verdict = cap_verdict(verdict, FLAG_CEILING)
        raw = _squash(raw, max(0, scoring.adequate - 1))
        if not severe and raw < scoring.weak:
            raw = SEVERE_TOP + (scoring.weak - SEVERE_TOP) * raw / max(1, scoring.weak)
    if n_flags >= 2:
        verdict = cap_verdict(verdict, MULTI_FLAG_CEILING)
    if injected:
        verdict = cap_verdict(verdict, INJECTION_CEILING)
    if severe:
        # Scaled, not clipped, so severe answers keep their order among themselves.
        raw = raw * (SEVERE_TOP - 1) / max(1, scoring.adequate - 1) if n_flags else raw
        raw = _squash(raw, SEVERE_TOP - 1)
    return int(round(raw)), verdict


def _squash(score: float, cap: int, band: float = 10.0) -> float:
    """Bring a score under `cap` keeping the order of capped answers: the top of the scale is
    pressed into the last `band` points below the cap instead of all landing on the cap."""
    knee = max(0.0, cap - band)
    if score <= knee:
        return score
    return knee + (cap - knee) * (score - knee) / max(1e-6, 100.0 - knee)


def ensure_index(bank, index_dir: Path | None = None, progress: bool = True) -> str:
    """Build or rebuild the retrieval index if it is missing or stale; return its version."""
    from .index import ensure_index as _ensure

    return _ensure(bank, Path(index_dir) if index_dir else default_index_dir(), progress=progress)


def assess(prompt, answer: str, **kwargs) -> Scorecard:
    """The graph's cheap check of an answer so far: the same as score_answer."""
    return score_answer(prompt, answer, **kwargs)


def _scorer_version(scorer: str) -> str:
    return SCORER_VERSION if scorer == "offline" else f"{SCORER_VERSION}+judge-1"


def _semantic_injection(units, vectors, refs) -> list[int]:
    """Units that read like the injection examples and talk about grading, though no pattern hit."""
    from .redflags import _GRADER_WORDS

    idx = [
        i
        for i, (k, o) in enumerate(zip(refs.kinds, refs.owners, strict=True))
        if k == "flag" and o == "prompt_injection"
    ]
    if not idx or not len(units):
        return []
    sims = (vectors @ refs.vectors[idx].T).max(axis=1)
    # List items are pieces of their sentence, which is read whole here.
    return [
        u
        for u, unit in enumerate(units)
        if unit.kind != "item"
        and sims[u] >= _INJECTION_SEMANTIC
        and _GRADER_WORDS.search(unit.text)
    ]


def _context(refs, prompt) -> list[str]:
    """Passages the judge sees as what 'met' means: criterion statements and paraphrases."""
    out = []
    for text, kind, owner in zip(refs.texts, refs.kinds, refs.owners, strict=True):
        if kind == "criterion" and owner:
            out.append(f"[{owner}] {text}")
    return out


def missed_criteria(scorecard: Scorecard, prompt) -> list:
    """The prompt's criteria the scorecard does not show as met, most important first."""
    return missed_in_order(prompt, scorecard.criteria)
