"""Cut an answer into units (sentences, clauses, code lines) and tell claims from term lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'_-]*")
_SENT_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# Clause boundaries inside a long sentence: a new claim often starts after these.
_CLAUSE = re.compile(
    r",\s+(?:and\s+|but\s+|so\s+|then\s+|or\s+)?|;\s+|:\s+|\s+(?:and then|then|and|but|because|so that|while|so)\s+"
)
_CODE_LINE = re.compile(
    r"^\s*(def |return\b|for |while |if |elif |else:|import |from \S+ import|class |#|[A-Za-z_][\w\[\]'\".]*\s*[+\-*/]?=[^=])"
)

# Words that make a sentence assert or propose something. No POS tagger ships here, so a
# closed list of auxiliaries plus the verbs engineers use when they explain what they would do.
_AUX = {
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "do",
    "does",
    "did",
    "done",
    "have",
    "has",
    "had",
    "will",
    "would",
    "should",
    "could",
    "can",
    "may",
    "might",
    "must",
    "shall",
    "need",
    "needs",
    "i'd",
    "we'd",
    "i'll",
    "we'll",
    "it's",
    "that's",
    "i'm",
    "we're",
    "they're",
    "there's",
    "let's",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "isn't",
    "aren't",
    "keeps",
    "gets",
    "goes",
    "makes",
    "means",
    "lets",
    "helps",
}
VERBS = set(
    """
    add adjust admit agree alert align allow analyse analyze answer append apply ask assemble
    assert assume audit avoid batch begin block break bring build bump buy cache call cap catch
    change check choose chain clarify collect communicate compare compute confirm consider
    contain count cover cut debug decide decrement define degrade deploy describe design detect
    diff divide drop emit enable ensure escalate establish estimate evaluate evict examine expect
    explain export extract fall fetch filter find fix fixes fire flag follow freeze gate gather
    get give grab group guard halt handle hold identify ignore implement improve increment inform
    inspect instrument investigate isolate iterate keep know label launch learn limit listen
    log look loop lower maintain mark match measure merge migrate mitigate monitor move narrow
    notify open order page partition pass pause pick pin plan pop post prefer prevent prioritize
    prioritise profile promote protect prove pull push put quantize quantise queue rank read
    reduce reject release remove replay report reproduce request require reroute restore retrain
    return reuse revert review roll route run save scale schedule scope segment select send
    separate set shed ship show shrink skip slice sort speak split start state stop store stream
    swap switch take talk tell test think throttle tighten trace track treat trigger trim try
    tune turn understand update use validate verify version wait walk want warm watch work write
    yield accept justify lay blend preserve warm
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_FUNCTION_WORDS = {
    "i",
    "we",
    "you",
    "they",
    "it",
    "that",
    "this",
    "which",
    "who",
    "because",
    "so",
    "if",
    "when",
    "then",
    "than",
    "to",
    "of",
    "in",
    "on",
    "for",
    "with",
    "by",
    "from",
    "at",
    "as",
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "not",
    "no",
    "only",
    "first",
    "before",
    "after",
    "each",
    "every",
    "all",
    "what",
    "how",
    "why",
    "where",
    "our",
    "my",
    "their",
    "its",
}


# A list introduced by one of these talks about the answer, not about the system. "Covers",
# "mentions" and "includes" only when the answer is their subject: "I'd cover empty input,
# ..." is a test plan, "my answer covers ..." is a table of contents.
_META = re.compile(
    r"\b(touch(es)? on|keywords?|buzzwords?|topics?|terms?|key ?points?|concepts?)\b"
    r"|\b(answer|response|reply|this|it|above|solution)\s+(also\s+)?"
    r"(covers?|mentions?|includes?|addresses|discusses)\b"
    r"|^\s*(covers?|mentions?|includes?|covered|mentioned|included)\b",
    re.IGNORECASE,
)


# Words that open a new clause after "and" or a comma (otherwise the comma separates list items).
_STARTERS = {
    "i",
    "we",
    "you",
    "they",
    "it",
    "this",
    "that",
    "then",
    "also",
    "first",
    "next",
    "finally",
    "afterwards",
    "after",
    "before",
    "if",
    "when",
    "once",
    "so",
    "because",
    "while",
    "every",
    "each",
    "our",
    "my",
    "no",
    "nothing",
    "only",
    "since",
    # A new question in a run of questions ("what traffic ..., how fast ..., who may ...").
    "what",
    "which",
    "how",
    "who",
    "whether",
    "where",
    "why",
}


