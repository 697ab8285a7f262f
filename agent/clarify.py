"""The interviewer's reply to the candidate's own question about a prompt, in either face.

The exam's hidden answers hold the facts, so none are given: pinning down assumptions aloud is
part of a strong answer. "How much time do I have?" gets what is left of the budget, and a
request for a hint is declined, as the strong answer stays hidden. Questions about the exam
itself (how far along it is, what is kept, the last score, where the code goes) get plain
answers.
"""

from __future__ import annotations

import re

from voice.words import (
    asks_a_question,
    asks_about_time,
    asks_for_a_hint,
    asks_if_heard,
    asks_leave,
    asks_to_repeat,
    normalise,
    short_request,
)

from .followups import asks_to_skip

# Questions about the exam itself, not the problem: how far along it is ("How many questions
# are left?"), what is kept of it ("Is this being recorded?") and who is asking ("Are you an
# AI?"). Each has a plain answer; "make your own assumption" would be no answer at all.
_PROGRESS = re.compile(
    r"\bhow many (?:more )?(?:questions|prompts|rounds|sections)\b"
    r"|\bhow (?:long|many minutes) is (?:this|the) (?:interview|exam|session)\b"
    r"|\bhow far (?:along )?are we\b|\b(?:is|was) (?:this|that) the last (?:question|one|prompt)\b"
    r"|\bwhat(?:'s| is) (?:next|the next (?:question|prompt|round|section))\b"
)
_RECORDED = re.compile(
    r"\b(?:is|are) (?:this|you) (?:being )?record(?:ed|ing)(?: (?:this|me|us|now))?$"
    r"|^(?:is )?(?:this |it |it's |its )?being recorded$"  # as the ASR may hear it
    r"|\b(?:do|will|are) you (?:record|recording|keep|keeping|store|storing|save|saving|send"
    r"|sending|upload|uploading) (?:my|me|this (?:conversation|interview|session|exam))\b"
    r"|\bwhere (?:does|do|is|are) my (?:audio|voice|recording|answers?|data|transcript)\b"
)
_WHO = re.compile(
    r"\bare you (?:an? )?(?:ai|a i|eye|bot|robot|human|person|real person|real|computer|machine"
    r"|llm)\b"  # "Are you an eye?": tiny.en's "AI", now and then
    r"|\bwho (?:are you|am i talking to|is this)\b"
)


_SCORE = re.compile(
    r"\bhow (?:am i doing|did i do|was i|was my (?:answer|last answer))\b"
    r"|\bwhat (?:did i (?:get|score)|(?:was|is) my (?:score|grade|mark))\b|\bwhat's my score\b"
)


def asks_about_score(text: str) -> bool:
    """ "What was my score?", "How am I doing?"."""
    return short_request(_SCORE, text)


def asks_about_progress(text: str) -> bool:
    """ "How many questions are left?", "Is this the last one?", "What's next?"."""
    return short_request(_PROGRESS, text)


def asks_if_recorded(text: str) -> bool:
    """ "Is this being recorded?", "Do you keep my audio?"."""
    return short_request(_RECORDED, text)


def asks_who(text: str) -> bool:
    """ "Are you an AI?", "Who am I talking to?"."""
    return short_request(_WHO, text)


# "Where do I write the code?", "How do I submit my solution?": at a coding prompt of the spoken
# exam, where the code goes (a file, whose path is on the screen).
_WHERE_CODE = re.compile(
    r"\bwhere (?:do|should|can|would|will) (?:i|we) (?:write|put|type|save|submit|send|enter"
    r"|paste)(?: in)? (?:the |my |our |this |that )?(?:code|solution|function|implementation)\b"
    r"|\bhow (?:do|should|can) (?:i|we) (?:submit|send|enter|paste|give you|share|show you|hand in)"
    r" (?:the |my |our )?(?:code|solution|function|implementation)\b"
    r"|\bwhere (?:is|'s|are) (?:the |my )?(?:file|editor|code file)\b"
    r"|\b(?:is there|do i have|do you have) (?:an? )?(?:editor|file|place)(?: for (?:the|my) code)?\b"
    r"|\b(?:should|do|can) i (?:write|type|code) (?:the |my |it )?(?:code |solution )?(?:somewhere|now)\b"
)


