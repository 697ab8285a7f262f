"""What the interviewer says back: acknowledgements and follow-up questions.

Offline, a follow-up is the bank's probe (or its harder `deepen`) phrased against a phrase the
candidate actually said. With an LLM configured, the LLM drafts it from the missed criterion, the
candidate's words and the strong answer; a draft that fails, is malformed, or shares a long run of
words with the strong answer is thrown away and the bank probe is used instead.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

from question_bank import Criterion, Prompt
from voice.words import (
    CLAUSE_BREAK,
    FOLLOWED,
    asks_a_question,
    asks_to_repeat,
    ends_unfinished,
    normalise,
    only_thinking,
    split_follow_check,
)

# A draft sharing this many consecutive words with the strong answer gives it away.
LEAK_NGRAM = 6
_WORD = re.compile(r"[a-z0-9']+")
_STOP = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "this",
        "that",
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "my",
        "our",
        "your",
        "their",
        "as",
        "so",
        "if",
        "then",
        "than",
        "do",
        "does",
        "did",
        "not",
        "no",
        "yes",
        # Question words and the like: "who are the users" is not about who signs off an update.
        "who",
        "which",
        "what",
        "how",
        "when",
        "where",
        "why",
        "those",
        "these",
        "there",
        "here",
        "would",
        "will",
        "can",
        "could",
        "should",
        "about",
        "all",
        "any",
        "some",
        "each",
        "its",
        "it's",
        "i'd",
        "i'll",
        "we'd",
        "we'll",
        "that's",
        "have",
        "has",
        "had",
        "also",
        "just",
        "very",
        "into",
        "out",
        # Words any answer says: "First, I would check..." does not touch freezing a promotion.
        "first",
        "before",
        "after",
        "add",
        "down",
        "up",
        "one",
        "two",
        "three",
        "whether",
        "need",
        "want",
        "like",
        "know",
        "think",
        "thing",
        "things",
        "really",
        "actually",
        "maybe",
        "still",
        "even",
        "much",
        "many",
        "more",
        "most",
        "other",
        "same",
        "make",
        "get",
        "way",
    ]
)

FOLLOW_UP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"question": {"type": "string"}},
    "required": ["question"],
}


class LLMUnavailable(Exception):
    """The LLM could not be reached or answered nonsense; the caller goes offline."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+|\n+", text.strip())
    return [p.strip() for p in parts if len(p.strip()) > 3]


# "That's my answer.", "That's it.", "That's all from me.": how an answer ends, not what it says.
_THATS_ALL = r"that(?:'s| is) (?:my (?:final |whole )?answer|it|all)(?: (?:i have|from me|for me))?"
# Never read back ("You focused on \"the latency, that's my answer\""), even when a later turn
# follows it in the answer so far. A sentence of its own goes with its full stop.
_SIGN_OFF_WORDS = r"\b(?:and |so )?" + _THATS_ALL
# At a sentence's end only: "That is all handled by the cache." says something.
_SENTENCE_ENDS = r"(?:[.!?]+(?=\s|$)|\s*$)"
_SIGN_OFF_SENTENCE = re.compile(r"(?<=[.!?])\s+" + _SIGN_OFF_WORDS + _SENTENCE_ENDS, re.I)
_SIGN_OFF = re.compile(r"[\s,;:-]*" + _SIGN_OFF_WORDS + r"(?=" + _SENTENCE_ENDS + ")", re.I)


def _quotable_sentences(text: str) -> list[str]:
    """The sentences a quote may come from: the answer without its sign-offs."""
    return _sentences(_SIGN_OFF.sub("", _SIGN_OFF_SENTENCE.sub("", text.strip())))