@dataclass(frozen=True)
class Unit:
    """A piece of the answer that can be evidence: its text is verbatim from the answer.

    kind: "claim" (a sentence or clause that asserts or proposes something), "list" (a claim
    that is mostly a list of terms: it may show few criteria), "terms" (no claim: no credit),
    "item" (one to three consecutive items of a list that hangs on a verb, "Consider A, B, C":
    each item is a proposal of its own, read with the verb in front of it).
    """

    text: str
    start: int
    is_code: bool = False
    kind: str = "claim"
    # Where the sentence this unit belongs to starts (a clause shares its sentence's).
    sentence: int = -1
    # The verb an item hangs on ("Consider", "I'd ask about"), read before the item's text.
    lead: str = ""

    @property
    def is_claim(self) -> bool:
        return self.kind != "terms"

    @property
    def query(self) -> str:
        """What is embedded: the text, with the verb it hangs on when it is a list item."""
        if self.lead and not self.text.startswith(self.lead):
            return f"{self.lead} {self.text}"
        return self.text


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def has_verb(text: str) -> bool:
    for w in words(text):
        if w in _AUX or w in VERBS:
            return True
        if w.endswith("n't") or w.endswith("'ll") or w.endswith("'d"):
            return True
        # Inflections of listed verbs: "routes", "routed", "routing", "froze"...
        for suffix in ("s", "es", "ed", "d", "ing"):
            if w.endswith(suffix) and w[: -len(suffix)] in VERBS:
                return True
        if w.endswith("ing") and (w[:-3] + "e") in VERBS:
            return True
        if w.endswith("ied") and (w[:-3] + "y") in VERBS:
            return True
    return False


_SUBJECTS = {"i", "we", "you", "they", "it", "he", "she", "there"}


def _subject_or_aux(ws: list[str]) -> bool:
    """A subject, an auxiliary or a contraction ("we'd", "it's") among the words."""
    return any(w in _AUX or w in _SUBJECTS or "'" in w for w in ws)


def is_bare(item: str) -> bool:
    """A short phrase with no subject or auxiliary: a term, even if a word in it can be a verb
    ("streaming retrieval", "turn latency", "version ASR")."""
    ws = words(item)
    return len(ws) <= 4 and not _subject_or_aux(ws)


def is_term_list(text: str) -> bool:
    """A run of comma-separated noun phrases (or bare terms) with little connecting language."""
    ws = words(text)
    if not ws:
        return True
    items = [p for p in re.split(r",|;|\band\b|\bor\b", text) if p.strip()]
    function_share = sum(1 for w in ws if w in _FUNCTION_WORDS) / len(ws)
    if len(items) >= 5:
        bare = sum(1 for it in items if is_bare(it))
        if bare / len(items) >= 0.6:
            return True
    # A long string of words with almost no function words is buzzwords strung together.
    return len(ws) >= 12 and function_share < 0.08


def is_code_line(line: str) -> bool:
    return bool(_CODE_LINE.match(line)) or line.startswith(("    ", "\t"))


def split_units(answer: str) -> list[Unit]:
    """Sentences, then clauses of long sentences; code lines stay whole. Texts are verbatim."""
    units: list[Unit] = []
    pos = 0
    for raw_line in answer.splitlines(keepends=True):
        line = raw_line.rstrip("\n")
        line_start = pos
        pos += len(raw_line)
        if not line.strip():
            continue
        if is_code_line(line):
            stripped = line.strip()
            units.append(Unit(stripped, line_start + line.index(stripped), is_code=True))
            continue
        for sent, s_start in _spans(line, _SENT_END):
            if is_spoken_run(sent):
                # Too little punctuation to carry the structure (a transcript, run-on typing):
                # each spoken clause is read as a sentence of its own, so the stuffing check
                # judges one clause at a time, not the whole answer as one list.
                for clause, c_start in spoken_clauses(sent):
                    kind = None if spoken_claim(clause) else "terms"
                    units.extend(_sentence_units(clause, line_start + s_start + c_start, kind))
            else:
                units.extend(_sentence_units(sent, line_start + s_start))
    return units