def asks_where_code_goes(text: str) -> bool:
    """True for a short question about where the code is written or how it is handed in."""
    return short_request(_WHERE_CODE, text)


# "What language should I use?", "Can I write it in Java?": at a coding prompt the hidden tests
# run Python, so "Sure, go ahead." to Java would cost the candidate the prompt. ("c++" and "c#"
# are "c" once normalised.)
_LANGUAGES = (
    r"(?:java|javascript|typescript|c|go|golang|rust|kotlin|scala|ruby|swift|julia|r|cpp"
    r"|pseudo code|pseudocode|python)"
)
_CODE_LANGUAGE = re.compile(
    r"\b(?:what|which) (?:programming )?language(?: (?:should|do|can|would|may|must) (?:i|we)\b"
    r"| (?:is|do you want|would you like|are you expecting)\b|$)"
    r"|\b(?:can|could|may|should|do) i (?:write|do|code|use|answer|implement) (?:it |this |that"
    r" |the (?:code|function|solution) )?(?:in )?" + _LANGUAGES + r"\b"
    r"|\b(?:is|would) " + _LANGUAGES + r" (?:be )?(?:ok|okay|fine|alright|all right)\b"
    r"|\bin " + _LANGUAGES + r" or\b"
)
CODE_LANGUAGE = "In Python, please: the hidden tests run your code with Python 3."


def asks_which_language(text: str) -> bool:
    """ "What language should I write it in?", "Can I do it in Java?" (a coding prompt's)."""
    return short_request(_CODE_LANGUAGE, text)


# "Was that a good answer?", "Am I on the right track?": how the answer is judged is said
# when the question closes (score, feedback, strong answer), not while it is open.
_HOW_IT_WENT = re.compile(
    # Not "Is that okay?" nor "Is that correct?": said of an assumption, they ask leave.
    r"\bwas (?:that|this|my answer) (?:a )?(?:good|okay|ok|alright|all right|right|fine"
    r"|enough|correct)(?: answer| enough)?$|\bis (?:that|this) a (?:good|ok|okay) answer$"
    r"|\b(?:was|is) (?:that|this|my answer) what you (?:were |are )?(?:looking for|after|wanted)\b"
    r"|\bdid i (?:get (?:that|it) right|do (?:okay|ok|well|alright|all right|good))\b"
    r"|\b(?:can|could) (?:you give me|i (?:get|have)) (?:some |any )?feedback\b"
    r"|\bdoes (?:that|this) answer (?:your|the) question\b|\bam i on the right track\b"
)
# "What's the right answer?", "Can I see the rubric?": hidden until the question closes.
_HIDDEN = re.compile(
    r"\bwhat(?:'s| is| would be| was) (?:the|a) (?:right|correct|strong|best|model|ideal|good)"
    r" answer(?: be| here| to (?:this|that|it)| for (?:this|that|it)| look like)?$"
    r"|\bwhat would (?:a|the) (?:right|correct|strong|best|model|ideal|good) answer"
    r" (?:be|look like|say|have)\b"
    r"|\b(?:can|could) you (?:tell|give|show) me (?:the|a) (?:right |correct |strong |model )?"
    r"(?:answer|solution)\b"
    r"|\b(?:can|could|may) i (?:see|have|look at) the (?:rubric|answer|strong answer|marking"
    r" scheme|criteria|solution|tests|hidden tests)\b"
    r"|\bwhat(?:'s| is| are) (?:the|your) (?:rubric|criteria|marking scheme)\b"
)
HIDDEN_UNTIL_CLOSED = (
    "The rubric and the strong answer stay hidden until this question closes; then you get "
    "your feedback and a strong answer to compare with."
)
NOT_YET_SCORED = "You'll hear your score and feedback as soon as this question closes."
# "Can I google it?": a mock interview is held as the real one would be.
_LOOK_UP = re.compile(
    r"\b(?:can|could|may) i (?:use|search|check|ask|look (?:it |that |things |something )?up"
    r"(?: on| in)?) (?:the |my )?(?:internet|google|web|chatgpt|chat gpt|an llm|copilot"
    r"|stack overflow|documentation|docs)\b"
    r"|\b(?:can|could|may) i (?:google|look (?:it|that|this|things|something) up)\b"
    r"|\bam i allowed to (?:use|look|search|google|check)\b"
)
NO_LOOKING_UP = (
    "No looking things up: answer as you would in the room. Say what you would check, and "
    "assume the rest."
)


