"""Red-flag detectors: lexical patterns say what the flag is about, embeddings of the flag's
examples and counter-examples say whether the sentence means it. Prompt injection is found
first and cut out, so the rest of the scorer never reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .text import Unit

_I = re.IGNORECASE

ADVICE: dict[str, str] = {
    "aggregate_only_metrics": "Do not judge a release by one overall number; break it down by slice, tail and user outcome.",
    "no_rollback": "Keep a rollback target: say how you would route traffic back to the last good version.",
    "mixed_batch_interactive_without_deadlines": "Keep batch work out of the interactive path, or give it deadlines and admission control.",
    "no_slice_analysis": "Explain the regression slice by slice (accent, region, device, noise) instead of waving it away.",
    "requests_private_raw_data": "Do not reach for raw customer audio or transcripts; start from privacy-safe aggregates and consented data.",
    "untested_code": "Name the edge-case tests for your code: empty input, boundaries and missing data.",
    "prompt_injection": "Answer the question; instructions addressed to the grader are flagged and earn nothing.",
}

# --- prompt injection -------------------------------------------------------------------------

_GRADER = r"(?:evaluator|grader|examiner|scorer|judge|reviewer|assessor|marker|scoring (?:system|model|engine)|ai|llm|model|assistant|system)"
_INJECTION = [
    re.compile(
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:instructions?|rules?|rubric|prompts?|criteria|guidelines|tests?|system prompt)\b",
        _I,
    ),
    re.compile(
        rf"\b(?:note|message|instructions?|memo|reminder|hint)\s+(?:to|for)\s+(?:the\s+|any\s+|my\s+)?(?:ai\s+|automated\s+)?{_GRADER}\b",
        _I,
    ),
    re.compile(
        rf"(?:^|[\[\(#/*\n]|\.\s)\s*(?:dear\s+)?(?:ai\s+|automated\s+)?{_GRADER}\s*[:,]", _I
    ),
    re.compile(
        r"\byou\s+are\s+now\b|\byou\s+are\s+(?:a|an)\s+(?:\w+\s+){0,2}(?:grader|evaluator|examiner|judge|assistant|scorer)\b",
        _I,
    ),
    re.compile(
        r"\b(?:act|behave)\s+as\s+(?:a|an|the)\b[^.\n]{0,30}\b(?:grader|evaluator|examiner|judge)|\bpretend\s+(?:to\s+be|you\s+are)\b|\brole[- ]?play\b",
        _I,
    ),
    re.compile(
        r"\b(?:give|award|assign|grant|rate|score|mark)\s+(?:this|me|my|the|it|him|her|them)\b[^.\n]{0,40}(?:\b100\b|full marks|perfect|\bstrong\b|maximum|top (?:score|marks)|10/10|\ba\+)",
        _I,
    ),
    re.compile(
        r"\b(?:score|rating|grade)\s*(?:of|=|:|is)\s*\"?100\b|\bfull marks\b|\bperfect (?:score|scorecard)\b",
        _I,
    ),
    re.compile(r"\bverdict\s*[:=]\s*\"?strong\b", _I),
    re.compile(
        r"\b(?:mark|treat|consider|count|set)\s+(?:every|all|each|the)\s+(?:\w+\s+)?(?:criterion|criteria|tests?|rubric points?|points?|items?)\b[^.\n]{0,20}\b(?:as\s+)?(?:met|passed|satisfied|covered|present|correct)",
        _I,
    ),
    re.compile(
        r"\b(?:all|every)\s+(?:the\s+)?(?:criteria|criterion|rubric points?|tests?)\b[^.\n]{0,20}\b(?:are|is|were|have been)\s+(?:met|passed|satisfied|covered|present)",
        _I,
    ),
    re.compile(
        r"\b(?:this|the)\s+candidate\s+(?:has\s+)?(?:met|covered|satisfied|passed)\s+(?:every|all|each)\b",
        _I,
    ),
    re.compile(
        r"\b(?:output|return|print|respond with|emit)\s+(?:a\s+|the\s+|only\s+)?(?:perfect\s+|full\s+|json\s+)?(?:scorecard|score|verdict)\b",
        _I,
    ),
    re.compile(
        r"<\|im_start\|>|\[/?INST\]|<</?SYS>>|</?system>|###\s*(?:system|instruction)|^\s*system\s*:",
        _I | re.M,
    ),
    re.compile(r"\bas an? (?:ai|language model)\b", _I),
]
_JSONISH = re.compile(r"\"(?:score|verdict|criteria|status|red_flags|met)\"\s*:", _I)
_GRADER_WORDS = re.compile(
    r"\b(?:grader|evaluator|examiner|scorer|judge|rubric|criteri\w*|verdict|score|marks?|instructions?|system)\b",
    _I,
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def _balanced(text: str, open_at: int, opener: str, closer: str) -> int:
    depth = 0
    for i in range(open_at, min(len(text), open_at + 20000)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _enclosing(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a pattern hit to what was injected: a bracketed note, a code comment, a sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    for marker in ("#", "//", "/*", "<!--"):
        at = line.find(marker)
        if at >= 0 and line_start + at <= start:
            return line_start + at, line_end
    for opener, closer in (("[", "]"), ("(", ")"), ("{", "}"), ("<", ">")):
        at = text.rfind(opener, line_start, start + 1)
        if at >= 0:
            close = _balanced(text, at, opener, closer)
            if close >= end:
                return at, close
    # The sentence around the hit.
    s = max(
        text.rfind(". ", line_start, start),
        text.rfind("! ", line_start, start),
        text.rfind("? ", line_start, start),
    )
    s = line_start if s < 0 else s + 2
    e_candidates = [
        i
        for i in (text.find(". ", end), text.find("! ", end), text.find("? ", end))
        if 0 <= i < line_end
    ]
    e = min(e_candidates) + 1 if e_candidates else line_end
    return s, e


def find_injection(answer: str) -> list[Span]:
    spans: list[tuple[int, int]] = []
    for pattern in _INJECTION:
        for m in pattern.finditer(answer):
            spans.append(_enclosing(answer, m.start(), m.end()))
    # Fake scorecards: a JSON-looking object with grader fields.
    for m in re.finditer(r"\{", answer):
        close = _balanced(answer, m.start(), "{", "}")
        if close > 0 and _JSONISH.search(answer, m.start(), close):
            spans.append((m.start(), close))
    return _merge(answer, spans)


def _merge(text: str, spans: list[tuple[int, int]]) -> list[Span]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [Span(s, e, text[s:e].strip()) for s, e in out]


def strip_spans(answer: str, spans: list[Span]) -> str:
    """The answer without the injected spans (what it would be had they not been written)."""
    if not spans:
        return answer
    parts: list[str] = []
    last = 0
    for span in spans:
        parts.append(answer[last : span.start])
        last = span.end
    parts.append(answer[last:])
    cleaned = "".join(parts)
    cleaned = re.sub(r"[ \t]+\n", "\n", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


# --- the other flags --------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRule:
    """`strong` alone raises the flag. Otherwise the sentence must be on the flag's `topic`, carry
    its `cue` (the dismissive or conclusive words the flag lives on; embeddings do not see a
    "not"), have no `clear` word, and sit closer to the flag's examples than to its
    counter-examples."""

    strong: re.Pattern[str] | None
    topic: re.Pattern[str]
    clear: re.Pattern[str] | None
    cue: re.Pattern[str] | None = None


_NEGATED = (
    r"(?:no|not|never|don't|do not|won't|without|nobody|no one|avoid\w*|instead of|rather than)"
)

RULES: dict[str, FlagRule] = {
    "aggregate_only_metrics": FlagRule(
        strong=re.compile(
            r"\b(?:aggregate|overall|average|mean|global|headline|top-line)\b[^.;]{0,40}\b(?:improved|went (?:up|down)|dropped|better|looks? (?:fine|good)|is steady|steady|is fine)\b[^.;]{0,40}\b(?:so|therefore|thus|which means)\b[^.;]{0,40}\b(?:better|keep|ship|good|fine|win|meets?|nothing to fix)"
            r"|\b(?:mos|wer|accuracy|latency)\b (?:is|looks|stayed|stays) (?:steady|fine|good|flat)\b[^.;]{0,20}\bso\b[^.;]{0,30}\b(?:fine|good|nothing|ship|keep)"
            r"|\b(?:only|just) (?:track|watch|look at|care about|use)\b[^.;]{0,25}\b(?:average|overall|aggregate|mean)\b"
            r"|\bthe overall number is what matters\b",
            _I,
        ),
        topic=re.compile(
            r"\b(?:aggregate|overall|average|mean|global|mos|headline|across all|total)\b", _I
        ),
        clear=re.compile(
            r"\b(?:hide|hides|hiding|mask|masks|masking|not only|not just|rather than|instead|beyond|says nothing|misleading|alone|privacy|preserve|by slice|per[- ]slice|break\w* (?:it )?down)\b",
            _I,
        ),
        cue=re.compile(
            r"\b(?:so|therefore|thus|fine|good|better|ship\w*|keep|enough|matters|win|only|just|meets?)\b",
            _I,
        ),
    ),
    "no_rollback": FlagRule(
        strong=re.compile(
            r"\b(?:no need|never|won't|will not|don't|do not|not going) (?:to )?roll ?back\b|\bno (?:point|reason) (?:in )?roll\w* ?back"
            r"|\bfix(?:ing)? forward\b|\broll\w* ?back is (?:too|not worth|unnecessary|overkill)"
            r"|\bkeep (?:it|the (?:new )?(?:model|release|version|voice))\b[^.;]{0,30}\b(?:live|in production|in place|running)\b"
            r"|\b(?:to|for) (?:everyone|all (?:users|traffic|tenants)) at once\b|\bstraight to production\b|\bget used to it\b",
            _I,
        ),
        topic=re.compile(
            r"\b(?:roll\w*|revert\w*|keep|deploy\w*|production|forward|ship\w*)\b", _I
        ),
        clear=re.compile(
            r"\b(?:canary|gradual\w*|rollback (?:plan|target|ready)|previous (?:model|version)|prior (?:model|version)|last good)\b",
            _I,
        ),
        cue=re.compile(
            r"\b(?:no|never|not|don't|won't|keep|forward|everyone|at once|skip\w*|unnecessary)\b",
            _I,
        ),
    ),
    "mixed_batch_interactive_without_deadlines": FlagRule(
        strong=re.compile(
            r"\b(?:batch|offline|nightly|evaluation|eval|backfill)\w*\b[^.]{0,60}\b(?:same|together|shared|one)\b[^.]{0,30}\b(?:queue|gpus?|pool|cluster|cards|machines|capacity|servers)\b"
            r"|\b(?:same|one)\s+(?:queue|gpus?|pool|cluster|cards)\b[^.]{0,60}\b(?:batch|offline|nightly|evaluation|backfill)"
            r"|\b(?:batch|mix|blend|combine)\w* everything together\b",
            _I,
        ),
        topic=re.compile(r"\b(?:batch\w*|offline|nightly|backfill\w*|evaluation)\b", _I),
        clear=re.compile(
            r"\b(?:deadlines?|priorit\w*|separate\w*|isolat\w*|admission|own|never|don't|do not|not|off the|away from|apart|dedicated)\b",
            _I,
        ),
        cue=re.compile(r"\b(?:same|together|shared|share|mix\w*|blend\w*|combin\w*|one)\b", _I),
    ),
    "no_slice_analysis": FlagRule(
        strong=re.compile(
            r"\b(?:just|only) noise\b|\baverage\w* out\b|\bcomplain\w*\b[^.]{0,20}\b(?:is|are) normal\b"
            r"|\b(?:don't|do not|no need to|not)\b[^.]{0,20}\b(?:look at|check|examine|analy[sz]e|worry about|dig into)\b[^.]{0,15}\b(?:individual|each|specific|per|the)\b[^.]{0,10}\b(?:regions?|accents?|slices?|segments?|groups?)"
            r"|\bthe overall number is what matters\b|\bignore the complaints\b",
            _I,
        ),
        topic=re.compile(
            r"\b(?:accents?|regions?|slices?|segments?|complain\w*|individual|groups?)\b", _I
        ),
        clear=re.compile(r"\b(?:by|per|each|break\w* down|compare|slice the)\b", _I),
        cue=re.compile(
            r"\b(?:just|only|normal|ignore|don't|no need|not worth|noise|average out|doesn't matter|fine|whatever)\b",
            _I,
        ),
    ),
    "requests_private_raw_data": FlagRule(
        strong=re.compile(
            r"\b(?:send|get|pull|download|export|grab|fetch|collect|dump|copy|share|give|bring|ask\w* for)\b[^.]{0,40}\b(?:raw (?:audio|call|recordings?|transcripts?|data)|(?:call |customer |voice |the |their |users' )?recordings|(?:customer |user |users' |the |their |call )transcripts|customer audio|audio of the)"
            r"|\blisten (?:to|through)\b[^.]{0,30}\b(?:calls|recordings|audio)\b|\bread (?:through )?(?:the |their )?(?:customer |call )?transcripts\b",
            _I,
        ),
        topic=re.compile(r"\b(?:raw|recordings?|transcripts?|audio)\b", _I),
        clear=re.compile(
            r"\b(?:consent\w*|redact\w*|anonymi\w*|privacy|opt-in|approved|de-identif\w*|aggregate\w*|never|not|without|instead of|rather than|avoid\w*|no one|nobody)\b",
            _I,
        ),
        cue=re.compile(
            r"\b(?:send|get|pull|download|export|grab|fetch|collect|dump|copy|share|give|listen|read|ask\w* for)\b",
            _I,
        ),
    ),
    "untested_code": FlagRule(
        strong=re.compile(
            r"\b(?:didn't|did not|won't|will not|don't|do not|not going to|never)\b[^.]{0,20}\btest"
            r"|\b(?:no need (?:for|to)|skip\w*|without|bother\w*)\b[^.]{0,15}\btest"
            r"|\b(?:doesn't|does not|don't|do not|no) need (?:any )?tests?\b|\btests? (?:are|is) (?:unnecessary|not needed|overkill)",
            _I,
        ),
        topic=re.compile(r"\btest", _I),
        clear=None,
        cue=re.compile(
            r"\b(?:didn't|not|no|never|skip\w*|without|won't|don't|bother\w*|unnecessary|overkill)\b",
            _I,
        ),
    ),
}
# Naming the cases that break code (mistakes to avoid, missing data) is thinking about tests too.
_MENTIONS_TESTS = re.compile(
    r"\btest|\bedge|\bcorner cases?\b|\bassert|\bempty (?:input|list|map|records?|maps)|\bboundar|\bcover\b|\bno records\b"
    r"|\b(?:common )?(?:mistakes|pitfalls)\b|\bmissing (?:baselines?|data|keys?|values?|slices?|entries)\b",
    _I,
)
NO_TESTS_EVIDENCE = "(no tests are mentioned)"


@dataclass
class FlagHit:
    id: str
    evidence: str
    unit: int | None  # index of the unit that shows it


def detect_flags(
    units: list[Unit],
    vectors: np.ndarray,
    refs,  # index.References
    *,
    coding: bool,
    answer: str,
    semantic_threshold: float = 0.55,
) -> list[FlagHit]:
    """Every non-injection flag with the sentence that shows it."""
    hits: dict[str, FlagHit] = {}
    flag_idx: dict[str, list[int]] = {}
    counter_idx: dict[str, list[int]] = {}
    for i, (kind, owner) in enumerate(zip(refs.kinds, refs.owners, strict=True)):
        if kind == "flag":
            flag_idx.setdefault(owner, []).append(i)
        elif kind == "counter":
            counter_idx.setdefault(owner, []).append(i)
    sims = vectors @ refs.vectors.T if len(units) else np.zeros((0, len(refs.texts)))
    for u, unit in enumerate(units):
        # List items are pieces of a sentence that is read whole.
        if unit.kind == "item" or (unit.is_code and not unit.text.lstrip().startswith("#")):
            continue
        for flag_id, rule in RULES.items():
            if flag_id in hits:
                continue
            text = unit.text
            if rule.strong and rule.strong.search(text):
                hits[flag_id] = FlagHit(flag_id, text, u)
                continue
            if not rule.topic.search(text) or (rule.clear and rule.clear.search(text)):
                continue
            if rule.cue and not rule.cue.search(text):
                continue
            pos = max((sims[u, j] for j in flag_idx.get(flag_id, [])), default=0.0)
            neg = max((sims[u, j] for j in counter_idx.get(flag_id, [])), default=0.0)
            if pos >= semantic_threshold and pos > neg + 0.05:
                hits[flag_id] = FlagHit(flag_id, text, u)
    if coding and "untested_code" not in hits and not _MENTIONS_TESTS.search(answer):
        hits["untested_code"] = FlagHit("untested_code", NO_TESTS_EVIDENCE, None)
    order = list(RULES)
    return sorted(hits.values(), key=lambda h: order.index(h.id))