# Where a speaker starts a new clause when nothing is written down: connectives, discourse
# markers, and a speaker announcing what they would do. The marker opens the clause it starts.
_SPOKEN_START = re.compile(
    r"\b(?:and then|and so|and also|and after that|after that|and because|because|but|so|then"
    r"|also|if|going forward|from now on|in the future|long term|let me|let's"
    r"|i would|we would|i'd|we'd|i'll|we'll|i want|we want"
    r"|and (?=(?:i|we|you|what|how|who|whether|which|where|when|after|every)\b)"
    r"|(?:first|second|third|next|finally)(?=\s+(?:i|we|you|i'd|we'd|i'll|we'll|let)\b))\b",
    re.IGNORECASE,
)
_WH_WORD = re.compile(r"\b(?:what|how|who|whether|which|where|why|when)\b", re.IGNORECASE)
_EMBEDDING = {"how", "what", "why", "where", "when", "whether", "which", "who", "that", "often"}


def _previous_word(text: str, pos: int) -> str:
    found = _WORD.findall(text[max(0, pos - 40) : pos])
    return found[-1].lower() if found else ""


_AND_WORD = re.compile(r"\band\s+([a-z]+)\b", re.IGNORECASE)
# Fillers carry no content: they end a clause and are dropped.
_FILLER = re.compile(r"\b(?:um+|uh+|erm|you know|i mean|like i said)\b", re.IGNORECASE)
_PUNCT = re.compile(r"[,;:.!?]")
SPOKEN_MIN_WORDS = 20
# One punctuation mark per this many words or fewer: the text is not punctuated enough to cut.
SPOKEN_WORDS_PER_MARK = 15
_MIN_CLAUSE_WORDS = 4
_FRAGMENT_WORDS = 8


# A determiner that opens a new subject ("... to a human the router escalates ..."), when a
# finite verb follows within three words and the word before it cannot govern it as an object.
_DETERMINERS = {"the", "every", "each", "our", "their", "these", "those", "all", "any"}
_GOVERNORS = {
    "of",
    "in",
    "on",
    "for",
    "with",
    "by",
    "from",
    "at",
    "as",
    "to",
    "into",
    "over",
    "about",
    "than",
    "and",
    "or",
    "is",
    "are",
    "was",
    "be",
}


_BE = {"is", "are", "was", "were", "will", "would", "should", "must", "can", "could"}


def _finite(word: str) -> bool:
    return word in _AUX or (word.endswith("s") and (word[:-1] in VERBS or word[:-2] in VERBS))


