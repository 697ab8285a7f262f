"""The spoken face of an exam: an ExamSession driven through a voice Conversation.

Say every spoken utterance of a reply, listen while there is a pending question, submit what was
heard with its per-stage timing. A barge-in that is only a short interjection before the question
was fully asked ("sorry, could you repeat?") does not count as the answer: the interviewer says
the rest of the question and the interjection's words go in front of the real answer, so nothing
the candidate said is lost from the transcript.

The moment an answer ends the interviewer says a short pre-synthesized "Okay."; while the
candidate is still answering, the likely follow-ups and the next prompt are synthesized ahead.
A candidate who goes on within the continuation grace (Conversation.listen) is still giving the
same answer. After it the answer is scored on a worker thread while the loop keeps hearing the
mic: a candidate who goes on before the reply is ready is heard to the end, and their added words
go in front of their next answer (the scored answer cannot be reopened), or at the end of the
last answer when no answer follows (the input ended); the reply is said once they stop.

Timing of a turn covers the question and its answer: `score` is the session call that produced
the question, `tts_first_audio` how long until the interviewer started asking it, `barge_in_stop`
how long the interviewer took to go quiet when cut off, and `vad_end_of_turn` / `asr_final` how
long the end of the answer took to detect and transcribe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from voice.conversation import Conversation, HeardTurn
from voice.words import (
    FOLLOWED,
    asks_if_heard,
    asks_to_repeat,
    asks_to_slow_down,
    asks_to_speak_softer,
    asks_to_speak_up,
    asks_to_stop,
    only_thinking,
    says_yes,
    word_count,
)

from .clarify import (
    CODE_LANGUAGE,
    DISPUTED,
    DISPUTED_BRIEFLY,
    Clarifier,
    about_the_exam,
    asks_for_feedback_again,
    asks_where_code_goes,
    asks_which_language,
    disputes_the_score,
    greeting_reply,
    is_clarifying,
    presence_reply,
    time_left_phrase,
)
from .code_desk import CodeDesk
from .followups import asks_to_skip

QUESTION_KINDS = ("prompt", "follow_up")
# What "Could you repeat the feedback?" asks to hear again.
_SAID_BACK = ("feedback", "reveal")
# Said once per question to a candidate who thought aloud and then went quiet.
TAKE_YOUR_TIME = "Take your time."
# Said once per question after dead silence (voice.check_in_silence_ms), as an interviewer checks
# the candidate is still with them; "Could you repeat it?" then gets the question again.
CHECK_IN = "Take your time. If you'd like the question again, just ask."
# Said once per session when a sound card's microphone has sent only digital silence since the
# session began, after voice.silent_mic_check_ms of silence after a question: as a person on a
# call says "I think you're on mute".
MIC_SILENT = "I'm not getting any sound from your microphone. If it's muted, please unmute it."
# Lines on the screen (stderr), once per session each.
_CLIPPING = (
    "your voice reaches the microphone's full scale and is clipped, which garbles words "
    "(lower its input level, or sit a little farther from it)"
)
_TYPING = (
    "typing is heard as you answer, and a key's click can cost words of the answer "
    "(type between answers, or keep the keyboard away from the microphone)"
)
# Before the question, said again to a candidate who asked for it.
SAY_AGAIN = "Sure."
# Before the rest of what a barge-in cut off, when the candidate asked something over it.
GOING_BACK = "As I was saying:"
# To "Could you speak more slowly?", before what it says again at the slower pace.
SLOWER_NOW = "Sure, I'll slow down."
# To "Can you speak up?" and "You're too loud.", before what it says again at the new level.
LOUDER_NOW = "Sure, I'll speak up."
LOUDEST = "That's as loud as I go: turn up your speaker's volume if you can."
SOFTER_NOW = "Sure, I'll speak more quietly."
SOFTEST = "That's as quiet as I go: turn down your speaker's volume if you can."
# After the first coding question (the path is on the screen; a path read aloud helps no one),
# and to "Where do I write the code?" at any of them.
CODE_FILE = "Your code goes in the file shown on your screen; I run it when you finish your answer."
CODE_WHERE = (
    "In the file shown on your screen: it already has the function's signature. Save it, and "
    "I run it when you finish your answer."
)
# To "Can we stop here?": the session is paused, as Ctrl+C pauses it.
STOP_OPENING = "Of course, we'll stop here."
STOP_SAVED = "Everything so far is saved, and when you come back we'll pick up where we left off."
STOP_HERE = f"{STOP_OPENING} {STOP_SAVED}"
# Replies to requests, synthesized ahead as each question waits (a no-op once cached): Piper
# took 0.47 s for "Sure, I'll speak more quietly." after "You're too loud.", on a CPU shared
# with the full-window transcript (response 1.1-1.2 s). Not SLOWER_NOW: it is said at the new
# pace, which the cache keys on.
_REQUEST_REPLIES = (SAY_AGAIN, GOING_BACK, LOUDER_NOW, SOFTER_NOW, TAKE_YOUR_TIME)


def stopping_after(reply: Any) -> str:
    """STOP_HERE, said as the last answer's reply was ready: with that answer's score (from
    the scorecard its feedback carries), if the reply closed the question (its feedback stays
    in the transcript)."""
    for utterance in reply.utterances:
        card = utterance.data if utterance.kind == "feedback" else None
        if card and "score" in card:
            return (
                f"{STOP_OPENING} That answer scored {card['score']:.0f} out of 100; its feedback "
                f"is in your transcript. {STOP_SAVED}"
            )
    return STOP_HERE


# Under this many dB over the room's steady noise, tiny.en loses words: one answer 7.8 dB over
# a hiss came back with WER 0.07, 5.2 dB over it 0.30, 2.7 dB over it 0.86.
HARD_TO_HEAR_DB = 8.0


def _is_question(utterance: Any) -> bool:
    """Spoken words of the question itself: what is said again when the candidate asks (not
    the section's introduction before it)."""
    part = (getattr(utterance, "data", None) or {}).get("part")
    spoken = utterance.speak and utterance.text.strip()
    return utterance.kind in QUESTION_KINDS and bool(spoken) and part != "section"


class SessionLike(Protocol):
    session_id: str

    def opening(self) -> Any: ...

    def submit(
        self,
        answer: str,
        code: str | None = None,
        timing: dict[str, float] | None = None,
        *,
        time_up: bool = False,
    ) -> Any: ...

    @property
    def pending(self) -> Any: ...

    @property
    def finished(self) -> bool: ...

    def add_to_last_answer(self, text: str) -> int | None: ...


@dataclass(frozen=True)
class _QuestionClock:
    prompt_id: str
    warn_at: float
    over_at: float


@dataclass
class VoiceExamResult:
    session_id: str
    finished: bool
    turns: int
    stopped: bool = False  # the candidate asked to stop for now


def _left_to_say(ack: str, said: str) -> str:
    """The reply's acknowledgement after what was said the moment the answer ended: not
    "Okay. Okay.", nor "Yes, I follow." twice; "" when nothing is left."""
    if said == FOLLOWED and ack.startswith(FOLLOWED):
        return ack.removeprefix(FOLLOWED).strip()
    return "" if word_count(ack) <= 2 else ack


class VoiceFace:
    def __init__(
        self,
        session: SessionLike,
        conversation: Conversation,
        *,
        upcoming: Callable[[Any], list[str]] | None = None,
        likely_follow_ups: Callable[[Any], list[str]] | None = None,
        answer_points: Callable[[Any], tuple[list[list[str]], list[list[str]]]] | None = None,
        captions: TextIO | None = None,
        interjection_max_words: int = 6,
        before_submit: Callable[[], None] | None = None,
        file_score_s: float = 0.0,
        notices: Callable[[str], None] | None = None,
        code_desk: CodeDesk | None = None,
        warn_fraction: float = 0.8,
        now: Callable[[], float] = time.monotonic,
        keeps_audio: bool = False,
        llm: str = "",
    ) -> None:
        # On a file read as fast as possible scoring takes no device time unless told otherwise
        # (tests give it some, to hear a candidate who goes on before the reply is ready).
        self._file_score_s = file_score_s
        self._code_desk = code_desk  # coding prompts: the code comes from a file
        # The question's time budget, as the opening promises: a word at warn_fraction, and
        # at the budget the interviewer moves on (the text exam's timer does the same).
        self._warn_fraction = warn_fraction
        self._now = now
        self._clock: _QuestionClock | None = None
        self._pending: Any = None  # the question being answered, as the last reply set it
        self._warned: set[str] = set()
        self._timed_out: set[str] = set()
        self._notices = notices
        self._told_room = False
        self._told_mic = False
        self._told_once: set[str] = set()  # the clipping and typing lines, said once each
        self._told_code_file = False
        self._said_back: list[tuple[str, str]] = []  # the last feedback and strong answer said
        self._feedback_fresh = False  # feedback said, and no answer to the next question yet
        self._before_submit = before_submit
        self.session = session
        self.conv = conversation
        self._upcoming = upcoming
        self._likely_follow_ups = likely_follow_ups
        # The points an answer to the pending question is likely to make, each as its phrases,
        # and the next question's: the ASR listens for those words.
        self._answer_points = answer_points or (lambda _pending: ([], []))
        self._captions = captions
        self._interjection_max_words = interjection_max_words
        conversation.question_kinds = QUESTION_KINDS
        self._carry = ""  # interjections waiting to be put in front of the next answer
        self._nudged = False  # "Take your time." was said for the question being answered
        self._checked_in = False  # CHECK_IN was said for it
        self._offered_again = False  # CHECK_IN was the last thing said: "Yes, please." asks
        self._scoring: threading.Thread | None = None  # the answer being submitted, if any
        self._question_timing: dict[str, float] = {}
        self._asked: list[str] = []  # the pending question, as it was said
        # keeps_audio, llm: what "Is this being recorded?" is told is kept and sent.
        self._clarifier = Clarifier(spoken=True, keeps_audio=keeps_audio, llm=llm)
        self.heard: list[HeardTurn] = []

    def run(self) -> VoiceExamResult:
        submitted, stopped = 0, False
        kept = getattr(self.session, "kept_voice", None)
        if kept is not None:  # resumed: slower or louder, as the candidate asked before
            self.conv.speaker.restore(kept())
        t0 = time.perf_counter()
        reply = self.session.opening()
        self._speak(reply, score_ms=(time.perf_counter() - t0) * 1000)
        while not self._done(reply):
            self._warm(reply.pending)
            shown = self._code_desk is not None and self._code_desk.prepare(reply.pending)
            if shown and not self._told_code_file:  # once: the candidate knows where to look
                self._told_code_file = True
                self._say(CODE_FILE, "notice")
            self._start_clock(reply.pending)
            self._pending = reply.pending
            self.conv.set_context(
                getattr(reply.pending, "text", "") or "", *self._answer_points(reply.pending)
            )
            # "Okay." the moment the turn ends: scoring and synthesis run behind it.
            heard = self.conv.listen(acknowledge=True, until=self._while_waiting)
            if heard is None and not self.conv.input_ended:
                if self._mic_check_due():
                    self._tell_mic_silent()
                elif self._time_to_speak():
                    reply = self._on_the_clock(reply)  # silence at the warning or the budget
                else:
                    self._check_in()
                continue
            self._tell_about_the_room()
            first_audio = self.conv.speaker.first_audio_ms
            if first_audio is not None and "tts_first_audio" not in self._question_timing:
                self._question_timing["tts_first_audio"] = round(first_audio, 1)
            if heard is None:
                break
            self.heard.append(heard)
            if not heard.text:
                # A cough that cut the interviewer off: carry on with what was left.
                self._say_rest(heard)
                if heard.input_ended:
                    break
                continue
            self._caption("you", heard.text)
            if asks_to_stop(heard.text):
                # A request, not an answer (nothing is scored), over the interviewer or not.
                self._say_notice(STOP_HERE)
                stopped = True
                break
            if self._replied_to_aside(heard):
                continue
            answer = f"{self._carry} {heard.text}".strip()
            self._carry = ""
            timing = {**self._question_timing, **heard.timing}
            if self._before_submit is not None:
                self._before_submit()  # e.g. the scorer warming up in the background
                self._before_submit = None
            reply, more, score_ms = self._submit_listening(answer, timing, heard.input_ended)
            submitted += 1
            acked = heard.ack_text
            if more is not None:
                # The candidate went on before the reply was ready: their answer was already
                # scored, so what they added goes in front of their next answer (nothing lost),
                # and the reply is said once they stop.
                self.heard.append(more)
                if more.text:
                    self._caption("you", more.text)
                if asks_to_stop(more.text):
                    # "Sorry, I have to go." as the answer is scored: the reply is not said
                    # (the transcript keeps it) but for the score, and resuming asks what
                    # comes next.
                    self._say_notice(stopping_after(reply))
                    stopped = True
                    break
                self._carry_forward(more.text)
                acked = more.ack_text
                heard = more
            self._speak(reply, score_ms=score_ms, acked=acked)
            if heard.input_ended:
                break
        if self._carry:
            # Words said after an answer was scored, with no later answer to go in front of:
            # kept at the end of the last answer, so the transcript has all that was said.
            self.session.add_to_last_answer(self._carry)
            self._carry = ""
        finished = bool(self.session.finished)
        if (finished or stopped) and not self.conv.input_ended:
            self.conv.drain()
        return VoiceExamResult(self.session.session_id, finished, submitted, stopped)

    def _replied_to_aside(self, heard: HeardTurn) -> bool:
        """What was said is not an answer (a request, a question of the candidate's own, a
        word over the interviewer, thinking aloud): replied to, and the words kept for the
        answer. False for an answer."""
        offered, self._offered_again = self._offered_again, False
        preface = None if heard.input_ended else self._adjusted_voice(heard.text)
        if preface is not None:
            # Slower, louder or softer from now on, and what was cut off (or the question)
            # said again that way. The words go in front of the answer, as a request to
            # repeat does.
            self._carry_forward(heard.text)
            if heard.barged_in and heard.unspoken:
                self._say_rest(heard, preface=preface)
            else:
                self._say_question_again(preface=preface)
            return True
        if self._feedback_fresh and disputes_the_score(heard.text):
            # "But I did mention privacy." after the score: not an answer to the question
            # after it (which may not even have been heard). Kept with the scored answer.
            self.session.add_to_last_answer(heard.text)
            if heard.barged_in and heard.unspoken:
                self._say_rest(heard, preface=DISPUTED_BRIEFLY)
            else:
                self._say_notice(DISPUTED)
            return True
        greeting = greeting_reply(heard.text)
        if greeting and heard.barged_in and heard.unspoken and not heard.input_ended:
            # "Hi, nice to meet you." over the welcome: answered in kind, then it goes on.
            self._carry_forward(heard.text)
            self._say_rest(heard, preface=greeting)
            return True
        if self._is_interjection(heard) and not heard.input_ended:
            self._carry_forward(heard.text)
            if asks_to_skip(heard.text):
                # "Next question, please." over the feedback or the strong answer (both
                # stay on screen): straight on to what comes next.
                self._say_rest(heard, from_question=True)
                return True
            # After "Mm-hmm." or "Right." the interviewer simply goes on; after "Sorry,
            # could you repeat that?" it picks the thread up again.
            preface = "" if only_thinking(heard.text) else GOING_BACK
            if asks_if_heard(heard.text):  # "Can you hear me?" over the welcome
                preface = presence_reply(heard.text, go_ahead=False)
            elif about_the_exam(heard.text):  # "Is this being recorded?" over it
                preface = f"{self._reply_to_question(heard.text)} {preface}"
            self._say_rest(heard, preface=preface)
            return True
        again = asks_to_repeat(heard.text) or (offered and says_yes(heard.text))
        if again and self._asked and not heard.input_ended:
            # "Sorry, could you repeat the question?": not an answer. Said again, and the
            # request goes in front of the answer like any words said before it.
            self._carry_forward(heard.text)
            if self._said_back and asks_for_feedback_again(heard.text):
                self._say_feedback_again()  # not the question, which is on screen
            else:
                self._say_question_again(acked=heard.acknowledged)
            return True
        if self._clarifying(heard):
            # "Is it on the device?": the question goes in front of the answer (asking it
            # is to the candidate's credit), and the interviewer waits for that answer.
            self._carry_forward(heard.text)
            reply = self._reply_to_question(heard.text)
            if heard.barged_in and heard.unspoken:
                # Asked over the question: answered, then the rest of it.
                self._say_rest(heard, preface=f"{reply} {GOING_BACK}")
            else:
                self._say_notice(reply)
            return True
        if heard.reason == "thinking" and not heard.input_ended:
            # "Okay, let me think." and a long silence: no answer yet. Those words go in
            # front of it; one gentle word per question, then the interviewer just waits.
            self._carry_forward(heard.text)
            if not self._nudged:
                self._nudged = True
                self._say_notice(TAKE_YOUR_TIME)
            return True
        return False

    def _adjusted_voice(self, text: str) -> str | None:
        """ "Could you speak more slowly?", "Can you speak up?", "You're too loud.": the voice
        changed for the rest of the session, and what to say before going on. None for
        anything else."""
        if asks_to_slow_down(text):
            # As slow as it goes already: "Sure." and said again at that pace.
            said = SLOWER_NOW if self.conv.slow_down() else SAY_AGAIN
        elif asks_to_speak_up(text):
            said = LOUDER_NOW if self.conv.speak_up() else LOUDEST
        elif asks_to_speak_softer(text):
            said = SOFTER_NOW if self.conv.speak_softer() else SOFTEST
        else:
            return None
        keep = getattr(self.session, "keep_voice", None)  # a scripted session (tests) may not
        if keep is not None:
            keep(self.conv.speaker.adjustments)
        return said

    def settle(self, timeout: float = 10.0) -> None:
        """Wait for an answer still being scored (Ctrl+C lands mid-submit): the session is
        then paused and closed with no graph step writing to it from another thread."""
        if self._scoring is not None:
            self._scoring.join(timeout)

    def _submit_listening(
        self, answer: str, timing: dict[str, float], input_ended: bool
    ) -> tuple[Any, HeardTurn | None, float]:
        """Score the answer on a worker thread while the loop keeps hearing the mic.

        Returns the reply, how long scoring took (ms), and the candidate's next turn if they
        started speaking again (after the floor was given back) before the reply was ready.
        """
        result: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            t0 = time.perf_counter()
            try:
                result["reply"] = self._submit(answer, self._code(), timing)
                result["ms"] = (time.perf_counter() - t0) * 1000
            except BaseException as exc:  # re-raised on the loop's thread
                result["error"] = exc
            finally:
                done.set()

        self._scoring = threading.Thread(target=work, name="voice-submit", daemon=True)
        self._scoring.start()
        ready = done.is_set
        if input_ended or self.conv.deterministic:
            # A file read as fast as possible: scoring takes a fixed device time (repeatable).
            done.wait()
            ready_at = self.conv.port.frame_time() + self._file_score_s
            ready = lambda: self.conv.port.frame_time() >= ready_at  # noqa: E731
        # "So, yeah." after the answer closes it: no waiting for more there.
        listen = self.conv.listen
        more = None if input_ended else listen(acknowledge=True, until=ready, thinking_aloud=False)
        done.wait()
        if "error" in result:
            raise result["error"]
        return result["reply"], more, result["ms"]

    def _warm(self, pending: Any) -> None:
        """Synthesize ahead, while the candidate answers: the likely follow-ups, the next prompt,
        the replies to requests."""
        if pending is None:
            return
        if self._likely_follow_ups is not None:
            # A follow-up's question is its own sentence after "You mentioned ...".
            self.conv.warm(self._likely_follow_ups(pending), split_first=False)
        if self._upcoming is not None:
            self.conv.warm(self._upcoming(pending))
        self.conv.warm(list(_REQUEST_REPLIES))

    @staticmethod
    def _done(reply: Any) -> bool:
        return bool(reply.finished) or reply.pending is None

    def _speak(self, reply: Any, *, score_ms: float, acked: str = "") -> None:
        """acked: what was said the moment the answer ended ("Okay."), not said again."""
        self._nudged = self._checked_in = self._offered_again = False
        self._asked = [u.text for u in reply.utterances if _is_question(u)]
        said_back = [(u.text, u.kind) for u in reply.utterances if u.kind in _SAID_BACK and u.speak]
        if said_back:  # the last score, feedback and strong answer, for "Can you repeat that?"
            self._said_back = said_back
        self._feedback_fresh = bool(said_back)
        self.conv.begin_reply()
        for i, utt in enumerate(reply.utterances):
            self._caption("interviewer", utt.text)
            text = (utt.data or {}).get("spoken") or utt.text
            if acked and i == 0 and utt.kind == "ack":
                text = _left_to_say(text, acked)
            if utt.speak and text.strip():
                # The screen shows it all; aloud, a shorter form where there is one (the
                # welcome, without the list of parts).
                self.conv.say(text, utt.kind)
        self._question_timing = {"score": round(score_ms, 1)}

    def _clarifying(self, heard: HeardTurn) -> bool:
        """A short question of the candidate's own, before any answer to the pending one, in
        a turn of their own or over the interviewer. By its words: live, the turn can end on
        the fast words before the full transcript is in (as a finished sentence)."""
        return not heard.input_ended and bool(self._asked) and is_clarifying(heard.text)

    def _reply_to_question(self, asked: str) -> str:
        coding = self._code_desk is not None and self._code_desk.path_for(self._pending)
        if coding and asks_where_code_goes(asked):
            return CODE_WHERE
        if coding and asks_which_language(asked):
            return CODE_LANGUAGE
        pending = self.session.pending
        remaining = None if pending is None else pending.budget_s - pending.elapsed_s
        # A scripted session (tests) may have neither.
        progress = getattr(self.session, "progress", None)
        last_score = getattr(self.session, "last_score", None)
        return self._clarifier.reply(
            asked,
            remaining,
            progress() if progress else None,
            last_score=last_score() if last_score else None,
            just_scored=self._feedback_fresh,
        )

    # -- the question's time budget ---------------------------------------------------------
    def _start_clock(self, pending: Any) -> None:
        budget = getattr(pending, "budget_s", None)
        if pending is None or not budget:
            self._clock = None
            return
        if self._clock is not None and self._clock.prompt_id == pending.prompt_id:
            return  # a follow-up, or the same reply after a warning: the budget is the prompt's
        left = budget - getattr(pending, "elapsed_s", 0.0)
        now = self._now()
        self._clock = _QuestionClock(
            pending.prompt_id,
            warn_at=now + left - (1 - self._warn_fraction) * budget,
            over_at=now + left,
        )

    def _while_waiting(self) -> bool:
        """Polled while waiting in silence for an answer: the room is told of as soon as it is
        known (a candidate taken for someone farther off hears no turn end to be told after),
        and a warning or the budget may be due."""
        self._tell_about_the_room()
        return self._time_to_speak() or self._check_in_due() or self._mic_check_due()

    def _quiet_after_question(self, after_ms: int) -> bool:
        """A question is waiting for its answer, and the room has been quiet after_ms (0:
        never)."""
        return (
            after_ms > 0 and self._pending is not None and self.conv.quiet_for() * 1000 >= after_ms
        )

    def _check_in_due(self) -> bool:
        """Nothing at all said to the question this long (not a coding prompt: code is written
        in silence), and no check-in yet."""
        return (
            not self._checked_in
            and not self._carry
            and not getattr(self._pending, "is_coding", False)
            and self._quiet_after_question(self.conv.config.check_in_silence_ms)
        )

    def _mic_check_due(self) -> bool:
        """The sound card's microphone has sent nothing at all since the session began, and
        the candidate has had this long after the question to answer: once a session."""
        return (
            not self._told_mic
            and self.conv.mic_sends_nothing
            and self._quiet_after_question(self.conv.config.silent_mic_check_ms)
        )

    def _tell_mic_silent(self) -> None:
        self._told_mic = True
        if self._notices is not None:
            name = f" ({self.conv.mic_name})" if self.conv.mic_name else ""
            self._notices(
                f"the microphone{name} has sent only silence since the session began: it may be "
                "muted, or not the one you speak into (unmute it, or name another in [voice] "
                "input_device; python -m sounddevice lists them)"
            )
        self._say_notice(MIC_SILENT)

    def _check_in(self) -> None:
        self._checked_in = self._offered_again = True
        self._say_notice(CHECK_IN)

    def _time_to_speak(self) -> bool:
        """A warning or the budget is due."""
        clock = self._clock
        if clock is None:
            return False
        now = self._now()
        if now >= clock.over_at:
            return clock.prompt_id not in self._timed_out
        return now >= clock.warn_at and clock.prompt_id not in self._warned

    def _on_the_clock(self, reply: Any) -> Any:
        clock = self._clock
        assert clock is not None
        if self._now() < clock.over_at:
            self._warned.add(clock.prompt_id)
            self._say_notice(time_left_phrase(clock.over_at - self._now()))
            return reply
        # "Time is up on this one; let's move on.": words said so far (thinking aloud, a
        # question) are its answer, as a draft is in the text exam; none at all, no answer.
        t0 = time.perf_counter()
        answer, self._carry = self._carry, ""
        closed = self._submit(answer, self._code(last_chance=True), {})  # past the budget
        self._speak(closed, score_ms=(time.perf_counter() - t0) * 1000)
        return closed

    def _code(self, *, last_chance: bool = False) -> str | None:
        """A coding prompt's code, from the file the candidate writes it in."""
        if self._code_desk is None:
            return None
        return self._code_desk.code_for(self._pending, last_chance=last_chance)

    def _submit(self, answer: str, code: str | None, timing: dict[str, float]) -> Any:
        """An answer given at or past the budget closes the prompt: scored, no follow-up."""
        clock = self._clock
        if clock is None or self._now() < clock.over_at:
            return self.session.submit(answer, code=code, timing=timing)
        self._timed_out.add(clock.prompt_id)
        return self.session.submit(answer, code=code, timing=timing, time_up=True)

    def _say_notice(self, text: str) -> None:
        self.conv.begin_reply()
        self._say(text, "notice")

    def _say_question_again(self, *, acked: bool = False, preface: str = SAY_AGAIN) -> None:
        self.conv.begin_reply()
        if not acked or preface != SAY_AGAIN:  # after an "Okay.", straight to the question
            self._say(preface, "preface")
        for text in self._asked:
            self._say(text, "prompt")

    def _say_feedback_again(self) -> None:
        """ "Could you repeat the feedback?": the last score, feedback and strong answer."""
        self.conv.begin_reply()
        self._say(SAY_AGAIN, "preface")
        for text, kind in self._said_back:
            self._say(text, kind)

    def _say(self, text: str, kind: str) -> None:
        """Said aloud and captioned, as one."""
        self._caption("interviewer", text)
        self.conv.say(text, kind)

    def _carry_forward(self, text: str) -> None:
        """Words that are not an answer yet: they go in front of the next one."""
        self._carry = f"{self._carry} {text}".strip()

    def _is_interjection(self, heard: HeardTurn) -> bool:
        if not heard.barged_in:
            return False
        question_unheard = any(tag.kind in QUESTION_KINDS for tag in heard.unspoken)
        short = word_count(heard.text) <= self._interjection_max_words
        return question_unheard and (short or asks_to_repeat(heard.text))

    def _say_rest(
        self, heard: HeardTurn, preface: str = "", *, from_question: bool = False
    ) -> None:
        """What the barge-in cut off; from_question: only from the next question on (the
        section's introduction included), not the rest of the feedback or strong answer. With
        nothing to say first (after a cough or an "Mm-hmm."), it goes on from the phrase it was
        cut in; after a preface, the cut sentence is said whole."""
        rest = heard.unspoken
        if from_question:
            first = next((i for i, tag in enumerate(rest) if tag.kind in QUESTION_KINDS), 0)
            rest = rest[first:]
        if not rest:
            return
        self.conv.begin_reply()
        if preface:
            self._say(preface, "preface")  # on screen too ("Sure, I'll slow down.")
        self.conv.say_again(rest, go_on=not preface and not from_question)

    def _tell_about_the_room(self) -> None:
        """Once: a candidate in a café should know why soft speech may not be heard, and one
        barely over the room's noise why words are lost. Once too: a microphone that clips,
        and typing while answering."""
        if self._notices is None:
            return
        for heard, line in (
            (self.conv.mic_clips, _CLIPPING),
            (self.conv.hears_typing, _TYPING),
        ):
            if heard and line not in self._told_once:
                self._told_once.add(line)
                self._notices(line)
        if self._told_room:
            return
        over = self.conv.voice_over_noise_db
        if self.conv.hears_other_voices:
            # Voices first heard after the first answer may be the candidate, sat back: told
            # only of others in a room they know is quiet, they would not know what to change.
            who = (
                "other voices in the room (or yours, farther from the microphone than before)"
                if self.conv.other_voices_came_later
                else "other voices in the room"
            )
            told = (
                f"{who}: only speech louder than theirs is taken as yours "
                "(sit closer to the microphone than they are)"
            )
        elif over is not None and over < HARD_TO_HEAR_DB:
            told = (
                f"your voice is only {max(0, round(over))} dB over the room's noise: words "
                "may be lost (move closer to the microphone or raise its input level)"
            )
        else:
            return
        self._told_room = True
        self._notices(told)

    def _caption(self, who: str, text: str) -> None:
        if self._captions is not None and text.strip():
            self._captions.write(f"{who}: {text.strip()}\n")
            self._captions.flush()
