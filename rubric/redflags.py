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
    # The grader addressed without being named: "whoever is marking this", "put me down as strong".
    re.compile(
        r"\b(?:whoever|anyone|anybody|the person|the people|the team|the one|those)\s+(?:who\s+)?(?:is\s+|are\s+|'s\s+)?(?:scor|grad|mark|review|evaluat|assess|judg)\w*\s+(?:this|these|my|the (?:answer|interview|response))\b",
        _I,
    ),
    re.compile(
        r"\b(?:put|mark|record|log|write|list|count|enter|file|note)\s+(?:it|this|me|this answer|my answer|us)\s+(?:down\s+)?(?:as|at|for)\s+(?:an?\s+)?(?:strong|perfect|excellent|passing|pass|hire|100|full marks|top (?:marks|score)|the (?:top|maximum|highest))\b",
        _I,
    ),
    re.compile(
        r"\b(?:please|kindly)\s+(?:\w+\s+){0,3}(?:score|grade|rate|mark|pass|approve)\s+(?:this|it|me|my)\b[^.\n]{0,40}\b(?:strong|high|highly|generous\w*|favou?rabl\w*|100|full|perfect|pass\w*|well)\b",
        _I,
    ),
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
#
# Each flag is a few small pattern families (an action and its object, a metric and the
# conclusion drawn from it), not whole sentences, so the same idea in other words still hits.
# A hit counts only when no negation governs it ("never pull raw audio", "rather than fix
# forward", "not only WER") and its clause carries no counter-evidence ("consented", "own
# queue", "by slice"). Sentences no pattern catches go to the embeddings of the bank's examples.


def _alt(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# Words that turn what follows them into its opposite, within the same clause.
_NEGATOR = re.compile(
    r"\b(?:not|no|never|nor|don['’]?t|do not|doesn['’]?t|does not|didn['’]?t|did not|won['’]?t"
    r"|wouldn['’]?t|shouldn['’]?t|can['’]t|cannot|isn['’]?t|aren['’]?t|nobody|no one|without"
    r"|avoid\w*|instead of|rather than|stop\w*|refus\w*|against|prevent\w*|forbid\w*|ban\w*)\b",
    _I,
)
# Where a clause ends, looking back from a hit: punctuation or a contrastive conjunction.
_BOUNDARY = re.compile(
    r"[.;:!?,\n()\-–—]|\b(?:but|however|though|although|whereas|then|and|so)\b", _I
)
_SCOPE_WORDS = 6


def governed_by_negation(text: str, start: int) -> bool:
    """True when a negation sits in the few words before `start`, in the same clause."""
    head = text[max(0, start - 80) : start]
    cuts = list(_BOUNDARY.finditer(head))
    if cuts:
        head = head[cuts[-1].end() :]
    return bool(_NEGATOR.search(" ".join(head.split()[-_SCOPE_WORDS:])))


def clause_around(text: str, start: int, end: int, reach: int = 90) -> tuple[int, int]:
    """The clause a hit sits in: to the nearest sentence punctuation, at most `reach` chars out
    (a transcript without punctuation is one endless sentence)."""
    a = max(0, start - reach)
    before = list(re.finditer(r"[.;!?\n]", text[a:start]))
    a = a + before[-1].end() if before else a
    tail = re.search(r"[.;!?\n]", text[end : end + reach])
    b = end + tail.start() + 1 if tail else min(len(text), end + reach)
    return a, b


@dataclass(frozen=True)
class FlagRule:
    """How a flag is found.

    `says`: patterns that show the flag by themselves, unless a negation governs them or their
    clause holds a `guard` word. `weak`: patterns that show it only when the answer nowhere
    says the `antidote` (a patch pushed forward is fine in an answer that also rolls back).
    Otherwise the sentence must be on the flag's `topic`, carry its `cue` (embeddings do not see
    a "not"), have no `clear` word, and sit closer to the flag's examples than to its
    counter-examples.
    """

    says: tuple[re.Pattern[str], ...]
    topic: re.Pattern[str]
    clear: re.Pattern[str] | None
    cue: re.Pattern[str] | None = None
    guard: re.Pattern[str] | None = None
    weak: tuple[re.Pattern[str], ...] = ()
    antidote: re.Pattern[str] | None = None


def _apostrophes(pattern: str) -> str:
    """Let a pattern's apostrophes match a curly one, and "n't" match a dropped one ("dont")."""
    return pattern.replace("'", "['’]").replace("n['’]t", "n['’]?t")


def _rx(*parts: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_apostrophes(p), _I) for p in parts)