# "Nothing to add.", "I don't know.", "Let's move on.": to a follow-up, the same as no answer
# (the score stands and the exam moves on). Said aloud there is no empty answer to give.
_ADDS_NOTHING = re.compile(
    r"^(?:(?:no|sorry|honestly|well|so|and|um|uh|hmm|okay|ok|yeah|i think) )*"
    r"(?:nothing(?: else| more)?(?: to add)?(?: from me)?|i have nothing(?: else| more)?(?: to add)?"
    r"|" + _THATS_ALL + r"|i (?:don't|do not) know(?: that| this)?"
    r"|i'm not sure|not sure|no idea|i have no idea|i (?:can't|cannot) think of anything(?: else)?"
    r"|(?:let's|can we|could we|shall we|i'd like to) (?:move on|skip(?: this| it| this one)?)"
    r"(?: to the next (?:one|question))?"
    r"|next(?: question| one)?|(?:i'll )?pass|skip(?: it| this| this one)?)"
    r"(?: (?:sorry|please|honestly|to be honest|here|there|on this|on that))*$"
)


# "Wait, actually, let me start over.": how an answer begins again, not what it says.
_STARTS_OVER = re.compile(
    r"^(?:(?:wait|actually|sorry|no|okay|ok|oh|um|uh|hmm|so|hold on) )*"
    r"(?:let me (?:start (?:over|again)|rephrase(?: that)?|try (?:that )?again|back up)"
    r"|scratch that|start(?:ing)? over)$"
)


def _declines(sentence: str) -> bool:
    """ "I don't know.", "Not sure, sorry.", "Pass.": a sentence that only declines."""
    return bool(_ADDS_NOTHING.match(normalise(sentence)))


def _nothing_to_quote(sentence: str) -> bool:
    """A sentence that declines, or only says the answer starts again."""
    said = normalise(sentence)
    return bool(_ADDS_NOTHING.match(said) or _STARTS_OVER.match(said))


def adds_nothing(answer: str) -> bool:
    """True for no answer, or one that only declines: "I don't know. Let's move on." """
    said = [s for s in _sentences(answer) if not only_thinking(s)]
    return all(_declines(s) for s in said)


_SKIP = re.compile(r"\b(?:move on|skip|next(?: question| one)?|pass)\b")


def asks_to_skip(answer: str) -> bool:
    """An answer that only declines, and asks to go on: "Pass.", "Can we skip this one?" (not
    "I don't know.", which a follow-up may still draw out)."""
    return bool(answer.strip()) and adds_nothing(answer) and bool(_SKIP.search(normalise(answer)))


# Where a clause too long to read back has no comma (the ASR leaves some out), it parts here.
_CONNECTIVE_BREAK = re.compile(
    r"\s+(?=(?:and|but|because|so|then|which|where|while|whereas)\s)", re.IGNORECASE
)
# A quote read back starts and ends on words of its own: "the cost ceiling", not "and the cost
# ceiling", "um the first thing" or "I pin down the constraints, who are the...".
_TRAILING = {"and", "but", "so", "or", "then", "because", "plus", "um", "uh", "er", "erm", "hmm"}
_TRAILING |= {"yeah"}
# At the start, also words that end phrases of their own ("it works well", "to the right").
_LEADING = _TRAILING | {"also", "well", "okay", "ok", "right"}
# A sentence's opening clause on these is only its setting ("In production,", "When the model
# drifts,"): read back alone, it says nothing of what the candidate would do.
_LEAD_INS = {"after", "although", "as", "at", "because", "before", "by", "during", "for", "from"}
_LEAD_INS |= {"given", "if", "in", "on", "once", "since", "though", "under", "unless", "until"}
_LEAD_INS |= {"when", "whenever", "while", "with", "within", "without"}
_QUOTE_WORDS = 12
_SENTENCE_WORDS = 14  # a sentence this short is read back whole
_MIN_QUOTE_WORDS = 3
_SAYS_SOMETHING = 3  # content words


def _trim(text: str) -> str:
    return text.strip().strip("-\u2013\u2014").strip().rstrip(".!?;:,").strip()


def _bare(token: str) -> str:
    return token.lower().strip(".,;:!?\"'")


