"""What the candidate's words say about their turn: finished, trailing off, or explicitly done."""

from __future__ import annotations

import re

# Where a sentence parts into clauses: after a comma, semicolon or colon, or before a dash
# (the TTS splits a long first sentence here; a follow-up quotes whole clauses).
CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[-\u2013\u2014]\s)")

# A turn that ends on one of these is not over, whatever the punctuation says ("...and so.").
UNFINISHED_ENDINGS = frozenset(
    [
        "and",
        "so",
        "because",
        "but",
        "or",
        "plus",
        "um",
        "uh",
        "er",
        "the",
        "a",
        "an",
        "to",
        "of",
        "with",
        "if",
        "while",
        "than",
        "whose",
        "my",
        "our",
        "your",
        "their",
        "its",
    ]
)
# These end a sentence as often as they trail off ("That's how I would approach this.", "...what
# we fall back on."): the turn is over when Whisper heard a full stop after them, unless they
# follow one of the words above ("...and then.").
ENDINGS_THAT_MAY_TRAIL = frozenset(
    [
        "then",
        "also",
        "like",
        "that",
        "this",
        "these",
        "those",
        "which",
        "when",
        "where",
        "who",
        "since",
        "for",
        "in",
        "on",
        "at",
        "by",
        "from",
        "into",
        "as",
        "is",
        "are",
        "was",
        "were",
        "would",
        "will",
        "could",
        "should",
        "can",
    ]
)
_WORD = re.compile(r"[a-z0-9']+")


def normalise(text: str) -> str:
    """Lower-case words, punctuation dropped: "It’s the roll-out." -> "it's the roll out"."""
    return " ".join(_WORD.findall(text.lower().replace("’", "'")))


def ends_unfinished(text: str) -> bool:
    """True when the last words trail off: "and...", "so", "because", a comma, an ellipsis."""
    stripped = text.rstrip()
    if not stripped:
        return True
    if stripped.endswith(("...", "…", ",", "-", "—", ";", ":")):
        return True
    words = normalise(stripped).split()
    return not words or _trails_off(words, full_stop=stripped.endswith((".", "?", "!")))


def _trails_off(words: list[str], *, full_stop: bool) -> bool:
    last = words[-1]
    if last in ENDINGS_THAT_MAY_TRAIL:
        return not full_stop or (len(words) > 1 and words[-2] in UNFINISHED_ENDINGS)
    return last in UNFINISHED_ENDINGS


# What the fast pass makes of an "and" before a thinking pause: "...ask about the traffic in.",
# "...by region n.", "...task completion, end,", "...with warm ones, add.", "...its own
# cluster, M.". On its words these do not end the sentence: the whole window's transcript
# decides (it hears "and" more often, though not always), and a finished "...the user is in."
# or "...all I'd add." waits for it too.
_HEARD_FOR_AND = frozenset(["in", "end", "n", "add", "m"])


def fast_words_unfinished(text: str) -> bool:
    """ends_unfinished, on the fast pass's words, which hear a trailing "and" as "in." too."""
    # Past ends_unfinished there is a last word; normalised only then (this runs every frame).
    return ends_unfinished(text) or normalise(text).split()[-1] in _HEARD_FOR_AND


def trails_off_in_words(text: str) -> bool:
    """The fast words leave the sentence open by a word ("and", "because", "in" for "and"), not
    by a comma or an ellipsis alone, which they often end a finished sentence with."""
    return fast_words_unfinished(text) and not ends_on_stray_punctuation(text)


def ends_on_stray_punctuation(text: str) -> bool:
    """Unfinished only by its punctuation ("...before launch,", "...people's calls..."): the
    words themselves are done.

    Whisper on a short window often ends a finished sentence with a comma, or with an ellipsis
    when the speech stops on a word it is unsure of; a real trailing off ends on a word like
    "and" or "because" (or "end," as the fast pass hears "and"), which this does not forgive.
    """
    stripped = text.rstrip()
    # A colon or a dash announces more.
    if not stripped.endswith((",", ";", "...", "…")):
        return False
    words = normalise(stripped).split()
    return (
        bool(words) and not _trails_off(words, full_stop=False) and words[-1] not in _HEARD_FOR_AND
    )