_GAP = r"[^.;!?\n]{0,%d}"
# aggregate_only_metrics: one summary number, read as good, and a decision taken on it.
_AGG = _alt(
    "aggregate",
    "overall",
    "average",
    "averaged",
    "mean",
    "global",
    "headline",
    "top-?line",
    "blended",
    "one number",
    "single number",
    "on average",
    "across (?:all|the board)",
)
_SUMMARY = _alt(
    _AGG,
    r"mos",
    r"mean opinion score",
    r"(?:listeners|raters|users|people|testers)\s+(?:rate|rated|score|scored|like|liked|love)",
    r"listening (?:scores?|tests?)",
    r"ratings?",
)
_GOOD = _alt(
    r"better",
    r"improv\w*",
    r"lower",
    r"higher",
    r"went (?:up|down)",
    r"(?:goes|going|came|comes|is) (?:up|down)",
    r"dropped",
    r"fine",
    r"good",
    r"ok(?:ay)?",
    r"healthy",
    r"steady",
    r"stable",
    r"flat",
    r"unchanged",
    r"held",
    r"holds?",
    r"the same",
    r"as (?:highly|well|good)",
    r"under",
    r"below",
    r"within",
    r"beats?",
    r"wins?",
    r"didn't (?:move|change|drop)",
    r"hasn't (?:moved|changed|dropped)",
)
_DECIDE = _alt(
    r"ship\w*",
    r"launch\w*",
    r"keep (?:it|the|them|going)\w*",
    r"we keep",
    r"good to (?:go|launch|ship)",
    r"(?:release|model|voice|quality|system|it|we|everything|that)(?:'s| is| are|'re)? (?:fine|good|ok(?:ay)?|better|a win|done)",
    r"(?:we're|we are|it's|it is|that's|all) (?:fine|good|ok(?:ay)?|safe)",
    r"nothing (?:to|really) (?:fix|do|worry|regress\w*)",
    r"nothing (?:really )?regressed",
    r"no (?:problem|issue|regression)",
    r"meets?",
    r"(?:inside|within|under) (?:the|our) (?:slo|budget|target)",
    r"return (?:an )?empty",
    r"no need for per-slice",
    r"is what matters",
)
_AGGREGATE_SAYS = _rx(
    # "overall WER is better, so ship it"; "MOS held steady so quality is fine"
    rf"\b{_SUMMARY}\b{_GAP % 60}\b{_GOOD}\b{_GAP % 50}\b{_DECIDE}",
    rf"\b{_SUMMARY}\b{_GAP % 50}\b(?:so|therefore|thus|hence|which means)\b{_GAP % 30}\b{_DECIDE}",
    # "ship it if the overall WER goes down"; "as long as the average is lower we're good"
    rf"\b(?:ship|launch|release|keep|promote|good to go)\w*\b{_GAP % 40}\b(?:if|when|whenever|once|as long as|because|since|provided)\b{_GAP % 30}\b{_AGG}\b",
    rf"\b(?:if|when|once|as long as|since|because)\b{_GAP % 15}\b{_SUMMARY}\b{_GAP % 50}\b{_GOOD}\b{_GAP % 40}\b{_DECIDE}",
    # "I'd only track the average"; "pick one number"
    rf"\b(?:only|just|simply)\s+(?:track|watch|look at|care about|use|need|check|compare|report)\b{_GAP % 25}\b{_AGG}\b",
    r"\bthe (?:overall|aggregate|average|headline) (?:number|metric|score) is (?:all )?(?:what|that) matters\b",
    # "average the deltas across all slices"
    r"\b(?:just|simply|then|i'd|we|to|and)\s+average\s+(?:the\s+|all\s+)?(?:deltas?|slices|results|errors|scores|regressions)\b",
    r"\baverag\w*\s+(?:over|across)\s+(?:all\s+)?(?:the\s+)?(?:slices|regions|accents|tenants)\b[^.;!?\n]{0,40}\b(?:so|then|if|and)\b",
)
_AGGREGATE_GUARD = re.compile(
    r"\b(?:hide\w*|hid|mask\w*|not only|not just|alone|says nothing|misleading|by slice|per[- ]slice"
    r"|per (?:accent|region|tenant|stage)|break\w* (?:it |them )?down|privacy|preserv\w*|but (?:the|a|p9\d|tail|corrections?|barge)"
    r"|tail|p9\d|slice gates?|bury|buries|rather than|instead of|every slice|each slice|all slices pass)\b",
    _I,
)