def _clip(text: str, max_words: int = _QUOTE_WORDS) -> str:
    """The first max_words words, not ending on a word that leads into the next ("the")."""
    tokens = _trim(text).split()
    if len(tokens) <= max_words:
        return " ".join(tokens)
    kept = tokens[:max_words]
    while len(kept) > max_words // 2 and _bare(kept[-1]) in _STOP | _TRAILING:
        kept.pop()
    return " ".join(kept).rstrip(",;:") + "..."


def _tidy(text: str) -> str:
    """Without the "and", "so", "um" it starts or ends on ("cache things, and" is "cache
    things")."""
    tokens = text.split()
    while len(tokens) > 1 and _bare(tokens[0]) in _LEADING:
        tokens.pop(0)
    # Nor on a word that leads into what was cut off: "calling in and from" is "calling in".
    while len(tokens) > 1 and (
        _bare(tokens[-1]) in _TRAILING or ends_unfinished(_trim(" ".join(tokens)) + ".")
    ):
        tokens.pop()
    return _trim(" ".join(tokens))


def _pieces(text: str, breaks: re.Pattern[str], offset: int = 0) -> list[tuple[int, int]]:
    """Spans of text between the matches of breaks (shifted by offset), empty ones left out."""
    spans, pos = [], 0
    for m in breaks.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(offset + a, offset + b) for a, b in spans if text[a:b].strip()]


def _quotes(
    sentence: str, max_words: int = _QUOTE_WORDS, on_point: Callable[[str], bool] | None = None
) -> list[tuple[str, str]]:
    """What of one sentence can be read back, as (its opening clause, the quote), in order: all
    of a short one, else from each clause a run of clauses that fits (a spoken answer is often
    one long sentence of commas); a clause too long for any run is clipped.

    A run is as long as fits, except from a clause on_point: then it goes on only through the
    clauses that are on the point too (or while it is a word or two: "privacy, and the cost
    ceiling", or ends on a word that leads on: "the first thing I'd ask is, who is calling
    in"), so the quote is what the probe is about."""
    text = _trim(sentence)
    if len(text.split()) <= max(max_words, _SENTENCE_WORDS):
        return [(text, _tidy(text))] if text else []
    clauses: list[tuple[int, int]] = []
    for a, b in _pieces(text, CLAUSE_BREAK):
        long = len(text[a:b].split()) > max_words
        clauses += _pieces(text[a:b], _CONNECTIVE_BREAK, a) if long else [(a, b)]
    quotes: list[tuple[str, str]] = []
    for i, (a, b) in enumerate(clauses):
        pointed = on_point is not None and on_point(text[a:b])
        end = b
        for a2, b2 in clauses[i + 1 :]:
            if len(text[a:b2].split()) > max_words:
                break
            if (
                pointed
                and len(text[a:end].split()) >= _MIN_QUOTE_WORDS
                and not ends_unfinished(_trim(text[a:end]))  # "the first thing I'd ask is,"
                and not on_point(text[a2:b2])
            ):
                break
            end = b2
        quotes.append((text[a:b], _clip(_tidy(text[a:end]), max_words)))
    return quotes


def _leads_in(clause: str) -> bool:
    tokens = clause.split()
    return bool(tokens) and _bare(tokens[0]) in _LEAD_INS


