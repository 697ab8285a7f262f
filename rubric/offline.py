"""The offline scorer: per criterion, the answer's best claim decides met / partial / missed.

Similarity is cosine between MiniLM embeddings of the answer's units (sentences, clauses, code
lines) and the criterion's passages in the index (statement, cues, paraphrases, labelled
examples). Retrieval confirms it: a unit is only "met" evidence when the criterion is among the
passages Chroma returns as its nearest neighbours; labelled negative examples that sit closer
than the positives veto the match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .scorecard import CriterionResult
from .text import Unit, is_bare, words

# Verbs that hang a list on the answer without committing to any of it: "Consider A, B, C" names
# topics, where "Clarify A, B, C" or "Version A, B, C" proposes doing each.
_HEDGED_LEAD = re.compile(
    r"\b(?:consider\w*|think\w* about|look\w* at|keep\w* in mind|remember|mention\w*|note"
    r"|cover\w*|touch\w* on|includ\w*|factor\w* in|account\w* for|weigh\w*)\b",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(
    r"\b(?:those|these|them|that list|all of (?:this|that|them)|the above|each of (?:them|those|these))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Method:
    """The scorer's calibrated constants (tuned on tests/fixtures/labelled_answers.jsonl)."""

    met: float = 0.66
    partial: float = 0.46
    # A labelled negative closer than the best positive by this much vetoes the match.
    negative_margin: float = 0.0
    # A labelled negative nearly as close as the best positive makes the match ambiguous:
    # it can be partial, never met.
    ambiguous: float = 0.03
    # How many criteria one unit may evidence: a claim, and a claim that is mostly a list.
    claim_capacity: int = 3
    list_capacity: int = 2
    # Chroma neighbours consulted per unit for the retrieval check.
    k: int = 8
    # A list or run-on unit close to this many criteria is stuffing and earns nothing.
    stuffing_touch: int = 4
    partial_credit: float = 0.5
    # A claim this close to some criterion is on topic and earns the floor below; between
    # `off_topic` and `on_topic` it earns part of it, below `off_topic` (padding) nothing.
    on_topic: float = 0.40
    off_topic: float = 0.25
    # Score points an on-topic attempt earns before any criterion is shown (two claims for all
    # of it), so a thin but relevant answer ranks above an off-topic or flagged one.
    floor: float = 36.0
    # Per-criterion calibration from the bank: a match must sit closer to the criterion than
    # its sibling criteria's passages do (the `confusable` percentile of their similarity),
    # by these margins, for partial and for met.
    confusable: float = 95.0
    partial_margin: float = 0.04
    met_margin: float = 0.10
    item_capacity: int = 1


@dataclass
class Match:
    criterion: str
    unit: int
    similarity: float
    status: str


@dataclass
class OfflineResult:
    criteria: list[CriterionResult]
    credit: float  # weighted share of criteria shown, 0..1
    matches: dict[str, Match] = field(default_factory=dict)
    on_topic_claims: float = 0.0


def criterion_similarity(
    prompt, units: list[Unit], vectors: np.ndarray, refs, method: Method
) -> tuple[np.ndarray, np.ndarray]:
    """(units x criteria) best positive similarity and best negative similarity."""
    crit_ids = [c.id for c in prompt.criteria]
    n_units, n_crit = len(units), len(crit_ids)
    pos = np.full((n_units, n_crit), -1.0, dtype=np.float32)
    neg = np.full((n_units, n_crit), -1.0, dtype=np.float32)
    if n_units == 0:
        return pos, neg
    sims = vectors @ refs.vectors.T
    col = {cid: j for j, cid in enumerate(crit_ids)}
    for r, (kind, owner) in enumerate(zip(refs.kinds, refs.owners, strict=True)):
        if kind in ("criterion", "example") and owner in col:
            j = col[owner]
            np.maximum(pos[:, j], sims[:, r], out=pos[:, j])
        elif kind == "negative" and owner in col:
            j = col[owner]
            np.maximum(neg[:, j], sims[:, r], out=neg[:, j])
    return pos, neg