def ends_sentence(text: str) -> bool:
    """A finished sentence: not trailing off (Whisper punctuates what it hears as complete)."""
    return not ends_unfinished(text)


# What a candidate says while gathering their thoughts, before the answer: a turn of only these
# is not an answer ("Hmm, good question." then five seconds of thought). Longest phrases first.
THINKING_PHRASES = (
    "that's a really good question",
    "that's a good question",
    "that's a great question",
    "that's an interesting question",
    "give me a second",
    "give me a moment",
    "give me a minute",
    "let me think about that",
    "let me think about it",
    "let me think",
    "let me think about this",
    "let me see",
    "let's see",
    "let me gather my thoughts",
    # Thanks for the question, or a moment asked for, before the answer: "Thank you.",
    # "Got it.", "Hold on.", "That's a big one.", "...for a second."
    "that's a big one",
    "that's a tough one",
    "that's a hard one",
    "thank you for the question",
    "thanks for the question",
    "thank you",
    "thanks",
    "got it",
    "sounds good",
    "hold on",
    "hang on",
    "just a second",
    "just a sec",
    "just a moment",
    "one sec",
    "for a second",
    "for a moment",
    "for a minute",
    "for a bit",
    "wow",
    # Backchannels as Whisper writes them ("Mm-hmm." also as "MMHMM." or "M-M-H-M.").
    "m m h m m",
    "m m h m",
    "uh huh",
    "good question",
    "great question",
    "interesting question",
    "one second",
    "one moment",
    "all right",
    "okay",
    "ok",
    "alright",
    "right",
    "sure",
    "yeah",
    "well",
    "so",
    "interesting",
    "hmm",
    "mmhmm",
    "mhm",
    "hm",
    "mm",
    "mmm",
    "um",
    "umm",
    "uh",
    "uhm",
    "er",
    "erm",
    "ah",
    "oh",
)
# Asking for time to think is thinking too: "Can I have a minute?", "Mind if I think for a bit?".
_ASKS_FOR_TIME = (
    r"(?:can|could|may) i (?:have|take|get) (?:a|one|a few|a couple of) (?:more )?"
    r"(?:moments?|minutes?|seconds?|secs?)(?: to think(?: about (?:it|that|this))?)?",
    r"(?:can|could|may) i (?:think|have a think)(?: about (?:it|that|this))?"
    r"(?: for a (?:moment|second|minute|bit))?",
    r"(?:do you )?mind if i (?:think|take a (?:moment|minute|second))(?: for a (?:moment|second|minute|bit))?",
)
_THINKING = re.compile(
    r"\b(?:" + "|".join([*_ASKS_FOR_TIME, *(re.escape(p) for p in THINKING_PHRASES)]) + r")\b"
)


_ASKING_FOR_TIME = re.compile(r"\b(?:" + "|".join(_ASKS_FOR_TIME) + r")\b")


def asks_for_time(text: str) -> bool:
    """Only thinking aloud, and asking for a moment to think: "Hmm. Can I have a minute?"."""
    return only_thinking(text) and bool(_ASKING_FOR_TIME.search(normalise(text)))


# Longer than this, it is an answer that happens to contain such words.
MAX_REQUEST_WORDS = 12


def short_request(pattern: re.Pattern[str], text: str, max_words: int = MAX_REQUEST_WORDS) -> bool:
    """A whole turn of at most max_words words in which the pattern is found."""
    words = normalise(text)
    return bool(words) and len(words.split()) <= max_words and bool(pattern.search(words))


def may_be_thinking(text: str, max_words: int = 5) -> bool:
    """A few words with thinking words among them: the fast words of a short stretch, which
    can hear "Okay, let me think." as "Okay? What do you think?" (the full transcript decides)."""
    return short_request(_THINKING, text, max_words)


def only_thinking(text: str) -> bool:
    """True when the words are all a candidate gathering their thoughts ("Okay, let me
    think.", "Hmm, good question."): no answer has started yet. False for no words at all."""
    words = normalise(text)
    return bool(words) and not _THINKING.sub(" ", words).split()


# Sounds, not words: what Whisper writes for a hesitation (or a cough it made a word of).
_HESITATIONS = frozenset(
    ("uh", "uhm", "um", "umm", "er", "erm", "ah", "eh", "hm", "hmm", "mm", "mmm", "oh")
)