def _subject_cuts(sent: str, spans: list[list[int]]) -> list[tuple[int, int]]:
    """A clause still long enough to be a run-on is cut where a new subject starts."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        found = list(_WORD.finditer(sent, a, b))
        if len(found) < SPOKEN_MIN_WORDS:
            out.append((a, b))
            continue
        low = [m.group(0).lower() for m in found]
        start = a
        for i in range(_MIN_CLAUSE_WORDS, len(found) - _MIN_CLAUSE_WORDS):
            if low[i - 1] in _GOVERNORS or low[i - 1] in _DETERMINERS or has_verb(low[i - 1]):
                continue
            # "the router escalates", or a bare subject right before its auxiliary ("releases
            # are gated", "latency is").
            opens = (low[i] in _DETERMINERS and any(_finite(w) for w in low[i + 1 : i + 4])) or (
                low[i] not in _FUNCTION_WORDS and low[i + 1] in _BE
            )
            if opens and len(words(sent[start : found[i].start()])) >= _MIN_CLAUSE_WORDS:
                out.append((start, found[i].start()))
                start = found[i].start()
        out.append((start, b))
    return out


# Words a speaker opens a clause with before its content ("ok so then ...").
_DISCOURSE = {
    "ok",
    "okay",
    "so",
    "right",
    "well",
    "yeah",
    "and",
    "then",
    "also",
    "first",
    "second",
    "third",
    "next",
    "finally",
    "after",
    "that",
    "because",
    "but",
    "if",
    "only",
    "just",
}
# A clause with at least this share of function words is connected language, not a term run.
SPOKEN_FUNCTION_SHARE = 0.15


def spoken_claim(clause: str) -> bool:
    """Whether a clause cut from a transcript asserts or proposes something.

    Written text shows its structure in punctuation; speech does not, and many nouns engineers
    say ("batching", "gates", "tuning") look like verbs. So a spoken clause claims only with a
    subject or auxiliary ("we'd", "it is"), an imperative opening ("keep warm pools"), or a
    verb inside connected language; a string of noun phrases with a verb-like noun does not.
    """
    ws = words(clause)
    if not ws or not has_verb(clause):
        return False
    if _subject_or_aux(ws):
        return True
    content = [w for w in ws if w not in _DISCOURSE]
    if content and content[0] in VERBS:
        return True
    return sum(1 for w in ws if w in _FUNCTION_WORDS) / len(ws) >= SPOKEN_FUNCTION_SHARE


def is_spoken_run(sent: str) -> bool:
    n = len(words(sent))
    if n < SPOKEN_MIN_WORDS:
        return False
    return len(_PUNCT.findall(sent.rstrip(".!? "))) * SPOKEN_WORDS_PER_MARK < n


def spoken_clauses(sent: str) -> list[tuple[str, int]]:
    """Cut an unpunctuated run at spoken connectives and fillers; texts are verbatim.

    A piece too short to claim anything ("so first") joins the piece after it."""
    cuts: list[tuple[int, int]] = [(m.start(), m.end()) for m in _FILLER.finditer(sent)]
    starts = [m.start() for m in _SPOKEN_START.finditer(sent)]
    # "... and compare the slices": "and" before a verb in its plain form coordinates a new
    # proposal, not another item of a list.
    starts += [m.start() for m in _AND_WORD.finditer(sent) if m.group(1).lower() in VERBS]
    # A run of spoken questions ("... fall back to text what number counts as good"): a
    # question word starts a clause unless a verb or preposition governs it ("know what").
    starts += [
        m.start()
        for m in _WH_WORD.finditer(sent)
        if (prev := _previous_word(sent, m.start()))
        and prev not in _GOVERNORS
        and prev not in _FUNCTION_WORDS
        and not has_verb(prev)
    ]
    # "how often we'd ship": a subject inside an embedded question does not start a clause.
    starts = [a for a in starts if _previous_word(sent, a) not in _EMBEDDING]
    pieces: list[tuple[int, int]] = []
    bounds = sorted({0, len(sent), *starts, *(a for a, _ in cuts), *(b for _, b in cuts)})
    for a, b in zip(bounds, bounds[1:], strict=False):
        if any(ca <= a and b <= cb for ca, cb in cuts):
            continue
        if sent[a:b].strip():
            pieces.append((a, b))
    merged: list[list[int]] = []
    carry: int | None = None
    for a, b in pieces:
        a = carry if carry is not None else a
        # A short fragment with no verb ("then how much traffic like") heads what follows.
        n = len(words(sent[a:b]))
        # ...unless the speaker paused after it ("because the rate doubled, um").
        paused = any(ca == b for ca, _ in cuts)
        fragment = n < _FRAGMENT_WORDS and not has_verb(sent[a:b]) and not paused
        if n < _MIN_CLAUSE_WORDS or fragment:
            carry = a
            continue
        carry = None
        merged.append([a, b])
    if carry is not None:
        if merged:
            merged[-1][1] = len(sent)
        else:
            merged.append([carry, len(sent)])
    out: list[tuple[str, int]] = []
    for a, b in _subject_cuts(sent, merged):
        piece = sent[a:b]
        stripped = piece.strip(" ,;:")
        if words(stripped):
            out.append((stripped, a + piece.index(stripped)))
    return out


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    last = 0
    for m in pattern.finditer(text):
        _add_span(text, last, m.start(), out)
        last = m.end()
    _add_span(text, last, len(text), out)
    return out


def _add_span(text: str, a: int, b: int, out: list[tuple[str, int]]) -> None:
    piece = text[a:b]
    stripped = piece.strip()
    if stripped:
        out.append((stripped, a + piece.index(stripped)))


# Before the verb a list hangs on: a subject, a modal, a sequencing word.
_LEAD_SKIP = {
    "i",
    "we",
    "you",
    "i'd",
    "we'd",
    "i'll",
    "we'll",
    "would",
    "should",
    "will",
    "could",
    "can",
    "must",
    "then",
    "first",
    "also",
    "and",
    "so",
    "next",
    "finally",
    "to",
    "let's",
}
_LEAD_PREP = {"about", "for", "on", "into", "by", "with", "at", "over", "in", "to"}


def lead_verb(text: str) -> str:
    """The words up to the verb a list hangs on, as written ("Consider", "I'd ask about"),
    or "" when the sentence does not open with an action: a noun-phrase dump has no lead,
    and neither does a list that talks about the answer ("my answer covers ...")."""
    head = re.split(r",|:|;", text, maxsplit=1)[0]
    if _META.search(head):
        return ""
    found = list(_WORD.finditer(head))
    for i, m in enumerate(found[:4]):
        low = m.group(0).lower()
        if low in VERBS:
            end = m.end()
            if i + 1 < len(found) and found[i + 1].group(0).lower() in _LEAD_PREP:
                end = found[i + 1].end()
            return head[:end].strip()
        if low not in _LEAD_SKIP:
            return ""
    return ""


_ITEM_SEP = re.compile(r"\s*[,;]\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
MAX_ITEM_RUN = 3


def list_items(sent: str, start: int, lead: str) -> list[Unit]:
    """Runs of one to three consecutive items of a verb-led list, each quoted verbatim."""
    body = sent.rstrip(".!? ")
    items = [(t, off) for t, off in _spans(body, _ITEM_SEP) if words(t)]
    if len(items) < 3:
        return []
    # Each item hangs on the nearest verb before it: "freeze X, route Y, Z" reads "route Z".
    leads: list[str] = []
    current = lead
    for text, _ in items:
        own = lead_verb(text)
        leads.append("" if own else current)
        current = own or current
    out: list[Unit] = []
    for i in range(len(items)):
        for j in range(i, min(len(items), i + MAX_ITEM_RUN)):
            a = items[i][1]
            b = items[j][1] + len(items[j][0])
            out.append(Unit(body[a:b], start + a, kind="item", sentence=start, lead=leads[i]))
    return out


def unit_kind(text: str) -> str:
    if not has_verb(text):
        return "terms"
    if is_term_list(text):
        head = re.split(r",|:", text, maxsplit=1)[0]
        items = [p for p in re.split(r",|;", text) if p.strip()]
        bare = sum(1 for it in items if is_bare(it))
        # A long run of bare terms is stuffing whatever verb leads it; so is a list that talks
        # about the answer ("my answer covers ...") or a comma-free string of buzzwords.
        # A run of bare terms is stuffing whatever verb hides among them, unless a real clause
        # leads it ("I'd slice it by region, device, noise...": a claim with a list of dimensions).
        if len(items) >= 6 and bare / len(items) >= 0.7 and is_bare(items[0]):
            return "terms"
        if _META.search(head) or len(words(text)) >= 12 and not re.search(r"[,;:]", text):
            return "terms"
        return "list"
    return "claim"


def _clauses(sent: str) -> list[tuple[str, int]]:
    """Cut at conjunctions and punctuation; a piece under three words (a list item) stays
    with the piece before it, so "compare region, device, noise" is one clause."""
    merged: list[list[int]] = []
    for text, off in _spans(sent, _CLAUSE):
        ws = words(text)
        first = (ws or [""])[0]
        # A piece with its own verb ("..., and positive delta means worse") is a clause too.
        starts_clause = (
            first in _STARTERS
            or has_verb(first)
            or (len(ws) >= 3 and not is_bare(text) and has_verb(text))
        )
        if merged and (len(words(text)) < 3 or not starts_clause):
            merged[-1][1] = off + len(text)
        else:
            merged.append([off, off + len(text)])
    if merged and len(words(sent[merged[0][0] : merged[0][1]])) < 3 and len(merged) > 1:
        merged[1][0] = merged[0][0]
        merged.pop(0)
    return [(sent[a:b].rstrip(",;: "), a) for a, b in merged]


def _sentence_units(sent: str, start: int, kind: str | None = None) -> list[Unit]:
    kind = kind or unit_kind(sent)
    units = [Unit(sent, start, kind=kind, sentence=start)]
    if kind in ("list", "terms") and re.search(r"[,;]", sent):
        # A list that hangs on a verb ("Consider A, B, C") proposes each item; the scorer
        # credits its items only when the answer argues something besides lists.
        lead = lead_verb(sent)
        if lead:
            units.extend(list_items(sent, start, lead))
    if len(words(sent)) >= 8:
        parts = _clauses(sent)
        if len(parts) > 1:
            for text, off in parts:
                # A clause of a claim is a claim ("I'd do X and Y" proposes both), unless it is
                # itself a bare list; a clause of a non-claim earns nothing either.
                sub = "terms" if kind == "terms" else ("list" if is_term_list(text) else kind)
                units.append(Unit(text, start + off, kind=sub, sentence=start))
    return units


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()