def asks_how_it_went(text: str) -> bool:
    """ "Was that a good answer?", "Can you give me feedback?", "Am I on the right track?"."""
    return short_request(_HOW_IT_WENT, text)


def asks_for_what_is_hidden(text: str) -> bool:
    """ "What's the right answer?", "Can I see the rubric?"."""
    return short_request(_HIDDEN, text)


def asks_to_look_up(text: str) -> bool:
    """ "Can I google it?", "Am I allowed to use ChatGPT?"."""
    return short_request(_LOOK_UP, text)


YOUR_CALL = (
    "Good question. Make the assumption you think is most reasonable, say it, and go on.",
    "Your call: say what you would assume, and carry on.",
)
# "Can I start with the requirements?"
GO_AHEAD = "Sure, go ahead."
NO_HINTS = "No hints in this exam, I'm afraid. Tell me how you would start."
GO_ON = "Go ahead whenever you're ready."
_GREETING = frozenset({"hello", "hi", "hey", "um", "uh", "okay", "sorry"})


def presence_reply(asked: str, *, go_ahead: bool = True) -> str:
    """To "Can you hear me?", "Are you still there?" or "Hello?"; go_ahead: the candidate has
    the floor (not while the interviewer is still saying something)."""
    words = set(normalise(asked).split())
    if words & {"hear", "working", "on", "mic", "microphone"}:
        said = "Yes, I can hear you."
    elif words <= _GREETING:
        said = "Hello."
    else:
        said = "Yes, I'm here."
    return f"{said} {GO_ON}" if go_ahead else said


def time_left_phrase(remaining_s: float) -> str:
    if remaining_s <= 0:
        return "Time is up for this question; finish your thought."
    if remaining_s < 60:
        return "Less than a minute left for this question."
    if remaining_s < 90:
        return "About a minute left for this question."
    return f"About {round(remaining_s / 60)} minutes left for this question."


_REVISE = re.compile(
    r"\b(?:can|could|may) (?:i|we) (?:change|revise|redo|fix|amend|correct|add to|go back to)"
    r" (?:my |the |our )?(?:last|previous|earlier|first) (?:answer|question|one)\b"
    r"|\b(?:can|could) (?:i|we) go back(?: to (?:it|that|the (?:last|previous) (?:one|question)))?"
    r"(?: please)?$"
)
# "Can I change my last answer?": a scored answer cannot be reopened (its score is given).
CLOSED = (
    "That one is scored and closed, and the transcript keeps what you said. "
    "If it matters here, work it into this answer."
)


def asks_to_revise(text: str) -> bool:
    """ "Can I change my last answer?", "Could we go back to the previous question?"."""
    return short_request(_REVISE, text)