def no_words(text: str, *, hesitations: bool = True) -> bool:
    """Nothing said at all, or (hesitations) nothing but hesitation sounds ("Uh.", "Hmm...",
    "Oh.")."""
    sounds = _HESITATIONS if hesitations else frozenset()
    return all(word in sounds for word in normalise(text).split())


# "Sorry, could you repeat the question?", "I didn't catch that.", "Pardon?": the candidate asks
# to hear the question again. Whole requests only: an answer may well "repeat the test".
_REPEAT_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you (?:please )?(?:repeat|rephrase|say|ask|read|go over)\b"
    r"|\brepeat (?:the|your|that) (?:last )?question\b"
    # An imperative after a lead-in, not a subject: "Just say it again.", "You guys say it
    # again." (tiny.en's "Yeah, say it again."); "I would say it again." stays an answer.
    r"|(?:^|sorry |please |yes |yeah |okay |sure |oh |um |uh |so )"
    r"(?:just |you |you guys |guys )?(?:say|ask|read|repeat|go over)"
    r" (?:that|it|the question) again\b"
    # "Can I hear it again?", "Could I have the question again?", "Yes, the question again."
    r"|\b(?:can|could|may) i (?:please )?(?:hear|have|get) (?:that|it|the question) again(?: please)?$"
    r"|^(?:(?:yes|yeah|sure|okay) )?(?:please )?(?:(?:the question|it|that) )?again(?: please)?$"
    r"|\b(?:didn't|did not|couldn't|could not) (?:quite )?(?:catch|hear)"
    r" (?:that|it|you|the question|the last)\b"
    r"|\bwhat was the question\b"
    r"|\b(?:what|why) was the (?:first|second|third|last|other) (?:part|bit)\b"
    r"|\bwhat was the (?:(?:first|second|third|last|other) )?(?:question|part|bit)"
    r"(?: of (?:the|your) question)?(?: again)?$"
    r"|\bmissed (?:that|it|the (?:(?:first|second|last|other) )?(?:question|part|bit|end))$"
    r"|\b(?:didn't|did not|don't|do not) (?:quite )?(?:get|follow|understand) (?:that|it|you"
    r"|the question|your question)$"
    r"|\bnot sure (?:that )?i (?:understand|understood|follow|followed) (?:the|your) question$"
    r"|\b(?:can|could|would) you (?:please )?clarify (?:the|your) question\b"
    r"|\bwhat (?:exactly )?(?:are|were) you asking(?: me)?$|\bwhat do you mean by that$"
    r"|\bwhere (?:were we|was i)$|\bwhich question are we on\b|\blost my train of thought$"
    # Lost for a moment: "Sorry, my connection dropped."
    r"|\b(?:my (?:connection|internet|audio|mic|microphone) (?:dropped|cut out|froze|went out)"
    r"|i (?:got|was) disconnected)(?: there| for a (?:second|moment|bit))?$"
    r"|\bwhat did you (?:say|ask)\b|^(?:sorry )?what$|^(?:sorry )?what do you mean$"
    r"|\b(?:can|could|would|will) you (?:please )?put (?:that|it) (?:in )?(?:another|a different) way\b"
    # The sound, not the words: "Sorry, you're breaking up.", "You cut out there."
    r"|\b(?:you're|you are|you were|the audio is|the audio was|it's|it is) (?:breaking up|choppy)$"
    r"|\byou (?:cut|cutting|broke) out(?: there| a bit| for a second)?$"
    r"|^(?:(?:sorry|yes|yeah|okay|sure) )?(?:please )?"
    r"(?:repeat|pardon|pardon me|come again|say again|one more time)"
    r"(?: that| it| the question)?(?: please| again)?$"
)


def asks_to_repeat(text: str) -> bool:
    """True when the words are a short request to hear the question again."""
    return short_request(_REPEAT_REQUEST, text)


# "Yes, please." to an offer ("If you'd like the question again, just ask."): a yes alone.
_YES = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|please|go ahead|that would (?:be great|help))(?: |$))+"
    r"(?:thanks|thank you)?$"
)


def says_yes(text: str) -> bool:
    """A bare yes ("Yes, please.", "Sure.", "Yeah, go ahead."), nothing else."""
    return short_request(_YES, text, max_words=6)