def criterion_thresholds(prompt, refs, method: Method) -> tuple[np.ndarray, np.ndarray]:
    """(met, partial) similarity thresholds per criterion, from the bank's own passages.

    On a prompt whose points are close to each other (a coding task: every sentence is about
    the same function) a sentence about one point already sits near the others, so a match
    has to clear the level at which sibling criteria's statements and paraphrases resemble
    this criterion; the global thresholds stay the floor.
    """
    crit_ids = [c.id for c in prompt.criteria]
    met = np.full(len(crit_ids), method.met, dtype=np.float32)
    partial = np.full(len(crit_ids), method.partial, dtype=np.float32)
    positive = [
        i
        for i, kind in enumerate(refs.kinds)
        if kind in ("criterion", "example") and refs.owners[i] in crit_ids
    ]
    if not positive:
        return met, partial
    owners = [refs.owners[i] for i in positive]
    vecs = refs.vectors[positive]
    sims = vecs @ vecs.T
    for j, cid in enumerate(crit_ids):
        own = [k for k, o in enumerate(owners) if o == cid]
        other = [k for k, o in enumerate(owners) if o != cid]
        if not own or not other:
            continue
        level = float(np.percentile(sims[np.ix_(other, own)].max(axis=1), method.confusable))
        partial[j] = max(method.partial, level + method.partial_margin)
        met[j] = max(method.met, level + method.met_margin)
    return met, partial