# no_rollback: refusing to go back, or only ever going forward.
_BACK = _alt(
    r"roll(?:ing|ed)?[- ]?backs?",
    r"rollbacks?",
    # "roll it back", "roll anything back", "roll the model back"
    r"roll(?:ing|ed)?\s+(?:\w+\s+){1,3}back",
    r"revert\w*",
    r"go(?:ing)? back",
    r"downgrad\w*",
)
_NO_ROLLBACK_SAYS = _rx(
    rf"\b(?:no need|never|won't|will not|don't|do not|not going|wouldn't|would not|rather not|no reason|no point|needn't|shouldn't|not worth)\b{_GAP % 12}\b{_BACK}",
    rf"\bno\s+{_BACK}\b",
    rf"\bnothing to\s+{_BACK}",
    rf"\b{_BACK}\s+(?:is|are|would be|seems?)\s+(?:too\b|overkill|unnecessary|not (?:needed|worth|necessary)|pointless|a waste|slow|expensive)",
    rf"\b(?:faster|easier|simpler|quicker|cheaper|better)\s+than\s+(?:\w+\s+){{0,4}}{_BACK}",
    r"\b(?:fix|fixing|fixed|roll|rolling|patch|patching)\s+forward\b",
    r"\bpush\w*\s+(?:a\s+|the\s+)?(?:patch|fix|hot-?fix)\s+forward\b",
    rf"\b(?:rather than|instead of)\s+(?:\w+\s+)?{_BACK}",
    r"\b(?:let|make|have)\s+(?:the\s+)?(?:users|people|customers|them)\s+(?:get used to|adapt|live with)\b",
    r"\bget used to it\b",
)
_NO_ROLLBACK_WEAK = _rx(
    r"\b(?:just|simply|only)\s+(?:push|ship|deploy|release|roll out)\s+(?:out\s+)?(?:a|the)\s+(?:patch|hot-?fix|fix)\b",
    r"\b(?:push|ship|deploy|release|roll)\w*\s+(?:it\s+|out\s+|the\s+\w+\s+)?(?:out\s+)?(?:to|for)\s+(?:everyone|everybody|all\s+(?:users|traffic|tenants|customers|regions)|the whole (?:fleet|user base))\b",
    r"\bstraight (?:to|into) production\b",
    r"\bkeep (?:it|the (?:new )?(?:model|release|version|voice|recogni[sz]er))\b[^.;]{0,30}\b(?:live|in production|in place|running|serving)\b",
)
_NO_ROLLBACK_ANTIDOTE = re.compile(
    rf"\b{_BACK}\b|\b(?:previous|prior|old|last (?:known )?good|earlier)\s+(?:model|version|voice|release|recogni[sz]er|build)\b|\bcanary\b|\bgradual\w*\b|\bstaged\b",
    _I,
)