# "Hello? Can you hear me?", "Are you still there?": a check that the interviewer is there and
# hears (a silence that went on, a microphone just plugged in). Answered, never scored.
_PRESENCE_CHECK = re.compile(
    r"^(?:(?:hello|hi|hey|um|uh|sorry|okay)\s)*"
    r"(?:are you (?:still )?(?:there|here|with me|listening)|(?:can|do) you (?:still )?hear me"
    r"|is (?:this|it|the (?:mic|microphone)) (?:working|on)|is (?:anyone|anybody) there"
    r"|hello|hi|hey)"
    r"(?:\s(?:hello|now|okay))*$"
)


def asks_if_heard(text: str) -> bool:
    """True for "Hello?", "Can you hear me?", "Are you there?" and the like, alone."""
    return short_request(_PRESENCE_CHECK, text, max_words=8)  # the pattern spans the turn


# "Could you speak more slowly?", "Slower, please.", "You're talking too fast.": the interviewer
# slows down and says it again. A request, not "The model is too fast for the device."
_SLOWER_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you (?:please )?(?:speak|talk|go|read|say (?:it|that)|ask (?:it|that))"
    r"(?: a (?:little|bit))?(?: more)? (?:slowly|slower)\b"
    r"|\b(?:can|could|would|will) you (?:please )?slow down\b"
    r"|\b(?:repeat|say|read|ask) (?:it|that|the question)(?: again)? (?:a (?:little|bit) )?"
    r"(?:more slowly|slower)\b"
    r"|\b(?:you're|you are) (?:speaking|talking|going|reading) (?:a (?:little|bit) )?"
    r"(?:too|very|so|really) fast\b|\b(?:speaking|talking) (?:way |much )?too fast\b"
    r"|^(?:sorry |please |um |uh )*(?:slow down|slower|more slowly|(?:speak|talk) (?:more slowly|slower))"
    r"(?: a (?:little|bit))?(?: please)?$"
    r"|^(?:sorry |please |um |uh )*a (?:little|bit) (?:slower|more slowly)(?: please)?$"
)


def asks_to_slow_down(text: str) -> bool:
    """True when the words are a short request to the interviewer to speak more slowly."""
    return short_request(_SLOWER_REQUEST, text)


_CAN_YOU = r"\b(?:can|could|would|will) you (?:please )?"
# "turn it up", "turn the volume up", "turn up your volume" ({0}: up or down)
_TURN_IT = (
    r"(?:turn|bring) (?:it|yourself|the volume|your volume|your voice) {0}"
    r"|(?:turn|bring) {0} (?:the|your) volume"
)
_SOFTLY = r"(?:quietly|softly|softer|quieter|lower)"
# "You're very quiet.", "Your voice is a bit loud." ("Your too loud.": tiny.en's "You're", now
# and then), before the word that says how.
_YOU_SOUND = r"\b(?:you're|you are|your|your voice is|you sound|the volume is) "
_VERY = r"a (?:little|bit) |very |too |so |really |quite |kind of "

# "Can you speak up?", "I can barely hear you.", "You're very quiet.": the candidate cannot hear
# the interviewer well; it plays louder and says it again. A request, never "The gain is low."
# ("Can you sneak up?": tiny.en's, espeak en-us+m3.)
_LOUDER_REQUEST = re.compile(
    _CAN_YOU
    + r"(?:(?:speak|sneak|talk) (?:up|(?:a (?:little|bit) )?louder)|be louder|"
    + _TURN_IT.format("up")
    + r")\b"
    r"|(?:^|" + _CAN_YOU + r"|please |sorry )(?:repeat|say|read|ask)"
    r" (?:it|that|the question)(?: again)? (?:a (?:little|bit) )?louder\b"
    r"|\bi (?:can't|cannot|can not|can barely|can hardly|barely|hardly|can't really) hear you"
    r"(?: (?:very )?well| at all| now)?$"
    r"|" + _YOU_SOUND + r"(?:" + _VERY + r")*(?:quiet|faint|soft)$"
    r"|^(?:sorry |please |um |uh )*(?:speak up|(?:a (?:little|bit) )?louder|(?:speak|talk) louder)"
    r"(?: please)?$"
)