def _related_phrase(
    answer: str, hint: str = "", avoid: list[str] | None = None, *, focus: str = ""
) -> tuple[str, bool]:
    """A short phrase the candidate said, preferably the one closest to `hint` (first to its
    `focus`, the point's own terms), and whether it shares any content word with the hint.

    The phrase is a sentence, or in a long one a run of clauses opening on the clause closest
    to the hint (or, where none touches it, the sentence's opening clauses). Phrases already
    quoted in `avoid` (earlier follow-ups) are skipped while others remain.
    """
    hint_words = {w for w in words(hint) if w not in _STOP}
    focus_words = {w for w in words(focus) if w not in _STOP}

    def content(text: str) -> set[str]:
        return {w for w in words(text) if w not in _STOP}

    def says_something(sentence: str) -> tuple[bool, int]:
        # Not "Mm-hmm.", "Okay, let me think.", "Could you repeat the question?" or "Is it on
        # the device?" said before the answer and kept in front of it, nor "I'm not sure." or
        # "Let me start over."
        aside = (
            only_thinking(sentence)
            or asks_to_repeat(sentence)
            or asks_a_question(sentence)
            or _nothing_to_quote(sentence)
        )
        return not aside, min(len(content(sentence)), _SAYS_SOMETHING)

    def touching(clause: str) -> bool:
        return bool(content(clause) & hint_words)

    candidates = []
    for si, sentence in enumerate(_quotable_sentences(answer)):
        said = says_something(sentence)
        quotes = _quotes(sentence, on_point=touching)
        for ci, (opening, quote) in enumerate(quotes):
            said_there = content(opening)
            touches = (len(said_there & focus_words), len(said_there & hint_words))
            overlap = len(content(quote) & hint_words)
            # "In production" alone, where the sentence goes on to what they would do.
            lead_in_only = len(quotes) > 1 and quote == _tidy(opening) and _leads_in(quote)
            # The clause that touches the point most (not only a setting, among those), then the
            # quote around it; else a sentence that says something, the earliest, from its start.
            key = (touches, not lead_in_only, overlap, said, -si, -ci)
            candidates.append((key, quote, overlap))
    if not candidates:
        return "", False
    fresh = [c for c in candidates if not any(c[1] in quoted for quoted in avoid or [])]
    _, best, overlap = max(fresh or candidates, key=lambda c: c[0])
    if not content(best) or only_thinking(best) or _nothing_to_quote(best):
        # "Yeah.", "Mm-hmm.": nothing to read back; nor "I don't know." (it drew 'You focused
        # on "I don't know".' before the probe).
        return "", False
    return best, overlap > 0


def candidate_phrase(answer: str, hint: str = "", avoid: list[str] | None = None) -> str:
    """A short phrase the candidate said, preferably the one closest to `hint`."""
    return _related_phrase(answer, hint, avoid)[0]


_SHORT_ACKS = ("Okay.", "Thanks.", "Got it.", "Right.")


def acknowledge(
    answer: str, scorecard: dict[str, Any] | None, *, follow_up: bool, quote: bool = True
) -> str:
    """Show the candidate they were heard before anything else is said.

    With `quote=False` (a follow-up that quotes them comes next) the acknowledgement stays
    short, so the same words are not read back twice in a row.
    """
    if not answer.strip():
        if follow_up:
            return "Nothing to add there; that's fine."
        return "I didn't get an answer to that one."
    if adds_nothing(answer):  # "I don't know.": nothing to read back or thank them for
        return "That's fine." if follow_up else "Okay, no problem."
    # "...Does that make sense?" at the end is answered first, and only that it was followed;
    # what is read back is from the answer before it.
    check = split_follow_check(answer)
    followed = check is not None
    if followed:
        answer = check[0]
    if not quote:
        return FOLLOWED if followed else _SHORT_ACKS[len(words(answer)) % len(_SHORT_ACKS)]
    evidence = ""
    for crit in (scorecard or {}).get("criteria", []):
        # Only evidence from what was just said: earlier turns were acknowledged already.
        ev = crit.get("evidence") or ""
        if crit.get("status") == "met" and ev and ev.lower() in answer.lower():
            evidence = crit["evidence"]
            break
    phrase = _quotes(evidence, 14)[0][1] if _trim(evidence) else candidate_phrase(answer)
    if not phrase:
        return FOLLOWED if followed else "Thanks." if follow_up else "Okay, thanks."
    if follow_up:
        return (
            f'{FOLLOWED} That helps: "{phrase}".'
            if followed
            else f'Thanks, that helps: "{phrase}".'
        )
    return f'{FOLLOWED if followed else "Thanks."} I heard "{phrase}".'