# mixed_batch_interactive_without_deadlines: offline work put where live traffic is served.
_BATCHY = _alt(
    r"batch (?:jobs?|work|runs?|evals?|evaluations?|scoring|inference|traffic|requests|pipelines?)",
    r"offline",
    r"nightly",
    r"evals?",
    r"evaluations?",
    r"backfills?",
    r"re-?scor\w*",
    r"re-?transcri\w*",
    r"replays?",
    r"bulk",
    r"training",
    r"reprocess\w*",
    r"non-?interactive",
    r"analytics",
    r"long reads?",
)
_POOL = _alt(
    r"queues?",
    r"gpus?",
    r"pools?",
    r"clusters?",
    r"cards",
    r"machines",
    r"capacity",
    r"servers?",
    r"fleet",
    r"hardware",
    r"nodes",
    r"replicas",
    r"boxes",
    r"batch(?:es)?",
)
_LIVE = _alt(
    r"live",
    r"prod(?:uction)?",
    r"serving",
    r"interactive",
    r"online",
    r"real-?time",
    r"same",
    r"shared",
    r"inference",
)
_USER_FACING = _alt(
    r"live", r"interactive", r"online", r"real-?time", r"user-facing", r"prod(?:uction)?"
)
_MIXED_SAYS = _rx(
    # "throw the eval jobs on the prod GPUs"; "nightly re-scoring onto the live serving pool"
    rf"\b{_BATCHY}\b{_GAP % 60}\b(?:on|onto|into|in|through|to|share|sharing|use|using|with)\s+(?:the\s+|a\s+|our\s+)?{_LIVE}\s+(?:\w+\s+)?{_POOL}\b",
    # "one queue for everything"; "a single pool for both"
    rf"\b(?:one|a single|single|same|shared|common)\s+(?:\w+\s+)?{_POOL}\s+(?:for|serves|serving|does|handles|takes)\s+(?:everything|both|all of it|all (?:the )?(?:traffic|work|jobs|requests|workloads))\b",
    rf"\b(?:one|a single)\s+(?:\w+\s+)?{_POOL}\s+(?:does|do|handles|serves)\s+everything\b",
    # "live and offline requests share a single queue"
    rf"\b(?:{_USER_FACING}\b{_GAP % 30}\b(?:and|with|plus)\b{_GAP % 20}\b{_BATCHY}|{_BATCHY}\b{_GAP % 30}\b(?:and|with|plus)\b{_GAP % 20}\b{_USER_FACING})\b{_GAP % 25}\b(?:share|sharing|shared|go into|go in|sit in|land in|use|in|on)\s+(?:a\s+|the\s+)?(?:single|same|one|shared|common)\s+(?:\w+\s+)?{_POOL}\b",
    r"\b(?:batch|mix|blend|combin|merg|lump|pool)\w*\s+(?:everything|it all|all (?:the )?(?:traffic|requests|jobs))\s+together\b",
    rf"\b(?:mix|blend|combin|merg|lump)\w*\s+(?:the\s+)?{_BATCHY}\b{_GAP % 30}\b(?:with|and|into)\b{_GAP % 20}\b(?:live|interactive|real-?time|online)\b",
)
_MIXED_GUARD = re.compile(
    r"\b(?:deadlines?|priorit\w*|separate\w*|isolat\w*|admission|own|dedicated|apart|preempt\w*"
    r"|lower priority|off[- ]peak only|quota|budget\w* per|spare capacity with|reserved)\b",
    _I,
)