# "You're too loud.", "Could you speak more quietly?": it plays more quietly and goes on.
_SOFTER_REQUEST = re.compile(
    _CAN_YOU + r"(?:(?:speak|talk) (?:a (?:little|bit) )?(?:more )?" + _SOFTLY + r"|be quieter|"
    r"lower (?:your|the) (?:voice|volume)|" + _TURN_IT.format("down") + r")\b"
    r"|" + _YOU_SOUND + r"(?:" + _VERY + r"|way )*loud$"
    r"|^(?:sorry |please |um |uh )*(?:(?:a (?:little|bit) )?(?:quieter|softer)|not so loud)"
    r"(?: please)?$"
)


def asks_to_speak_up(text: str) -> bool:
    """True when the words are a short request to the interviewer to speak louder."""
    return short_request(_LOUDER_REQUEST, text)


def asks_to_speak_softer(text: str) -> bool:
    """True when the words are a short request to the interviewer to speak more quietly."""
    return short_request(_SOFTER_REQUEST, text)


# "Can we stop here?", "I have to go.", "Let's call it a day.": the candidate asks to end the
# session for now (at the keyboard, Ctrl+C does it). The whole request, ending on its last
# word: "I'll stop there." and "Let me stop there." end an answer, not the exam, and "Let's
# stop the rollout." is an answer; "Can we pause for a second?" asks for time.
_STOP_WHO = (
    r"(?:let's|let us|can we|could we|shall we|should we|maybe we|we can|we could|we should"
    r"|i need to|i have to|i've got to|i got to|i must|i'll have to|i'm going to have to"
    r"|i'd like to|i would like to|i want to)"
)
_STOP_WHAT = r"(?:stop|pause|end|finish|wrap up|break off|take a break|call it a day)"
_STOP_SESSION = r"(?: (?:the|this|our|my) (?:mock )?(?:interview|exam|session|practice))"
_STOP_WHEN = r"(?: (?:here|now|there|for now|for today|today|please|then|sorry|thanks|thank you))"
_STOP_REQUEST = re.compile(
    rf"\b{_STOP_WHO} {_STOP_WHAT}{_STOP_SESSION}?{_STOP_WHEN}*$"
    rf"|^(?:please )?(?:stop|pause|end|finish){_STOP_SESSION}{_STOP_WHEN}*$"
    # "And we stop here for today.": tiny.en's "Can we..." now and then; "here" or "now" needed
    rf"|\bwe {_STOP_WHAT}{_STOP_SESSION}?{_STOP_WHEN}+$|\bcall it (?:a day|today)$"
    rf"|\bi(?: need| have| got|'ve got| must) to (?:go|leave|run){_STOP_WHEN}*$"
    rf"|\b(?:continue|finish|resume|pick (?:this|it) up) (?:this |it )?"
    rf"(?:later|tomorrow|another time|another day)(?: please)?$"
)


def asks_to_stop(text: str) -> bool:
    """True when the words are a short request to stop the session for now."""
    return short_request(_STOP_REQUEST, text)


# "Is this on the device or in the cloud?": a candidate pinning down the problem before they
# answer, as the exam asks them to. Whisper's question mark alone is not enough ("Latency?").
_QUESTION_WORDS = frozenset(
    [
        "is",
        "are",
        "am",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "have",
        "has",
        "what",
        "what's",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "why",
        "how",
        "any",
    ]
)
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# Words a question's clause may open with before its verb or question word: "And is it...",
# "Okay, so what...".
_LEAD_INS = frozenset(
    ("and", "but", "also", "then", "so", "just", "oh", "okay", "ok", "um", "uh", "well", "right")
    + ("alright", "actually", "hmm", "sorry", "quick", "question", "like")
)
# "What I would do...", "How we roll back...": a question word then a subject opens a statement
# (a question puts its verb there: "What do I...", "How do we...").
_STATEMENT_SUBJECTS = frozenset(
    ("i", "i'd", "i'll", "i'm", "i've", "we", "we'd", "we'll", "we're", "we've", "they", "they'd")
)


_WH_WORDS = frozenset(("what", "which", "who", "where", "when", "why", "how"))
# A clause of condition before the question: "If we have a GPU, can I use it?"
_CONDITIONS = frozenset(("if", "assuming", "given", "since", "because", "unless"))


