"""Who has the floor: barge-in and end-of-turn decisions, as pure logic on device time.

Fed one frame at a time (its start time and whether the VAD hears speech) plus what the ASR has
made of the turn so far; returns the frames the loop must act on. No clock is read here, so the
whole policy is tested with scripted times.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .audio import FRAME_SAMPLES, PIPELINE_RATE
from .frames import (
    EndOfTurnFrame,
    EndReason,
    Frame,
    InterruptionFrame,
    PausePlaybackFrame,
    ResumePlaybackFrame,
    TurnStartedFrame,
)
from .words import (
    asks_a_question,
    asks_for_time,
    asks_if_heard,
    asks_to_repeat,
    asks_to_slow_down,
    asks_to_speak_softer,
    asks_to_speak_up,
    asks_to_stop,
    ends_on_stray_punctuation,
    ends_sentence,
    fast_words_unfinished,
    find_end_phrase,
    may_be_thinking,
    no_words,
    normalise,
    only_thinking,
    word_count,
)

FRAME_S = FRAME_SAMPLES / PIPELINE_RATE


@dataclass
class TurnPolicy:
    end_of_turn_silence_ms: int = 750
    # The candidate's own pauses raise it: one they went on after, following a finished
    # sentence, plus pause_margin_ms (the longest of the last few), up to this ceiling.
    max_end_of_turn_silence_ms: int = 900
    pause_margin_ms: int = 150
    unfinished_turn_silence_ms: int = 2000
    # Silence after a turn of only thinking words ("Okay, let me think.") before it ends.
    thinking_silence_ms: int = 5000
    # A few fast words that may be only thinking ("Okay? What do you think?") wait this much
    # longer than a finished sentence would for the full transcript to say which it is.
    thinking_check_ms: int = 500
    # After this much silence a turn the fast words call unfinished ("...the cost ceiling,") is
    # judged again on the full-window transcript, which punctuates better: a finished sentence
    # there ends the turn now rather than at the long silence.
    review_silence_ms: int = 800
    min_barge_in_ms: int = 96
    # A paused interviewer resumes once the would-be barge-in has been quiet this long (six
    # frames: flite's kal voice left five quiet ones inside "In the first"). Frames the VAD
    # doubts but that stand clear of the room (the next word, scored low) are not quiet, up to
    # backchannel_hold_ms after the last speech frame (a cough's tail, typing).
    backchannel_release_ms: int = 192
    backchannel_hold_ms: int = 480
    # A cut-in over a question still to be asked, of at most this many words and ending on a
    # finished sentence ("Yeah.", "Sorry, could you repeat that?"), ends after this silence; so
    # does a request to hear the question again, whenever it is made.
    interjection_max_words: int = 6
    interjection_silence_ms: int = 550
    # A cut-in with no more than this of the interviewer's speech left unsaid (the last word
    # or two, nothing after them) is a turn of the candidate's own: they heard the question.
    heard_enough_ms: int = 800
    end_phrases: tuple[str, ...] = ("that's my answer",)


@dataclass
class TranscriptView:
    """What the ASR has so far: the text, and whether it covers all speech heard until now."""

    text: str = ""
    up_to_date: bool = True
    # The full-window transcript, once it covers all speech heard until now (None before).
    full_text: str | None = None


# A cut-in's fast words this short may be a cough's: the full-window words say (TurnTaker).
_FEW_WORDS = 2
# Pauses shorter than this are gaps between words, not a thinking pause worth learning from.
_MIN_PAUSE_MS = 200
_PAUSES_KEPT = 8


class TurnTaker:
    def __init__(self, policy: TurnPolicy) -> None:
        self.policy = policy
        # A turn of only thinking words waits for the answer (off: it is a turn like others).
        self.thinking_aloud = True
        # Kept across turns: how long this candidate pauses between sentences of one answer.
        self._pauses: deque[float] = deque(maxlen=_PAUSES_KEPT)
        self.reset()

    @property
    def finished_silence_ms(self) -> float:
        """Silence after a finished sentence that ends the turn, for this candidate so far.

        A fixed threshold either cuts off a slow speaker at every full stop or keeps a quick
        one waiting; the pauses they went on after say which they are.
        """
        p = self.policy
        learned = max(self._pauses, default=0.0) + p.pause_margin_ms
        return max(p.end_of_turn_silence_ms, min(p.max_end_of_turn_silence_ms, learned))

    def note_pause(self, ms: float) -> None:
        """A pause after a finished sentence that the candidate went on after."""
        if ms >= _MIN_PAUSE_MS:
            self._pauses.append(ms)

    def reset(self) -> None:
        self.in_turn = False
        self.turn_start: float | None = None
        self.last_speech_end: float | None = None
        self._run_start: float | None = None  # speech heard while the interviewer talks
        self._run_sound_end: float | None = None  # its last frame standing clear of the room
        self._paused = False
        self.barged_in_at: float | None = None
        # The barge-in cut off a question (set by the conversation, which knows what was cut).
        self.cut_in_question = False
        # Holding the end of a turn until the full transcript says if it was only thinking
        # aloud, or if words the fast ones left unfinished were (a deterministic run waits).
        self.awaiting_full_text = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def idle(self) -> bool:
        """No turn under way, and the interviewer not held paused by a would-be barge-in."""
        return not (self.in_turn or self._paused)

    def on_frame(
        self,
        t: float,
        speech: bool,
        bot_speaking: bool,
        transcript: TranscriptView,
        *,
        sound: bool = False,
    ) -> list[Frame]:
        """t: device time the frame starts; bot_speaking: interviewer audio playing or queued;
        sound: the frame stands clear of the room's quiet moments, speech or not."""
        out: list[Frame] = []
        end = t + FRAME_S
        if speech:
            if not self.in_turn:
                if bot_speaking or self._paused:
                    if self._run_start is None:
                        self._run_start = t
                        if not self._paused:
                            # Go quiet at once; commit (or resume) once we know more.
                            self._paused = True
                            out.append(PausePlaybackFrame(t))
                    if (end - self._run_start) * 1000 >= self.policy.min_barge_in_ms:
                        out.append(InterruptionFrame(onset_t=self._run_start))
                        self.barged_in_at = self._run_start
                        self._start_turn(self._run_start, out)
                else:
                    self._start_turn(self._run_start if self._run_start is not None else t, out)
            elif self.last_speech_end is not None:
                pause_ms = (t - self.last_speech_end) * 1000
                if (
                    pause_ms >= _MIN_PAUSE_MS
                    and _finished(transcript)
                    and not _thinking(transcript)
                ):
                    # Going on after a finished sentence: that pause was not the end (a pause
                    # to think after "Let me think." says nothing of their pauses in an answer).
                    self.note_pause(pause_ms)
            self.last_speech_end = end
            return out

        if not self.in_turn:
            if self._run_start is not None and self.last_speech_end is not None:
                if sound:
                    self._run_sound_end = end
                heard_end = max(self.last_speech_end, self._run_sound_end or 0.0)
                quiet_ms = (end - heard_end) * 1000
                held_ms = (end - self.last_speech_end) * 1000
                # Within a millisecond: frame times are sums of 32 ms steps in floating point.
                if (
                    quiet_ms > self.policy.backchannel_release_ms - 1
                    or held_ms > self.policy.backchannel_hold_ms - 1
                ):
                    self._run_start = self._run_sound_end = None
                    if self._paused:
                        self._paused = False
                        out.append(ResumePlaybackFrame(t))
            return out

        out.extend(self._maybe_end(end, transcript))
        return out

    def _start_turn(self, start: float, out: list[Frame]) -> None:
        self.in_turn = True
        self.turn_start = start
        self._run_start = self._run_sound_end = None
        self._paused = False
        out.append(TurnStartedFrame(start))

    def _maybe_end(self, now: float, transcript: TranscriptView) -> list[Frame]:
        assert self.last_speech_end is not None
        silence_ms = (now - self.last_speech_end) * 1000
        self.awaiting_full_text = False
        # Cutting the interviewer off with "Yeah." is a backchannel: it ends as usual, and the
        # interviewer goes on. Only a turn of its own, about to answer, can be thinking aloud.
        own_turn = self.thinking_aloud and self.barged_in_at is None
        said_done = transcript.up_to_date and find_end_phrase(
            transcript.text, list(self.policy.end_phrases)
        )
        # A few words that may be only thinking, or a question to the interviewer: the full
        # transcript says which (a run on a file holds for it).
        if (
            own_turn
            and not said_done
            and transcript.full_text is None
            and (may_be_thinking(transcript.text) or _to_the_interviewer(transcript.text))
            and silence_ms < self.finished_silence_ms + self.policy.thinking_check_ms
        ):
            self.awaiting_full_text = True
            return []
        if own_turn and _thinking(transcript):
            # "Okay, let me think." is not the answer: neither its full stop nor the usual
            # silence ends the turn, only a long one. "Can I have a minute?" is owed a reply
            # ("Take your time."): the usual silence ends it.
            full = transcript.full_text
            asked = asks_for_time(full if full is not None else transcript.text)
            # On the full transcript (a run on a file holds for it).
            self.awaiting_full_text = asked and full is None
            wait_ms = (
                self.finished_silence_ms if asked and full else self.policy.thinking_silence_ms
            )
            if silence_ms < wait_ms:
                return []
            return [
                EndOfTurnFrame(t_speech_end=self.last_speech_end, t_decided=now, reason="thinking")
            ]
        reason: EndReason | None = self._no_words_over(transcript, silence_ms)
        if reason is None and transcript.up_to_date and transcript.text.strip():
            if said_done:
                reason = "end_phrase"
            elif request := self._request_over(transcript, silence_ms, own_turn):
                reason = request
            elif silence_ms >= self.finished_silence_ms and _finished(transcript):
                reason = "finished_sentence"
        review_ms = max(self.policy.review_silence_ms, self.finished_silence_ms)
        if reason is None and silence_ms >= review_ms:
            if transcript.full_text:
                if ends_sentence(transcript.full_text):
                    reason = "finished_on_review"
            elif transcript.up_to_date and ends_on_stray_punctuation(transcript.text):
                # The full transcript is still running (a long answer): the fast words are
                # done but for a comma or an ellipsis, and this much silence says the same. If
                # the full transcript then trails off, the conversation gives the floor back.
                reason = "finished_on_review"
            else:
                # Live, the full transcript is nearly always in by now; a run on a file as fast
                # as it reads waits for it, so the review decides there as it does live.
                self.awaiting_full_text = True
        if reason is None and silence_ms >= self.policy.unfinished_turn_silence_ms:
            reason = "silence"
        if reason is None:
            return []
        return [EndOfTurnFrame(t_speech_end=self.last_speech_end, t_decided=now, reason=reason)]

    def _no_words_over(self, transcript: TranscriptView, silence_ms: float) -> EndReason | None:
        """A turn with no words in it: a cough, a knock, a sneeze. The fast pass makes a word of
        a cough ("I'm.", "So", "up"); the whole window, beam-searched, hears none. It ends at an
        interjection's silence with no "Okay.", and the interviewer goes on (it said "Okay,"
        and, cut off, started its sentence again after each cough). Over the interviewer a
        lone hesitation sound ("Uh.") is none either; in a turn of the candidate's own it is
        thinking aloud. Short fast words wait for the full-window ones (live they are nearly
        always in by then; a run on a file holds for them)."""
        if silence_ms < self.policy.interjection_silence_ms:
            return None
        full = transcript.full_text
        if full is None:
            if transcript.up_to_date and word_count(transcript.text) <= _FEW_WORDS:
                self.awaiting_full_text = True
            return None
        cut_in = self.barged_in_at is not None
        return "no_words" if no_words(full, hesitations=cut_in) else None

    def _request_over(
        self, transcript: TranscriptView, silence_ms: float, own_turn: bool
    ) -> EndReason | None:
        """ "Yeah." or "Sorry, could you repeat that?" over a question still to be asked, or
        "Could you repeat the question?" or "Is it on the device?" once it was: the interviewer
        should go on, say it again or answer, with no "Okay." and no floor held open after it.

        On the full-window transcript: the fast one hears a lone "Right." as "5." and
        "Mm-hmm." as "In EMM." (live it is nearly always in by then; a file run waits for it).
        """
        p = self.policy
        if silence_ms < p.interjection_silence_ms:
            return None
        full = transcript.full_text
        if self.cut_in_question:
            if full is None:
                # Not on the fast words, which can also hear it twice over.
                self.awaiting_full_text = True
                return None
            if ends_sentence(full) and word_count(full) <= p.interjection_max_words:
                # "Yeah." or "Sorry?" is over at a short silence; a first sentence of an
                # answer ("Two things come first.") gets an answer's pause, as it may go on.
                if _aside(full) or silence_ms >= self.finished_silence_ms:
                    return "interjection"
                return None
        elif not own_turn:
            return None
        # A whole phrase, which the fast words hear well enough: no holding every short answer
        # for the full transcript (one missed ends as usual, and is still answered).
        said = full or transcript.text
        # "Slower, please.", "You're too loud.": said again that way, at once, with no "Okay."
        # first (at the level the candidate just asked to change).
        if asks_to_repeat(said) or _asks_for_another_voice(said):
            return "repeat_request"
        # "Is this on the device?", after the pause that ends an answer (a rhetorical question
        # may lead into one). Not on the fast words, which hear "Okay, let me think." as
        # "Okay? What do you think?".
        if silence_ms >= self.finished_silence_ms and full and _to_the_interviewer(full):
            return "question"
        return None

    def force_end(self, now: float, reason: EndReason) -> EndOfTurnFrame | None:
        """A key press or the end of the input closes the turn (if one is open)."""
        if not self.in_turn or self.last_speech_end is None:
            return None
        return EndOfTurnFrame(t_speech_end=self.last_speech_end, t_decided=now, reason=reason)