def bank_follow_up(
    criterion: Criterion, answer: str, *, deepen: bool = False, avoid: list[str] | None = None
) -> str:
    """The bank's probe (or deepen) phrased against what the candidate said."""
    question = criterion.deepen if deepen and criterion.deepen else criterion.probe
    hint = " ".join([criterion.statement, *criterion.cues, *criterion.paraphrases])
    phrase, related = _related_phrase(answer, hint, avoid, focus=" ".join(criterion.cues))
    if not phrase:
        return question
    if deepen:
        return f'You covered that well when you said "{phrase}". {question}'
    if related:
        return f'You mentioned "{phrase}". {question}'
    # Nothing they said touches this point: name what they did focus on, then probe the gap.
    return f'You focused on "{phrase}". {question}'


def leaks(draft: str, strong_answer: str, n: int = LEAK_NGRAM) -> bool:
    """True when the draft repeats n consecutive words of the strong answer."""
    draft_words = words(draft)
    strong_words = words(strong_answer)
    if len(draft_words) < n:
        return False
    grams = {tuple(strong_words[i : i + n]) for i in range(len(strong_words) - n + 1)}
    return any(tuple(draft_words[i : i + n]) in grams for i in range(len(draft_words) - n + 1))


def acceptable_draft(draft: str, strong_answer: str) -> bool:
    text = draft.strip()
    return 10 <= len(text) <= 400 and text.endswith("?") and not leaks(text, strong_answer)


def _messages(prompt: Prompt, criterion: Criterion, answer: str, strong: str, deepen: bool) -> list:
    goal = (
        "The candidate already covered this point; ask one harder question about it "
        "(a trade-off, a number, or a failure mode)."
        if deepen
        else "The candidate missed this point; ask one question that leads them toward it "
        "without giving it away."
    )
    system = (
        "You are a senior interviewer running a mock interview. Write ONE short follow-up "
        "question (at most two sentences, ending with '?') that refers to something the "
        "candidate actually said. Never reveal or quote the strong answer. "
        'Reply as JSON: {"question": "..."}'
    )
    user = (
        f"Question asked: {prompt.text}\n\n"
        f"Point being checked: {criterion.statement}\n"
        f"{goal}\n\n"
        f"Candidate's words:\n{answer or '(nothing yet)'}\n\n"
        f"Strong answer (for you only, do not reveal):\n{strong}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _litellm():
    # Heavy and chatty: imported only with an LLM configured, with its cost-map fetch and its
    # logging switched off (log lines would scribble over the TUI).
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import logging

    import litellm

    litellm.suppress_debug_info = True
    litellm.drop_params = True
    for name in ("LiteLLM", "LiteLLM Router", "litellm", "httpx", "openai"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return litellm


def llm_follow_up(
    prompt: Prompt,
    criterion: Criterion,
    answer: str,
    *,
    llm: Any,
    strong_answer: str | None = None,
    deepen: bool = False,
) -> str | None:
    """The LLM's draft, or None if it was unusable (leak, wrong shape).

    Raises LLMUnavailable when the LLM cannot be reached at all.
    """
    litellm = _litellm()

    strong = strong_answer or prompt.strong_answer
    api_key = os.environ.get(llm.api_key_env, "") if llm.api_key_env else ""
    try:
        response = litellm.completion(
            model=llm.model,
            api_base=llm.api_base or None,
            api_key=api_key or ("sk-local" if llm.api_base else None),
            messages=_messages(prompt, criterion, answer, strong, deepen),
            response_format={"type": "json_object", "schema": FOLLOW_UP_SCHEMA},
            temperature=llm.temperature,
            timeout=llm.timeout_s,
            num_retries=0,
            max_retries=0,
        )
        content = response.choices[0].message.content or ""
    except Exception as exc:  # litellm raises many types; any of them means "offline now"
        raise LLMUnavailable(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}") from exc
    try:
        draft = json.loads(content).get("question", "")
    except (json.JSONDecodeError, AttributeError):
        return None
    if not isinstance(draft, str) or not acceptable_draft(draft, strong):
        return None
    return draft.strip()