def _leads_a_statement(opening: list[str]) -> bool:
    """The first two words of a clause open a statement, not a question."""
    if opening and opening[0] in _CONDITIONS:
        return True
    return len(opening) == 2 and opening[0] in _WH_WORDS and opening[1] in _STATEMENT_SUBJECTS


# "...then I roll back. Does that make sense?": a check that the interviewer follows, ending
# an answer. Answered before anything else, and only that it was followed: not whether the
# answer was right ("Does that sound right?" is not one).
FOLLOWED = "Yes, I follow."
_FOLLOW_CHECK = re.compile(
    r"^(?:(?:so|and|okay|ok|right|um|uh|hopefully)\s)*"
    r"(?:(?:does|did|doesn't|didn't|does not) (?:that|this|it|all that|all of that|everything)"
    r" (?:all )?make sense"
    r"|(?:that |it )?makes? sense"
    r"|(?:is|was) (?:that|this|it|everything) clear(?: enough)?"
    r"|are you (?:following|still following|following me|with me)"
    r"|(?:do|can) you follow(?: me| that)?"
    r"|you know what i mean)"
    r"(?:\s(?:so far|to you|at all|then|right))*$"
)


def split_follow_check(text: str) -> tuple[str, str] | None:
    """(the answer, the check) for an answer that ends by asking whether it was followed
    ("...so I would roll back. Does that make sense?"; tiny.en may join it with a comma:
    "..., doesn't that make sense?"), else None. The check alone, or after only thinking
    words, is a question of its own to the interviewer: None."""
    text = text.strip()
    if not text.endswith("?"):
        return None
    sentences = SENTENCE_END.split(text)
    clauses = CLAUSE_BREAK.split(sentences[-1])
    for k in range(len(clauses)):  # the longest run of last clauses that is one
        check = " ".join(clauses[k:])
        before = " ".join([*sentences[:-1], *clauses[:k]]).strip()
        if (
            _FOLLOW_CHECK.match(normalise(check))
            and normalise(before)
            and not only_thinking(before)
        ):
            return before.rstrip(",;:-–— "), check
    return None


def checks_understanding(text: str) -> bool:
    """True for an answer that ends by asking whether it was followed (split_follow_check)."""
    return split_follow_check(text) is not None


MAX_QUESTION_WORDS = 15
_QUESTION_WORD_BY = 4


def asks_a_question(text: str) -> bool:
    """True when the words are only a short question (or two) to the interviewer, with any
    thinking words before them ("Okay. Do we have a GPU?")."""
    if not text.strip() or word_count(text) > MAX_QUESTION_WORDS:
        return False
    sentences = [s for s in SENTENCE_END.split(text.strip()) if not only_thinking(s)]
    if not sentences or not all(s.rstrip().endswith("?") for s in sentences):
        return False
    return _opens_a_question(sentences[0])


def _opens_a_question(sentence: str) -> bool:
    """ "Sorry, is it...", "Just to check, do we...", "And what about...": a question word comes
    early, first in its clause. tiny.en ends "I start with who uses it, and where." with a "?"
    too, and its "who" (fourth, after a subject and a verb) asks nothing; nor does the "what"
    of "What I would do first is roll back?"."""
    before = 0
    for clause in CLAUSE_BREAK.split(sentence.strip()):
        words = normalise(clause).split()
        lead = next((k for k, w in enumerate(words) if w not in _LEAD_INS), None)
        if lead is not None and _leads_a_statement(words[lead : lead + 2]):
            continue  # "When I say latency, do you mean p95?": the question may come after
        if (
            lead is not None
            and before + lead < _QUESTION_WORD_BY
            and words[lead] in _QUESTION_WORDS
        ):
            return True
        before += len(words)
        if before >= _QUESTION_WORD_BY:
            break
    return False


# "How much time do I have left?": the interviewer knows, and says.
_TIME_QUESTION = re.compile(
    r"\bhow (?:much time|long|many minutes)(?: do| have)? (?:i|we)(?: still)? (?:have|got|get)\b"
    # Whatever the verb after it ("How much time do I can for this one?" was tiny.en's "have"),
    # but not the problem's own time ("How much time do we need per clip?").
    r"|\bhow (?:much time|many minutes)(?: do| did| can| will)? (?:i|we)\b"
    r"(?! (?:need|spend|save|take|lose|want)\b)"
    r"|\b(?:time|minutes) (?:left|remaining)\b|\bhow much time is left\b"
    r"|\bam i (?:running )?out of time\b"
)