# no_slice_analysis: waving the affected slice away.
_SLICE = _alt(
    r"accents?",
    r"regions?",
    r"slices?",
    r"segments?",
    r"groups?",
    r"(?:those|these|a few|some|the) (?:users|callers|calls|clients|speakers|customers)",
    r"complain\w*",
    r"minorit\w*",
    r"outliers?",
)
_NO_SLICE_SAYS = _rx(
    rf"\b{_SLICE}\b{_GAP % 25}\b(?:are|is|were|just|only|mostly)\s+(?:just\s+|only\s+|mostly\s+|probably\s+)?(?:an?\s+)?(?:edge cases?|noise|outliers?|corner cases?|a rounding error|statistical noise|anecdot\w*|normal)\b",
    r"\b(?:will|would|it'?ll|should|they'?ll|it'?s going to|going to)\s+(?:all\s+)?(?:average|wash|even|balance)\s+(?:itself\s+|themselves\s+)?out\b",
    r"\baverag\w*\s+out\b|\bwash(?:es)? out\b",
    r"\b(?:won't|doesn't|does not|will not|don't)\s+move the needle\b",
    r"\b(?:just|only|mostly)\s+(?:statistical\s+)?noise\b",
    r"\b(?:just|only|probably|merely|likely)\s+(?:a\s+)?(?:handful|couple) of\s+(?:\w+\s+)?(?:clients|users|calls|callers|customers|devices|people)\b",
    r"\bnot worth\s+(?:\w+\s+){0,2}(?:splitting|slicing|segmenting|breaking|digging|looking|checking|analy[sz]ing)\b",
    rf"\b(?:no need to|don't|do not|not going to|won't|needn't)\s+(?:\w+\s+)?(?:split|slice|segment|break (?:it |this )?down|dig into|look at|check|examine|analy[sz]e|worry about)\b[^.;!?\n,]{{0,25}}\b(?:individual|each|specific|per|the|those|by)?\s*{_SLICE}",
    r"\bignore (?:the )?complaints\b",
    r"\bsmall (?:share|fraction|slice|part|percentage) of (?:the )?(?:traffic|users|calls)\b"
    r"[^.;!?\n]{0,15}\b(?:anyway|so|doesn't|not)\b",
)
_NO_SLICE_GUARD = re.compile(
    r"\b(?:by (?:accent|region|device|slice|voice|language)|per[- ](?:slice|accent|region)|break\w* (?:it |this )?down|compare|slice the|won't average)\b",
    _I,
)

# requests_private_raw_data: asking for customers' audio or transcripts to read or hear.
_FETCH = _alt(
    r"send",
    r"get",
    r"pull",
    r"download",
    r"export",
    r"grab",
    r"fetch",
    r"collect",
    r"dump",
    r"copy",
    r"share",
    r"give",
    r"bring",
    r"ask\w*(?:\s+\w+){0,3}\s+for",
    r"request",
    r"take",
    r"sample",
    r"need",
    r"want",
    r"hand over",
    r"go through",
    r"review",
)
_NOT_AUDIO_DATA = r"(?!\s+(?:features?|quality|pipeline|stack|path|format|level|front-?end|encoder|codec|chunks?|buffer|device|metrics?|counts?|rates?|volume|duration|length|routing|traffic))"
_PRIVATE = _alt(
    r"raw (?:audio|calls?|recordings?|transcripts?|data|logs|voice)",
    r"recordings",
    r"(?:customer|customers'|user|users'|caller|callers'|support|real|actual|individual|their) calls\b"
    + _NOT_AUDIO_DATA,
    r"(?:their|those|these|customer|customers'|user|users'|caller|callers'|call|support|real|actual|individual) audio\b"
    + _NOT_AUDIO_DATA,
    r"(?:the|their|those|these|customer|customers'|user|users'|caller|callers'|call|support|real|actual|individual) (?:transcripts|recordings|voice (?:data|clips)|utterances|conversations)\b"
    + _NOT_AUDIO_DATA,
    r"transcripts (?:from|of)",
    r"(?:audio|calls|recordings|transcripts) (?:from|of) (?:the |those |these |affected )?(?:users|customers|callers|regions|people)",
    r"calls? (?:audio|recordings?|logs?)",
    r"customer (?:data|audio)",
    r"(?:bunch|sample|few|hundreds?|couple|handful|dozens?|selection|batch) of (?:\w+\s+){0,3}?(?:calls|recordings|conversations|transcripts)\b",
)
_PRIVATE_SAYS = _rx(
    rf"\b{_FETCH}\b{_GAP % 40}\b{_PRIVATE}",
    rf"\b(?:listen|listening|listened|play|playing)\s+(?:to|through|in on|back)\s+(?:a\s+)?(?:few|some|bunch|sample|them|the|those|these|their|customer|real|actual|individual|hundreds|a couple)\b{_GAP % 25}\b(?:calls?|recordings?|audio|conversations|them)\b",
    r"\bread(?:ing)?\s+(?:through\s+)?(?:the\s+|their\s+|those\s+)?(?:customer\s+|call\s+|user\s+|raw\s+)?(?:transcripts|conversations|calls)\b",
)
_PRIVATE_GUARD = re.compile(
    r"\b(?:consent\w*|redact\w*|anonymi[sz]\w*|privacy|opt-?in|approved|de-?identif\w*|aggregate\w*"
    r"|synthetic|permission|dpa|legal review|pseudonymi[sz]\w*|scrubbed|pii-free|volunteer\w*"
    r"|back to|to the (?:old|previous|prior|last))\b",
    _I,
)