def score_units(
    prompt,
    units: list[Unit],
    vectors: np.ndarray,
    refs,
    neighbours: list[list[dict]],
    method: Method,
) -> OfflineResult:
    pos, neg = criterion_similarity(prompt, units, vectors, refs, method)
    met_at, partial_at = criterion_thresholds(prompt, refs, method)
    crit_ids = [c.id for c in prompt.criteria]
    candidates: list[tuple[float, int, int, str]] = []
    best = pos.max(axis=1) if len(units) else np.zeros(0)
    # A list that hangs on a verb ("Consider A, B, C") proposes each item, but only inside an
    # answer that also makes a claim of its own; a list alone is the rubric's vocabulary.
    governed = {unit.sentence for unit in units if unit.kind == "item"}
    argued = any(
        unit.kind == "claim"
        and not unit.is_code
        and unit.sentence not in governed
        and best[u] >= method.on_topic
        for u, unit in enumerate(units)
    )
    # A stuffed sentence taints its clauses too: cutting a list into pieces does not make claims.
    # Only a whole sentence can be stuffing: a list clause inside a claim ("I'd trace where
    # the time goes: queueing, normalization, the vocoder, the network") names what the claim
    # is about, and stays capped as a list.
    # A list sentence is judged by everything its clauses brush against, so cutting it into
    # clauses does not hide how many criteria it names.
    touched: dict[int, set[int]] = {}
    head: dict[int, int] = {}
    for u, unit in enumerate(units):
        if unit.kind == "item":
            continue
        head.setdefault(unit.sentence, u)
        touched.setdefault(unit.sentence, set()).update(
            int(j) for j in np.flatnonzero(pos[u] >= partial_at)
        )

    # A verb-led list whose bare terms ("Consider traffic peaks, latency budget, privacy, ...")
    # reach across many criteria is the rubric's table of contents, however much the rest of the
    # answer argues: a claim elsewhere vouches for its own point, not for every term listed.
    # ...unless a later claim builds on the list as a whole ("the diagram should follow those
    # constraints"): then the list is the premise of an argument, not a table of contents.
    def _built_on(sent: int) -> bool:
        return any(
            unit.kind == "claim"
            and unit.sentence > sent
            and unit.start == unit.sentence
            and best[v] >= method.on_topic
            and _BACK_REFERENCE.search(unit.text)
            for v, unit in enumerate(units)
        )

    # What the answer's own claims (outside verb-led lists) touch: a list may range a little
    # wider than the argument around it, not across the whole rubric.
    claim_reach: set[int] = set()
    for u, unit in enumerate(units):
        if unit.kind == "claim" and not unit.is_code and unit.sentence not in governed:
            claim_reach.update(int(j) for j in np.flatnonzero(pos[u] >= partial_at))
    bare_reach: dict[int, set[int]] = {}
    for u, unit in enumerate(units):
        if unit.kind == "item" and is_bare(unit.text) and _HEDGED_LEAD.search(unit.lead):
            bare_reach.setdefault(unit.sentence, set()).update(
                int(j) for j in np.flatnonzero(pos[u] >= partial_at)
            )

    def is_stuffed(sent: int, u: int) -> bool:
        reach = len(bare_reach.get(sent, ()))
        if (
            reach >= method.stuffing_touch
            and reach > 2 * len(claim_reach) + 1
            and not _built_on(sent)
        ):
            return True
        if argued and sent in governed:
            return False
        return _stuffed(units[u], pos[u], method) or (
            units[u].kind == "list" and len(touched[sent]) >= method.stuffing_touch
        )

    stuffed = {sent for sent, u in head.items() if sent >= 0 and is_stuffed(sent, u)}
    for u, unit in enumerate(units):
        if not unit.is_claim or (unit.sentence in stuffed and unit.sentence >= 0):
            continue
        if unit.kind == "item" and not argued:
            continue
        near = {
            n["owner"]
            for n in (neighbours[u] if u < len(neighbours) else [])
            if n["kind"] in ("criterion", "example")
        }
        for j, cid in enumerate(crit_ids):
            s = float(pos[u, j])
            if neg[u, j] > s + method.negative_margin:
                continue
            clear = neg[u, j] <= s - method.ambiguous
            if s >= met_at[j] and cid in near and clear:
                candidates.append((s, u, j, "met"))
            elif s >= partial_at[j]:
                candidates.append((s, u, j, "partial"))
    # Strongest matches claim their unit first; a unit has limited capacity so one list of
    # terms cannot tick every box.
    candidates.sort(key=lambda c: (c[3] == "met", c[0]), reverse=True)
    used: dict[int, int] = {}
    matches: dict[str, Match] = {}
    for s, u, j, status in candidates:
        cid = crit_ids[j]
        if cid in matches:
            continue
        kind = units[u].kind
        cap = {"list": method.list_capacity, "item": method.item_capacity}.get(
            kind, method.claim_capacity
        )
        if used.get(u, 0) >= cap:
            continue
        used[u] = used.get(u, 0) + 1
        matches[cid] = Match(cid, u, s, status)
    results: list[CriterionResult] = []
    total = sum(c.weight for c in prompt.criteria)
    got = 0.0
    for crit in prompt.criteria:
        m = matches.get(crit.id)
        if m is None:
            results.append(CriterionResult(id=crit.id, status="missed", evidence=""))
            continue
        got += crit.weight * (1.0 if m.status == "met" else method.partial_credit)
        results.append(CriterionResult(id=crit.id, status=m.status, evidence=units[m.unit].text))
    on_topic = 0.0
    if len(units):
        span = max(1e-6, method.on_topic - method.off_topic)
        on_topic = float(
            sum(
                min(1.0, max(0.0, (best[u] - method.off_topic) / span))
                for u, unit in enumerate(units)
                if unit.is_claim and unit.kind != "item" and unit.sentence not in stuffed
            )
        )
    return OfflineResult(results, got / total if total else 0.0, matches, on_topic)


def _stuffed(unit: Unit, sims: np.ndarray, method: Method) -> bool:
    """A list, or a long unpunctuated run, that brushes against many criteria at once is the
    rubric's vocabulary strung together, not a claim about any one of them."""
    touched = int((sims >= method.partial).sum())
    if touched < method.stuffing_touch:
        return False
    n_words = len(words(unit.text))
    run_on = n_words >= 25 and not re.search(r"[,;:.!?]", unit.text.rstrip(".!? "))
    return unit.kind == "list" or run_on


def points(credit: float, on_topic_claims: float, method: Method) -> float:
    """0-100 before red flags: the floor for an on-topic attempt plus the weighted criteria."""
    engaged = min(1.0, on_topic_claims / 2.0)
    return method.floor * engaged + (100.0 - method.floor) * credit