_GRADE = r"(?:score|grade|feedback|assessment|rating|mark)"
_VERY = r"(?:a bit |a little |quite |very |really |pretty |way |too |so )*"
_HARSH = _VERY + r"(?:unfair|harsh|not fair)"
# "But I did mention privacy.", "I think you missed that I covered the budget.", "That score
# is unfair.": pushback on the feedback just given. Only heard as such before any answer to
# the next question (an answer may well say "the score is wrong" of a model's score).
_DISPUTE = re.compile(
    r"\bi (?:did|do) (?:actually |already |in fact )?(?:mention|cover|talk about|say|discuss"
    r"|address|bring up)\b"
    r"|\b(?:you|the (?:scorer|feedback)) (?:(?:must have |may have )?missed"
    r"|(?:didn't|did not) (?:count|catch|hear|see|notice|credit|pick up)) (?:that |where |when"
    r" |how )?(?:i|my)\b"
    r"|\b(?:disagree|don't agree|do not agree) with (?:the|that|my|your|this) " + _GRADE + r"\b"
    r"|\bmy " + _GRADE + r"(?: is| was| seems|'s)? " + _VERY + r"(?:low|unfair|harsh|wrong)\b"
    r"|\b(?:that|the|this) " + _GRADE + r"(?: is| was| seems| feels|'s)? " + _HARSH + r"\b"
    r"|\bthat(?:'s| is| was| seems| feels) " + _HARSH + r"\b"
    r"|\bwhy (?:did|do) i (?:only )?(?:get|score|lose)\b"
    r"|\bi (?:mentioned|covered|said|talked about|addressed|brought up) (?:that|this|it|those"
    r"|them)(?: already| earlier| before| in my (?:last |previous )?answer)\b"
)
# To such pushback: what was said goes with that answer, which stays scored and closed.
DISPUTED = (
    "Noted: that goes with your last answer in the transcript, for your review. Its score "
    "stands; if it matters here, work it into this answer."
)
# The same, said before going on with what the pushback cut off.
DISPUTED_BRIEFLY = "Noted: that goes with your last answer in the transcript."


def disputes_the_score(text: str) -> bool:
    """ "But I did mention privacy.", "Why did I only get 40?", "I disagree with the score.":
    pushback on the last feedback, in a turn of up to 30 words."""
    return short_request(_DISPUTE, text, max_words=30)


_FEEDBACK = re.compile(r"\b(?:feedback|score|strong answer|model answer)\b")


def asks_for_feedback_again(text: str) -> bool:
    """ "Could you repeat the feedback?", "Can you say my score again?"."""
    return asks_to_repeat(text) and bool(_FEEDBACK.search(normalise(text)))


def about_the_exam(text: str) -> bool:
    """ "Is this being recorded?", "How many questions are left?", "Are you an AI?", "What was
    my score?"."""
    return any(
        asks(text) for asks in (asks_if_recorded, asks_about_progress, asks_who, asks_about_score)
    )


def score_phrase(last: tuple[str, float] | None) -> str:
    """ "What was my score?": the last closed question's score (the open one's is not out yet)."""
    if last is None:
        return "You'll hear your score as soon as this question closes."
    title, score = last
    return f'Your answer on "{title}" scored {score:.0f} out of 100.'


# "Hi, nice to meet you.", "Good morning.", "Thanks for having me.": a greeting, answered in
# kind (over the welcome too), never scored. The first phrase found gives the reply.
_GREETINGS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\b(?:nice|pleased|good|great|lovely) to (?:meet|see) you\b"),
        "Nice to meet you too.",
    ),
    (
        re.compile(
            r"\bthanks?(?: you)? for (?:having me|the (?:opportunity|chance)|inviting me)\b"
        ),
        "Glad to have you.",
    ),
    (re.compile(r"\bgood morning\b"), "Good morning."),
    (re.compile(r"\bgood afternoon\b"), "Good afternoon."),
    (re.compile(r"\bgood evening\b"), "Good evening."),
    (re.compile(r"\bhow are you(?: doing)?(?: today)?\b|\bhow's it going\b"), "Very well, thanks."),
]
MAX_GREETING_WORDS = 14
# What else a greeting may hold: "Hi there, and good morning to you too."
_GREETING_FILLER = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "there",
        "and",
        "so",
        "okay",
        "ok",
        "yeah",
        "um",
        "uh",
        "sorry",
        "thanks",
        "thank",
        "you",
        "too",
        "everyone",
        "all",
        "i'm",
        "im",
        "doing",
        "fine",
        "good",
        "great",
        "well",
        "very",
        "really",
        "to",
        "it's",
        "today",
    ]
)