def asks_about_time(text: str) -> bool:
    """True for a short question about the time left to answer."""
    return asks_a_question(text) and bool(_TIME_QUESTION.search(normalise(text)))


# "Can you give me a hand?" asks for help too (and is how tiny.en can hear "a hint").
_HINT = re.compile(r"\b(?:hint|hints|clue|tip|help me|give me a hand|lend me a hand)\b")
# "Can I start with the requirements?", "Should I assume one region?": asking leave, not facts.
_WH_QUESTION = re.compile(r"(?:" + "|".join(sorted(_WH_WORDS)) + r")\b")
_PERMISSION = re.compile(
    r"^(?:\w+ ){0,2}(?:can|could|may|should|shall) (?:i|we)\b"
    r"|\bis it (?:ok|okay|fine|alright) if (?:i|we)\b|\b(?:do|would) you (?:want|like) me to\b"
)


def asks_for_a_hint(text: str) -> bool:
    return asks_a_question(text) and bool(_HINT.search(normalise(text)))


def asks_leave(text: str) -> bool:
    """A yes-or-no question asking leave to go about it a way ("Can I start with the users?"),
    not a choice between ways ("Should I focus on latency or cost?")."""
    words = normalise(text)
    if _WH_QUESTION.match(words):  # "Which part should I start with?" asks for a choice
        return False
    return asks_a_question(text) and " or " not in f" {words} " and bool(_PERMISSION.search(words))


# "That's" said or heard in full: tiny.en wrote "And that is my answer." for one espeak voice.
# ("thats": the apostrophe dropped; not "its", which is a word of its own.)
_CONTRACTED_IS = re.compile(r"\b(?:(that|it|here|what)'s|(that)s)\b")


def _uncontracted(norm: str) -> str:
    return _CONTRACTED_IS.sub(lambda m: f"{m.group(1) or m.group(2)} is", norm)


def find_end_phrase(text: str, phrases: list[str]) -> str | None:
    """The end phrase ("that's my answer") if the candidate's last words are one, with or
    without the contraction ("That is my answer.")."""
    tail = _uncontracted(normalise(text))
    for phrase in phrases:
        norm = _uncontracted(normalise(phrase))
        if norm and (tail == norm or tail.endswith(" " + norm)):
            return phrase
    return None


_DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_PERCENT = re.compile(r"(\d(?:[\d,.]*\d)?)\s*%")
# A lone digit: not in "p95", "1,800", "2.5", "$5", "8%" or "5 percent".
_LONE_DIGIT = re.compile(r"(?<![\w.,=$£€])(\d)(?![\w%]|[.,]\d)(?!\s*percent\b)")


# "Mm-hmm" as tiny.en spells it out: "MMHMM", "M-M-H-M-M", "Mhm".
_MM_HMM = re.compile(r"\b(?:m-m-h-m(?:-m)?|mmhmm|mhm)\b", re.IGNORECASE)
# A thinking sound tiny.en writes in capitals: "HMM, can I have a minute?". Only on its own at
# the start of a sentence: an HMM is also a hidden Markov model ("An HMM aligner.").
_SHOUTED_HMM = re.compile(r"(?:^|(?<=[.?!] ))HM+(?=[,.?!…]|$)")


def spoken_form(text: str) -> str:
    """The transcript as it was said: "8 bits" is "eight bits", "5%" is "5 percent",
    "M-M-H-M" is "Mm-hmm" and "HMM" is "Hmm".

    Whisper writes small numbers as figures; a transcript of speech reads better (and matches
    how answers are written in prose) with one to nine spelled out, as style guides do.
    """
    text = _PERCENT.sub(r"\1 percent", text)
    text = _MM_HMM.sub(lambda m: "Mm-hmm" if m.group(0)[0].isupper() else "mm-hmm", text)
    text = _SHOUTED_HMM.sub(lambda m: m.group(0).capitalize(), text)
    return _LONE_DIGIT.sub(lambda m: _DIGIT_WORDS[int(m.group(1))], text)


def word_count(text: str) -> int:
    return len(normalise(text).split())