# untested_code: saying the code needs no tests, or has had none.
_TESTS = r"(?:unit\s+|edge[- ]case\s+|any\s+|the\s+|more\s+)?test(?:s|ing|ed)?"
_UNTESTED_SAYS = _rx(
    rf"\b(?:didn't|did not|won't|will not|don't|do not|haven't|have not|hasn't|not going to|never|wouldn't|not yet)\s+(?:(?!skip|miss|omit|forget|ship|pass|fail|break)\w+\s+){{0,2}}(?:bother\w*\s+(?:to\s+|with\s+)?)?{_TESTS}\b",
    rf"\b(?:no need (?:for|to)|skip\w*|without|forgo)\s+(?:\w+\s+){{0,2}}?{_TESTS}\b",
    rf"\b(?:doesn't|does not|don't|do not|won't|no|not)\s+(?:really\s+)?need\w*\s+{_TESTS}",
    rf"\bno\s+{_TESTS}\s+(?:needed|necessary|required|this time)\b",
    rf"\b{_TESTS}\s+(?:would be|are|is|seem|feel)s?\s+(?:a bit\s+)?(?:overkill|unnecessary|pointless|a waste|not needed|not necessary|optional|for later)",
    r"\buntested\b",
    r"\b(?:obviously|clearly|trivially|plainly)\s+(?:right|correct|works?|fine)\b",
    r"\btrust me\b",
)