def greeting_reply(text: str) -> str | None:
    """The reply to a turn that is only a greeting ("Hi, nice to meet you."); None otherwise."""
    rest = normalise(text)
    if not rest or len(rest.split()) > MAX_GREETING_WORDS:
        return None
    reply = None
    for pattern, said in _GREETINGS:
        if pattern.search(rest):
            reply = reply or said
            rest = pattern.sub(" ", rest)
    if reply is None or any(word not in _GREETING_FILLER for word in rest.split()):
        return None
    return reply


def is_clarifying(text: str) -> bool:
    """A short turn of the candidate's own questions ("Is it on the device?"); not "Can we skip
    this one?", which is for the exam to answer (it moves on)."""
    own = asks_a_question(text) or asks_if_heard(text) or greeting_reply(text) is not None
    return own and not asks_to_skip(text)


def progress_phrase(prompt_no: int, prompts: int) -> str:
    """ "How many questions are left?": where the exam stands (prompt_no counts from 1)."""
    said = f"This is question {prompt_no} of {prompts}."
    left = prompts - prompt_no
    if left <= 0:
        return f"{said} It's the last one."
    return f"{said} {left} more after this one."


def privacy_phrase(*, spoken: bool, keeps_audio: bool, llm: str) -> str:
    """ "Is this being recorded?": what is kept, and where, as it really is for this session."""
    if spoken and keeps_audio:
        said = "The transcript and your audio are kept, as you asked, on this machine"
    else:
        said = "Only the transcript is kept, on this machine" + ("; no audio" if spoken else "")
    if llm:
        return f"{said}. Your answers also go to the LLM in your settings, for scoring."
    return f"{said}, and nothing is sent anywhere."


WHO = "I'm a practice interviewer: a program on your machine, not a person."


class Clarifier:
    """Replies to clarifying questions, varied so a second one is not met with the same words.

    spoken, keeps_audio, llm: what this session keeps and sends, for "Is this being recorded?".
    """

    def __init__(self, *, spoken: bool = False, keeps_audio: bool = False, llm: str = "") -> None:
        self._answered = 0
        self._privacy = privacy_phrase(spoken=spoken, keeps_audio=keeps_audio, llm=llm)

    def reply(
        self,
        asked: str,
        remaining_s: float | None = None,
        progress: tuple[int, int] | None = None,
        *,
        last_score: tuple[str, float] | None = None,
        just_scored: bool = False,
    ) -> str:
        """remaining_s: what is left of the question's budget (None: no question pending);
        progress: (this prompt's number from 1, how many prompts), when known; last_score: the
        last closed prompt's (title, score), if any; just_scored: its feedback was the last
        thing said (so "Was that a good answer?" is about it)."""
        if asks_if_heard(asked):
            return presence_reply(asked)
        if greeting := greeting_reply(asked):
            return f"{greeting} {GO_ON}"
        if asks_if_recorded(asked):
            return self._privacy
        if asks_who(asked):
            return WHO
        if progress and progress[1] and asks_about_progress(asked):
            return progress_phrase(*progress)
        if asks_about_score(asked) or (just_scored and asks_how_it_went(asked)):
            return score_phrase(last_score)
        if asks_how_it_went(asked):
            return NOT_YET_SCORED
        if asks_for_what_is_hidden(asked):
            return HIDDEN_UNTIL_CLOSED
        if asks_to_look_up(asked):
            return NO_LOOKING_UP
        if remaining_s is not None and asks_about_time(asked):
            return time_left_phrase(remaining_s)
        if asks_for_a_hint(asked):
            return NO_HINTS
        if asks_to_revise(asked):
            return CLOSED
        if asks_leave(asked):
            return GO_AHEAD
        self._answered += 1
        return YOUR_CALL[(self._answered - 1) % len(YOUR_CALL)]