# Over a question still to be asked, these alone start no answer ("Two things." may).
_INTERJECTIONS = frozenset(
    ("wait", "sorry", "excuse me", "huh", "yes", "yep", "no", "nope", "oops", "uh oh")
    + ("hang on a second", "hang on a sec", "wait a second", "wait a sec", "oh sorry")
)


def _aside(text: str) -> bool:
    """Words over a question that start no answer: a backchannel, an interjection ("Wait.",
    "Sorry."), a request, a question."""
    return (
        normalise(text) in _INTERJECTIONS
        or text.rstrip().endswith("?")
        or only_thinking(text)
        or asks_to_repeat(text)
        or _asks_for_another_voice(text)
        or _to_the_interviewer(text)
    )


def _asks_for_another_voice(text: str) -> bool:
    """Slower, louder or softer."""
    return asks_to_slow_down(text) or asks_to_speak_up(text) or asks_to_speak_softer(text)


def _to_the_interviewer(text: str) -> bool:
    """A question for the interviewer, "Hello?" (the fast words may miss its "?") or "I have to
    go.": replied to once the turn ends, with no "Okay." before the reply."""
    return asks_a_question(text) or asks_if_heard(text) or asks_to_stop(text)


def _finished(transcript: TranscriptView) -> bool:
    return transcript.up_to_date and not fast_words_unfinished(transcript.text)


def _thinking(transcript: TranscriptView) -> bool:
    """All the candidate has said so far is thinking aloud, by the fullest transcript there is."""
    if transcript.full_text is not None:
        return only_thinking(transcript.full_text)
    return transcript.up_to_date and only_thinking(transcript.text)