RULES: dict[str, FlagRule] = {
    "aggregate_only_metrics": FlagRule(
        says=_AGGREGATE_SAYS,
        guard=_AGGREGATE_GUARD,
        topic=re.compile(
            r"\b(?:aggregate|overall|average|mean|global|headline|mos|across all|total|one number)\b",
            _I,
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
        says=_NO_ROLLBACK_SAYS,
        weak=_NO_ROLLBACK_WEAK,
        antidote=_NO_ROLLBACK_ANTIDOTE,
        guard=re.compile(
            r"\b(?:after (?:we )?roll\w* back|once (?:we've |we have )?rolled back|rollback (?:plan|target|first)"
            r"|only|affected|slices?|targeted|partial|everyone else|rehears\w*|drill\w*"
            r"|(?:keep|have|maintain|measure|time)\w* (?:a |the )?(?:\w+ )?(?:rollback|revert))\b",
            _I,
        ),
        topic=re.compile(
            r"\b(?:roll\w*|revert\w*|keep|deploy\w*|production|forward|ship\w*|patch\w*)\b", _I
        ),
        clear=re.compile(
            r"\b(?:canary|gradual\w*|rollback (?:plan|target|ready)|(?:previous|prior|old|older|earlier) (?:model|version|voice|release|build)|last good)\b",
            _I,
        ),
        cue=re.compile(
            r"\b(?:no|never|not|don't|won't|keep|forward|everyone|at once|skip\w*|unnecessary)\b",
            _I,
        ),
    ),
    "mixed_batch_interactive_without_deadlines": FlagRule(
        says=_MIXED_SAYS,
        guard=_MIXED_GUARD,
        topic=re.compile(r"\b(?:batch\w*|offline|nightly|backfill\w*|evaluation)\b", _I),
        clear=re.compile(
            r"\b(?:deadlines?|priorit\w*|separate\w*|isolat\w*|admission|own|never|don't|do not|not|off the|away from|apart|dedicated)\b",
            _I,
        ),
        cue=re.compile(r"\b(?:same|together|shared|share|mix\w*|blend\w*|combin\w*|one)\b", _I),
    ),
    "no_slice_analysis": FlagRule(
        says=_NO_SLICE_SAYS,
        guard=_NO_SLICE_GUARD,
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
        says=_PRIVATE_SAYS,
        guard=_PRIVATE_GUARD,
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
        says=_UNTESTED_SAYS,
        topic=re.compile(r"\btest", _I),
        clear=None,
        cue=re.compile(
            # "no-match" and "no-op" name test cases, they do not refuse tests.
            r"\b(?:didn't|not|no(?!-)|never|skip\w*|without|won't|don't|bother\w*|unnecessary|overkill)\b",
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


def _antidote(rule: FlagRule, answer: str) -> bool:
    """The answer says, somewhere and not negated, what makes a `weak` pattern harmless."""
    if rule.antidote is None:
        return False
    return any(not governed_by_negation(answer, m.start()) for m in rule.antidote.finditer(answer))


def _evidence(text: str, start: int, end: int) -> str:
    """The sentence, or the clause around the hit when the sentence runs on (a transcript)."""
    if len(text) <= 240:
        return text
    a, b = clause_around(text, start, end)
    return text[a:b].strip()


def _guarded(rule: FlagRule, clause: str) -> bool:
    """The clause says something that makes the flag's words harmless ("consented", "own
    queue"), and does not negate it ("without consent")."""
    if rule.guard is None:
        return False
    return any(not governed_by_negation(clause, m.start()) for m in rule.guard.finditer(clause))


def find_trigger(rule: FlagRule, text: str, answer: str) -> str | None:
    """The evidence for the flag's patterns in `text` (a sentence), or None."""
    groups = [rule.says]
    if rule.weak and not _antidote(rule, answer):
        groups.append(rule.weak)
    for patterns in groups:
        for pattern in patterns:
            for m in pattern.finditer(text):
                if governed_by_negation(text, m.start()):
                    continue
                a, b = clause_around(text, m.start(), m.end())
                if _guarded(rule, text[a:b]):
                    continue
                return _evidence(text, m.start(), m.end())
    return None


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
    # Code without tests is only a failing of code: a spoken answer that says "no tests" is
    # about something else.
    rules = {k: r for k, r in RULES.items() if coding or k != "untested_code"}
    # A sentence's first unit is the whole sentence; its clauses follow it.
    heads: dict[int, int] = {}
    for u, unit in enumerate(units):
        if unit.sentence >= 0:
            heads.setdefault(unit.sentence, u)
    for u, unit in enumerate(units):
        # List items are pieces of a sentence that is read whole.
        if unit.kind == "item" or (unit.is_code and not unit.text.lstrip().startswith("#")):
            continue
        # Patterns read whole sentences, so a negation before a clause still governs it.
        whole = unit.is_code or heads.get(unit.sentence) == u
        sentence = units[heads[unit.sentence]].text if unit.sentence in heads else unit.text
        for flag_id, rule in rules.items():
            if flag_id in hits:
                continue
            text = unit.text
            if whole:
                found = find_trigger(rule, text, answer)
                if found:
                    hits[flag_id] = FlagHit(flag_id, found, u)
                    continue
            if not rule.topic.search(text) or (rule.clear and rule.clear.search(text)):
                continue
            # A clause is read with its sentence's counter-evidence ("..., only the affected
            # regions go back").
            if _guarded(rule, sentence):
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
