"""Turn-taking, barge-in, text splitting, the file device and the measuring tool, without models.

Times are scripted (an injected clock): no sleeping, no timing assertions on real CPU time.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from voice.audio import FRAME_SAMPLES, PIPELINE_RATE, AudioFileError, read_wav, write_wav
from voice.clock import ManualClock
from voice.frames import (
    EndOfTurnFrame,
    InterruptionFrame,
    PausePlaybackFrame,
    TurnStartedFrame,
)
from voice.measure import measure, word_error_rate
from voice.near_talker import NearTalkerGate, RoomRules
from voice.ports import FileAudioPort
from voice.tts import speech_pieces
from voice.turn import FRAME_S, TranscriptView, TurnPolicy, TurnTaker
from voice.words import (
    asks_a_question,
    asks_about_time,
    asks_for_a_hint,
    asks_for_time,
    asks_if_heard,
    asks_leave,
    asks_to_repeat,
    asks_to_slow_down,
    asks_to_speak_softer,
    asks_to_speak_up,
    asks_to_stop,
    checks_understanding,
    ends_unfinished,
    find_end_phrase,
    only_thinking,
    says_yes,
    spoken_form,
    trails_off_in_words,
)

POLICY = TurnPolicy(
    end_of_turn_silence_ms=600,
    unfinished_turn_silence_ms=2000,
    review_silence_ms=800,
    min_barge_in_ms=96,
    end_phrases=("that's my answer",),
)


def drive(taker, pattern, *, bot=False, text="", up_to_date=True, t0=0.0, full=None):
    """Feed frames: pattern is a string of 's' (speech), '.' (silence) and 'n' (no speech to the
    VAD, but standing clear of the room's quiet moments), one per 32 ms.

    full: the full-window transcript, or a function of the frame index giving it (None until
    that transcript is ready).
    """
    out = []
    for k, ch in enumerate(pattern):
        t = t0 + k * FRAME_S
        full_text = full(k) if callable(full) else full
        view = TranscriptView(text, up_to_date, full_text)
        frames = taker.on_frame(t, ch == "s", bot, view, sound=ch in "sn")
        out.extend((round(t, 3), f) for f in frames)
    return out


def kinds(events):
    return [type(f).__name__ for _, f in events]


def end_frames(events):
    return [f for _, f in events if isinstance(f, EndOfTurnFrame)]


def test_finished_sentence_ends_the_turn_after_the_short_silence():
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 20 + "." * 30, text="I would roll back first.")
    ends = [(t, f) for t, f in events if isinstance(f, EndOfTurnFrame)]
    assert kinds(events)[0] == "TurnStartedFrame"
    assert ends, "a finished sentence followed by silence must end the turn"
    t, frame = ends[0]
    assert frame.reason == "finished_sentence"
    assert 0.6 <= frame.t_decided - frame.t_speech_end < 0.7


def test_a_thinking_pause_inside_an_answer_does_not_end_it():
    taker = TurnTaker(POLICY)
    # 0.45 s pause (14 frames) after a finished sentence: still the same turn.
    events = drive(taker, "s" * 20 + "." * 14 + "s" * 10, text="First I freeze the rollout.")
    assert not end_frames(events)


@pytest.mark.parametrize(
    "text", ["I would check the slices and", "and so", "because...", "we add the,", "for example:"]
)
def test_a_trailing_and_waits_for_the_long_silence(text):
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 20 + "." * 70, text=text)
    ends = end_frames(events)
    assert ends and ends[0].reason == "silence"
    assert ends[0].t_decided - ends[0].t_speech_end >= 2.0


def test_a_wrongly_unfinished_turn_ends_once_the_full_transcript_reads_finished():
    taker = TurnTaker(POLICY)
    # The fast words lost the full stop ("...the cost ceiling,"); the full-window transcript,
    # ready 0.64 s into the pause (frame 40), ends the sentence.
    events = drive(
        taker,
        "s" * 20 + "." * 70,
        text="I would also ask about the cost ceiling,",
        full=lambda k: "I would also ask about the cost ceiling." if k >= 40 else None,
    )
    ends = end_frames(events)
    assert ends and ends[0].reason == "finished_on_review"
    # Not before the review point (0.8 s), and well before the long silence (2 s).
    assert 0.8 <= ends[0].t_decided - ends[0].t_speech_end < 0.9


def test_a_late_full_transcript_ends_the_turn_when_it_arrives():
    taker = TurnTaker(POLICY)
    events = drive(
        taker,
        "s" * 20 + "." * 70,
        text="we add a canary and",
        full=lambda k: "We add a canary." if k >= 60 else None,
    )
    ends = end_frames(events)
    assert ends and ends[0].reason == "finished_on_review"
    assert ends[0].t_decided == pytest.approx(61 * FRAME_S)


def test_a_run_on_a_file_holds_an_unfinished_turn_at_the_review_for_its_full_transcript():
    """Live, the full transcript of the turn is nearly always in by the review point; a file
    read as fast as it goes got there first, so whether the review decided (or the turn waited
    for the long silence: 2.2 s to reply) turned on thread timing, not on what was said."""
    taker = TurnTaker(POLICY)
    review = round(POLICY.review_silence_ms / 1000 / FRAME_S)
    events = drive(taker, "s" * 20 + "." * (review + 1), text="it watches the errors I read, and.")
    assert not end_frames(events) and taker.awaiting_full_text
    more = drive(
        taker,
        "..",
        text="it watches the errors I read, and.",
        full="It watches the errors by region.",
        t0=(21 + review) * FRAME_S,
    )
    ends = end_frames(more)
    assert ends and ends[0].reason == "finished_on_review"


@pytest.mark.parametrize(
    "text",
    [
        "a canary would catch this before launch,",
        # Whisper's ellipsis when a short last stretch stops on a word it is unsure of.
        "Never by pulling people's calls...",
        "and then the dashboards…",
    ],
)
def test_stray_punctuation_ends_the_turn_at_the_review_while_the_full_transcript_runs(text):
    taker = TurnTaker(POLICY)
    # A long answer: its full transcript is not ready at the review point (0.8 s).
    events = drive(taker, "s" * 20 + "." * 70, text=text)
    ends = end_frames(events)
    assert ends and ends[0].reason == "finished_on_review"
    assert 0.8 <= ends[0].t_decided - ends[0].t_speech_end < 0.9


@pytest.mark.parametrize(
    "text", ["then we compare the slices and,", "we pin the regions to...", "because…"]
)
def test_a_real_trailing_off_still_waits_for_the_long_silence(text):
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 20 + "." * 70, text=text)
    ends = end_frames(events)
    assert ends and ends[0].reason == "silence"


@pytest.mark.parametrize(
    "text",
    [
        # The fast pass's words for "...the traffic and", "...by region and", "...completion
        # and" before a thinking pause: the interviewer said "Okay." into it.
        "Before drawing any boxes I'd ask about the traffic in.",
        "We would charge the index by region n.",
        "A month after launch, we'd look at task completion, end,",
        # espeak's and festival's "and" after a comma, in pauses of 1.2 s.
        "Then compare cold, start with warm ones, add.",
        "We keep a deck of the records, add,",
        "The offline evaluation. It runs on its own cluster, M.",
    ],
)
def test_a_trailing_and_the_fast_words_hear_as_in_waits_for_the_whole_window(text):
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 20 + "." * 70, text=text)
    ends = end_frames(events)
    assert ends and ends[0].reason == "silence"
    # A sentence that does end on "in" is over once the whole window says so.
    taker = TurnTaker(POLICY)
    full = "Then I would check which region the user is in."
    events = drive(taker, "s" * 20 + "." * 70, text=text, full=full)
    ends = end_frames(events)
    assert ends and ends[0].reason == "finished_on_review"


def test_the_review_agrees_with_a_trailing_and_so_the_turn_waits():
    taker = TurnTaker(POLICY)
    events = drive(
        taker,
        "s" * 20 + "." * 70,
        text="I would freeze the rollout and",
        full="I would freeze the rollout and",
    )
    ends = end_frames(events)
    assert ends and ends[0].reason == "silence"


def test_a_thinking_pause_is_not_reviewed_into_an_end():
    taker = TurnTaker(POLICY)
    # 0.45 s pause: the review waits for 0.8 s of silence even with a finished full transcript.
    events = drive(
        taker,
        "s" * 20 + "." * 14 + "s" * 10,
        text="First I freeze the rollout,",
        full="First I freeze the rollout.",
    )
    assert not end_frames(events)


def test_the_turn_waits_for_the_transcript_before_judging_the_words():
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 20 + "." * 30, text="", up_to_date=False)
    assert not end_frames(events)


@pytest.mark.parametrize(
    ("text", "at_once"),
    [
        ("Roll back and page the owner. That's all I have.", True),
        ("So I'd gate on the canary. That's my final answer.", True),
        ("Okay, I'm finished.", True),
        ("I think that's everything.", True),
        ("That's it. All I have.", True),  # tiny.en's "That is all I have.", espeak en-us
        # Words an answer ends a sentence with, and goes on after.
        ("If the canary holds, that's it.", False),
        ("That's all for the data side.", False),
    ],
)
def test_the_usual_ways_of_saying_an_answer_is_over_end_the_turn_at_once(text, at_once):
    """ "That's all I have." and "I'm finished." waited out the usual silence and the grace
    after it, as any finished sentence does: only "that's my answer", "that's all" and "I'm
    done" were end phrases by default."""
    from voice.config import VoiceConfig

    policy = dataclasses.replace(POLICY, end_phrases=tuple(VoiceConfig().end_phrases))
    ends = end_frames(drive(TurnTaker(policy), "s" * 20 + "." * 8, text=text))
    assert bool(ends and ends[0].reason == "end_phrase") is at_once


@pytest.mark.parametrize(
    "text", ["Roll back and page the owner. That's my answer.", "Okay, that's my answer."]
)
def test_a_spoken_end_phrase_ends_the_turn_at_once(text):
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 20 + "." * 8, text=text)
    ends = end_frames(events)
    assert ends and ends[0].reason == "end_phrase"
    assert ends[0].t_decided - ends[0].t_speech_end < 0.1


@pytest.mark.parametrize(
    "text",
    [
        "Okay, let me think.",
        "Hmm. Good question.",
        "Right.",
        "That's a good question, give me a second.",
        "Mm-hmm. Let's see.",
        "Thank you.",
        "Got it. Let me think about that for a second.",
    ],
)
def test_thinking_aloud_is_not_the_answer_the_turn_waits_for_it(text):
    """A finished sentence and 3 s of silence, but no answer yet: the turn stays open, and the
    answer that follows is the same turn, ended as usual."""
    taker = TurnTaker(POLICY)
    assert not end_frames(drive(taker, "s" * 20 + "." * 100, text=text))
    # Going on: the first frame of speech still has only the thinking words transcribed.
    assert not end_frames(drive(taker, "s", text=text, t0=120 * FRAME_S))
    more = f"{text} I would roll back first."
    ends = end_frames(drive(taker, "s" * 29 + "." * 30, text=more, t0=121 * FRAME_S))
    assert ends and ends[0].reason == "finished_sentence"
    # The 3 s spent thinking is not taken for how long this candidate pauses in an answer.
    assert taker.finished_silence_ms == POLICY.end_of_turn_silence_ms


@pytest.mark.parametrize(
    ("said", "after_s"), [("Okay, let me think.", 5.0), ("Hmm. Can I have a minute?", 0.6)]
)
def test_asking_for_a_minute_is_thinking_but_owed_a_reply_at_once(said, after_s):
    """Both are thinking aloud (no answer yet); asking for a minute ends the turn at the usual
    silence, so that the interviewer can say "Take your time." then, not five seconds later."""
    taker = TurnTaker(POLICY)
    ends = end_frames(drive(taker, "s" * 20 + "." * 170, text=said, full=said))
    assert ends and ends[0].reason == "thinking"
    assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(after_s, abs=0.04)


def test_thinking_aloud_then_a_long_silence_ends_the_turn_as_thinking():
    taker = TurnTaker(POLICY)
    ends = end_frames(drive(taker, "s" * 20 + "." * 170, text="Okay, let me think."))
    assert ends and ends[0].reason == "thinking"
    assert 5.0 <= ends[0].t_decided - ends[0].t_speech_end < 5.1


@pytest.mark.parametrize(
    ("full", "reason", "after_s"),
    [
        # The full transcript, 0.7 s into the pause, says it was only thinking: no end.
        ("Okay, let me think.", None, None),
        # It says it was an answer: the turn ends then.
        ("Okay, that is what I would check.", "finished_sentence", 0.7),
        # It never comes: the fast words decide, half a second later than usual.
        (None, "finished_sentence", 1.1),
    ],
)
def test_a_short_turn_with_thinking_words_waits_for_the_full_transcript(full, reason, after_s):
    """The fast words of a short stretch can hear "Okay, let me think." as "Okay? What do you
    think?", a finished question that would end the turn and draw a follow-up on it."""
    taker = TurnTaker(POLICY)
    events = drive(
        taker,
        "s" * 20 + "." * 60,
        text="Okay? What do you think?",
        full=lambda k: full if k >= 42 else None,
    )
    ends = end_frames(events)
    assert (ends[0].reason if ends else None) == reason
    if ends:
        assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(after_s, abs=0.04)


def test_yeah_over_the_interviewer_is_a_backchannel_not_thinking():
    """Cutting the interviewer off with "Yeah." ends as usual, so the interviewer goes on."""
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" * 10 + "." * 30, bot=True, text="Yeah.")
    ends = end_frames(events)
    assert ends and ends[0].reason == "finished_sentence"


def _cut_in(taker, said, *, cut_off_question, fast=None, full_after_frames=0):
    """The candidate cuts the interviewer off (4 frames over it, 6 more), then is silent for
    ~1.3 s; the full transcript is in `full_after_frames` into the silence."""
    onset = drive(taker, "ssss", bot=True, text=fast or said)
    taker.cut_in_question = cut_off_question  # the conversation's verdict on what was cut
    rest = drive(
        taker,
        "s" * 6 + "." * 40,
        text=fast or said,
        full=lambda k: said if k >= 6 + full_after_frames else None,
        t0=4 * FRAME_S,
    )
    return onset + rest


@pytest.mark.parametrize(
    ("said", "cut_off_question", "reason", "after_s"),
    [
        ("Yeah.", True, "interjection", 0.55),
        ("Sorry, could you repeat that?", True, "interjection", 0.55),
        # Nothing left to ask (the question was heard): a turn like any other.
        ("Yeah.", False, "finished_sentence", 0.6),
        # More than an interjection's words: an answer, given over the question.
        ("I would roll back first and then page the owner.", True, "finished_sentence", 0.6),
    ],
)
def test_a_short_cut_in_over_a_question_ends_sooner_than_an_answer(
    said, cut_off_question, reason, after_s
):
    """ "Yeah." over a question still to be asked: the interviewer goes on with it after a
    short silence (longer than the pauses inside an answer), not the pause that ends one."""
    taker = TurnTaker(POLICY)
    events = _cut_in(taker, said, cut_off_question=cut_off_question)
    assert "InterruptionFrame" in kinds(events)
    ends = end_frames(events)
    assert ends and ends[0].reason == reason
    assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(after_s, abs=0.04)


@pytest.mark.parametrize(
    ("fast", "full", "cut_off_question", "reason"),
    [
        # A cough over the question: the fast pass made a word of it, the full window none.
        ("I'm.", "", True, "no_words"),
        # Over the feedback, with no question after it.
        ("I'm.", "", False, "no_words"),
        ("So", "Uh.", True, "no_words"),
        ("Uh Uh", "Hmm...", False, "no_words"),
        # The fast pass heard nothing either: not the long silence of an unfinished turn.
        ("", "", False, "no_words"),
        # Words, however few, are words.
        ("Yeah.", "Yeah.", True, "interjection"),
        ("Okay.", "Okay.", False, "finished_sentence"),
        ("I'm.", "I'm.", False, "finished_sentence"),
    ],
)
def test_a_cough_over_the_interviewer_ends_at_once_as_no_words(
    fast, full, cut_off_question, reason
):
    """Coughs over the welcome: the fast words ("I'm.") ended each as a finished sentence, so
    the interviewer said "Okay," and started its sentence again, and "Uh." went in front of
    the answer. A cut-in whose full-window words are none, or only hesitation sounds, ends
    after an interjection's silence as no words (no "Okay.", nothing kept: the interviewer
    goes on)."""
    taker = TurnTaker(POLICY)
    ends = end_frames(_cut_in(taker, full, cut_off_question=cut_off_question, fast=fast))
    assert ends and ends[0].reason == reason
    if reason == "no_words":
        assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(0.55, abs=0.04)


@pytest.mark.parametrize(
    ("fast", "full", "reason"),
    [
        ("I'm.", "", "no_words"),  # a cough after the question
        ("I'm.", "I'm.", "finished_sentence"),
        # A hesitation of their own is thinking aloud: the turn waits for the answer.
        ("Uh.", "Uh.", None),
    ],
)
def test_a_cough_in_a_turn_of_the_candidates_own_gets_no_okay(fast, full, reason):
    """Coughing while thinking after the question drew "Okay." (the fast words, "I'm.", end
    a sentence)."""
    taker = TurnTaker(POLICY)
    ends = end_frames(drive(taker, "s" * 10 + "." * 40, text=fast, full=lambda k: full))
    assert (ends[0].reason if ends else None) == reason


@pytest.mark.parametrize(
    ("said", "after_s"),
    [
        ("Yeah.", 0.55),
        ("Sorry?", 0.55),
        ("Wait.", 0.55),
        ("Can you speak up?", 0.55),
        ("You're too loud.", 0.55),
        ("Sorry.", 0.55),
        # The first sentence of an answer: it may go on after the pause an answer gets.
        ("Two things come first.", 0.75),
        ("Two things.", 0.75),
        ("I would roll it back.", 0.75),
    ],
)
def test_a_first_sentence_over_a_question_gets_an_answers_pause(said, after_s):
    """A short sentence over the question ended at 0.55 s of silence, as "Yeah." does: the
    first sentence of an answer, then a pause, drew "As I was saying:" over the rest of it."""
    taker = TurnTaker(TurnPolicy())
    ends = end_frames(_cut_in(taker, said, cut_off_question=True))
    assert ends and ends[0].reason == "interjection"
    assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(after_s, abs=0.035)


@pytest.mark.parametrize(
    ("said", "barged_in", "reason", "after_s"),
    [
        # Its own turn, once the question was heard.
        ("Could you repeat the question?", False, "repeat_request", 0.55),
        # Asked to change the voice: said again that way, as soon (it drew an "Okay." first).
        ("You're too loud.", False, "repeat_request", 0.55),
        ("Can you speak up?", False, "repeat_request", 0.55),
        # Over the question, in more words than an interjection.
        (
            "Sorry, I didn't catch that, could you repeat the question?",
            True,
            "repeat_request",
            0.55,
        ),
        # An answer of as few words ends as usual.
        ("I would repeat the test.", False, "finished_sentence", 0.6),
    ],
)
def test_a_request_to_repeat_the_question_ends_without_the_pause_of_an_answer(
    said, barged_in, reason, after_s
):
    taker = TurnTaker(POLICY)
    if barged_in:
        events = _cut_in(taker, said, cut_off_question=True)
    else:
        events = drive(taker, "s" * 10 + "." * 40, text=said, full=lambda k: said)
    ends = end_frames(events)
    assert ends and ends[0].reason == reason
    assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(after_s, abs=0.04)


@pytest.mark.parametrize(
    ("text", "repeat", "question"),
    [
        ("Sorry, could you repeat the question?", True, True),
        ("Can you say that again, please?", True, True),
        ("Sorry, I didn't catch that.", True, False),
        ("What was the question?", True, True),
        ("Pardon?", True, False),
        ("Come again?", True, False),
        ("Could you rephrase that?", True, True),
        ("What was the second part of the question?", True, True),
        ("Why was the second part of the question?", True, True),  # tiny.en, flite kal
        ("Sorry, I missed the last part.", True, False),
        ("Sorry, what?", True, True),
        ("What did you say?", True, True),
        ("I didn't understand the question.", True, False),
        # Asking to hear it again in other words, or after "If you'd like it again, just ask."
        ("Can I hear the question again?", True, True),
        ("Could I have it again, please?", True, True),
        ("Yeah, say it again.", True, False),
        ("You guys say it again.", True, False),  # tiny.en's "Yeah, say it again." (festival)
        ("Just say it again, please.", True, False),
        ("Um, just say that again.", True, False),
        ("I would say it again to the team.", False, False),
        ("They say it again and again.", False, False),
        ("Yes, please repeat it.", True, False),
        ("Again, please.", True, False),
        ("Yes, the question again, please.", True, False),
        ("Could you go over that again?", True, True),
        ("Yes, I would run it again.", False, False),
        ("Again, the latency matters most.", False, False),
        ("Can I get it again after the canary?", False, True),
        ("Is this on the device or in the cloud?", False, True),
        ("Okay. Do we have a GPU?", False, True),
        ("Sorry, how many users do we expect?", False, True),
        ("What is the latency budget? And the memory?", False, True),
        ("I have ten minutes left, so I will be brief.", False, False),
        # Answers that use the same words, or say them with a rising voice.
        ("I would repeat the test.", False, False),
        ("I would ask it again next week.", False, False),
        ("We could not hear the difference between the two models.", False, False),
        ("Sorry.", False, False),
        ("Honestly, I missed that in the first version.", False, False),
        ("What was the part that failed? The vocoder.", False, False),
        ("Latency?", False, False),
        ("The memory, right?", False, False),
        # A question leading into an answer, or ending one.
        (
            "Can you repeat that? I missed the part about the latency budget and the memory",
            False,
            False,
        ),
        ("What do we pin down first? Latency.", False, False),
        # tiny.en ends a statement that ends on a question word with a "?" (festival ked).
        ("I start with who uses it, and where?", False, False),
        ("We need to know where?", False, False),
        ("What I would do first is roll back the model?", False, False),
        ("So what I would do is check the logs?", False, False),
        # A question still, after a word or a clause of its own.
        ("And is it streaming?", False, True),
        ("I mean, is it streaming?", False, True),
        ("Just to check, do we have a GPU?", False, True),
        ("When I say latency, do you mean p95?", False, True),
        ("If we have a GPU, can I use it?", False, True),
        ("I would start with latency. Does that make sense?", False, False),
        (
            "How would I know it works a month after launch, when the users are on it? I'd ask.",
            False,
            False,
        ),
    ],
)
def test_a_request_or_a_question_to_the_interviewer_is_told_from_an_answer(text, repeat, question):
    """A request to hear the question again is checked first, so it may read as a question too."""
    assert asks_to_repeat(text) is repeat
    assert asks_a_question(text) is question


@pytest.mark.parametrize(
    ("text", "checks"),
    [
        ("I would start with latency. Does that make sense?", True),
        ("I roll back, then page the owner. Is that clear?", True),
        ("First the latency. So, does that all make sense so far?", True),
        ("I would roll back first. Make sense?", True),
        ("Then a canary on one percent. You know what I mean?", True),
        ("Then a canary on one percent. Are you with me?", True),
        # tiny.en may join it to the answer with a comma.
        ("I would roll back the model first, doesn't that make sense?", True),
        # Alone it is a question of its own; after thinking words too.
        ("Does that make sense?", False),
        ("Okay, let me think. Does that make sense?", False),
        # A statement that it makes sense, and a question of whether the answer is right.
        ("A canary makes sense here. That makes sense.", False),
        ("I would roll back first. Does that sound right?", False),
        ("I would roll back first. Does that answer it?", False),
        ("If it makes sense?", False),
        # Not at the end: the answer went on after it.
        ("I would roll back. Does that make sense? Then I page the owner.", False),
    ],
)
def test_an_answer_that_asks_if_it_was_followed_is_told_from_others(text, checks):
    assert checks_understanding(text) is checks


@pytest.mark.parametrize(
    ("ack", "said", "left"),
    [
        ("Okay.", "Got it.", ""),  # not "Got it. Okay."
        ('Thanks. I heard "a canary".', "Okay.", 'Thanks. I heard "a canary".'),
        ('Yes, I follow. I heard "a canary".', "Yes, I follow.", 'I heard "a canary".'),
        ("Yes, I follow.", "Yes, I follow.", ""),
        # The check was heard only in the final transcript: the reply answers it.
        ('Yes, I follow. I heard "a canary".', "Okay.", 'Yes, I follow. I heard "a canary".'),
    ],
)
def test_what_was_said_as_the_answer_ended_is_not_said_again(ack, said, left):
    from agent.voice_face import _left_to_say

    assert _left_to_say(ack, said) == left


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Hello? Can you hear me?", "Yes, I can hear you. Go ahead whenever you're ready."),
        ("Is this working?", "Yes, I can hear you. Go ahead whenever you're ready."),
        ("Are you still there?", "Yes, I'm here. Go ahead whenever you're ready."),
        ("Hello?", "Hello. Go ahead whenever you're ready."),
        # Not a check that the interviewer is there.
        ("I can hear the echo in the recording.", None),
        ("Hi, I would start with the users.", None),
        ("Is it on the device?", None),
    ],
)
def test_a_check_that_the_interviewer_hears_is_answered_as_one(text, reply):
    """ "Hello? Can you hear me?" was met with "Good question. Make the assumption you think
    is most reasonable, say it, and go on."."""
    from agent.clarify import Clarifier

    assert asks_if_heard(text) is (reply is not None)
    if reply:
        assert Clarifier().reply(text, 300.0) == reply


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("Where do I write the code?", True),
        ("How do I submit my solution?", True),
        ("Where is the file?", True),
        ("Is there an editor?", True),
        ("Should I write the code now?", True),
        # About the code itself, not where it goes.
        ("How would I write the code for the window?", False),
        ("I would write the code in Python.", False),
        ("Where is the bottleneck?", False),
        ("How do I handle an empty list?", False),
    ],
)
def test_a_question_about_where_the_code_goes_is_told_from_others(text, where):
    from agent.clarify import asks_where_code_goes

    assert asks_where_code_goes(text) is where


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How many questions are left?", "progress"),
        ("Is this the last question?", "progress"),
        ("Is this being recorded?", "recorded"),
        ("Is, it's being recorded.", "recorded"),  # as tiny.en heard it, over noise
        ("Do you keep my audio?", "recorded"),
        ("Are you an AI?", "who"),
        ("Are you an eye?", "who"),  # tiny.en's "AI", flite
        ("Who am I talking to?", "who"),
        ("What was my score?", "score"),
        ("How am I doing?", "score"),
        ("How did the model do?", None),
        # Questions about the problem, which use the same words.
        ("How many users do we have?", None),
        ("What is the next step in the pipeline?", None),
        ("Are we recording the calls in production?", None),
        ("Do you store the transcripts?", None),
        ("Who is the user?", None),
    ],
)
def test_a_question_about_the_exam_itself_is_told_from_one_about_the_problem(text, kind):
    from agent.clarify import asks_about_progress, asks_about_score, asks_if_recorded, asks_who

    found = [
        k
        for k, asks in (
            ("progress", asks_about_progress),
            ("recorded", asks_if_recorded),
            ("who", asks_who),
            ("score", asks_about_score),
        )
        if asks(text)
    ]
    assert found == ([kind] if kind else [])


@pytest.mark.parametrize(
    ("spoken", "keeps_audio", "llm", "said"),
    [
        (
            True,
            False,
            "",
            "Only the transcript is kept, on this machine; no audio, and nothing is sent anywhere.",
        ),
        (
            True,
            True,
            "",
            "The transcript and your audio are kept, as you asked, on this machine, and nothing "
            "is sent anywhere.",
        ),
        (
            False,
            False,
            "openai/judge",
            "Only the transcript is kept, on this machine. Your answers also go to the LLM in your "
            "settings, for scoring.",
        ),
    ],
)
def test_asked_if_it_is_recorded_the_interviewer_says_what_this_session_keeps(
    spoken, keeps_audio, llm, said
):
    from agent.clarify import Clarifier

    clarifier = Clarifier(spoken=spoken, keeps_audio=keeps_audio, llm=llm)
    assert clarifier.reply("Is this being recorded?", 300.0) == said


def test_asked_for_the_score_the_interviewer_gives_the_last_closed_one():
    from agent.clarify import Clarifier

    asked = "What was my score?"
    assert (
        Clarifier().reply(asked, 300.0) == "You'll hear your score as soon as this question closes."
    )
    said = Clarifier().reply(asked, 300.0, last_score=("Before the boxes", 56.4))
    assert said == 'Your answer on "Before the boxes" scored 56 out of 100.'


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("Can I change my last answer?", True),
        ("Could we go back to the previous question?", True),
        ("Can we go back?", True),
        # Leave to go about the problem a way.
        ("Can I go back to the data first?", False),
        ("Can I start with the requirements?", False),
    ],
)
def test_asked_to_reopen_a_scored_answer_the_interviewer_says_it_is_closed(text, closed):
    """ "Can I change my last answer?" was met with "Sure, go ahead.", and what followed was
    scored against the current question."""
    from agent.clarify import CLOSED, Clarifier

    assert (Clarifier().reply(text, 300.0) == CLOSED) is closed


@pytest.mark.parametrize(
    ("text", "pushback"),
    [
        ("But I did mention privacy.", True),
        ("I think you missed that I covered the cost ceiling.", True),
        ("Hold on, I disagree with the score.", True),
        ("That seems a bit harsh.", True),
        ("Why did I only get 40?", True),
        ("I covered that in my last answer.", True),
        ("That's not fair, I said three hundred milliseconds.", True),
        # Answers that use such words.
        ("I would check whether the confidence score is low.", False),
        ("If the score is wrong, we retrain the calibration.", False),
        ("I did a rollback like this last year.", False),
        ("Why did the error rate go up? First I check the logging.", False),
        ("It missed my deadline, so I cut the scope.", False),
    ],
)
def test_pushback_on_the_score_is_told_from_an_answer(text, pushback):
    from agent.clarify import disputes_the_score

    assert disputes_the_score(text) is pushback


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Was that a good answer?", "not yet"),
        ("Am I on the right track?", "not yet"),
        ("Can you give me feedback on that?", "not yet"),
        ("What's the right answer?", "hidden"),
        ("What would a strong answer be?", "hidden"),
        ("Can I see the rubric?", "hidden"),
        ("Can I google it?", "no look-up"),
        ("Am I allowed to use ChatGPT?", "no look-up"),
        # The candidate's own questions about the problem, and leave asked.
        ("So one region. Is that okay?", "own"),
        ("Is it correct to assume English only?", "own"),
        ("What's a good answer latency for the bot?", "own"),
        ("Can I use Kafka for the queue?", "own"),
    ],
)
def test_questions_about_how_the_answer_is_judged_get_plain_answers(text, reply):
    """ "Was that a good answer?", "Can I see the rubric?" and "Can I google it?" were met with
    "Good question. Make the assumption you think is most reasonable..." (or "Sure, go
    ahead.")."""
    from agent.clarify import HIDDEN_UNTIL_CLOSED, NO_LOOKING_UP, NOT_YET_SCORED, Clarifier

    said = Clarifier().reply(text, 300.0, (2, 8), last_score=("Before the boxes", 56.0))
    expected = {
        "not yet": NOT_YET_SCORED,
        "hidden": HIDDEN_UNTIL_CLOSED,
        "no look-up": NO_LOOKING_UP,
    }
    assert said == expected[reply] if reply in expected else said not in expected.values()


def test_asked_how_it_went_right_after_the_feedback_the_interviewer_gives_that_score():
    from agent.clarify import Clarifier

    said = Clarifier().reply(
        "Was that okay?", 300.0, last_score=("Before the boxes", 56.4), just_scored=True
    )
    assert said == 'Your answer on "Before the boxes" scored 56 out of 100.'


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What language should I use?", True),
        ("Can I write it in Java?", True),
        ("Can I do this in C++?", True),
        ("Is pseudocode okay?", True),
        ("Can I use numpy?", False),
        ("What language model would you use?", False),
        ("Which language do the users speak?", False),
    ],
)
def test_a_question_about_the_coding_language_is_told_from_others(text, language):
    from agent.clarify import asks_which_language

    assert asks_which_language(text) is language


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Hi, nice to meet you.", "Nice to meet you too."),
        ("Hi there, thanks for having me.", "Glad to have you."),
        ("Good afternoon.", "Good afternoon."),
        ("Hello, how are you?", "Very well, thanks."),
        # Answers that begin or use such words.
        ("Good morning. So first I would check the data.", None),
        ("It's good to see you measure WER per accent.", None),
        ("How are you going to measure it?", None),
    ],
)
def test_a_greeting_is_told_from_an_answer(text, reply):
    from agent.clarify import greeting_reply

    assert greeting_reply(text) == reply


def test_asked_how_many_questions_are_left_the_interviewer_says_where_the_exam_stands():
    from agent.clarify import Clarifier

    clarifier = Clarifier()
    asked = "How many questions are left?"
    assert (
        clarifier.reply(asked, 300.0, (2, 8)) == "This is question 2 of 8. 6 more after this one."
    )
    assert clarifier.reply(asked, 300.0, (8, 8)) == "This is question 8 of 8. It's the last one."


@pytest.mark.parametrize(
    ("text", "slower"),
    [
        ("Could you speak more slowly?", True),
        ("Sorry, you're talking too fast.", True),
        ("Slower, please.", True),
        ("A bit slower, please.", True),
        ("Sorry, could you repeat that more slowly?", True),
        ("Can you go a bit slower?", True),
        ("Now we're talking too fast.", True),  # tiny.en's "You're...", flite kal
        # Answers that say such words.
        ("The model is too fast for the device.", False),
        ("It would slow down the pipeline.", False),
        ("Slower models cost more.", False),
        ("I would slow down the rollout.", False),
    ],
)
def test_a_request_to_speak_more_slowly_is_told_from_an_answer(text, slower):
    assert asks_to_slow_down(text) is slower


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Can you speak up?", "louder"),
        ("Sorry, I can barely hear you.", "louder"),
        ("I can't hear you very well.", "louder"),
        ("You're very quiet.", "louder"),
        ("Could you turn the volume up a bit?", "louder"),
        ("Louder, please.", "louder"),
        ("You're too loud.", "softer"),
        ("Your too loud.", "softer"),  # tiny.en's, in a full run
        ("Sorry, can you sneak up?", "louder"),  # tiny.en's, espeak en-us+m3 in pink noise
        ("Could you repeat that a bit louder?", "louder"),  # a request to repeat, said louder
        ("We read it louder than the noise floor.", None),
        ("Could you speak a bit more quietly?", "softer"),
        ("Can you turn it down?", "softer"),
        # The sound, or the words not understood: said again as it was.
        ("Sorry, you're breaking up.", "again"),
        ("You cut out there.", "again"),
        ("What do you mean?", "again"),
        ("Could you put that in another way?", "again"),  # tiny.en's, flite slt
        ("Sorry, where were we?", "again"),
        ("I'm not sure I understand the question.", "again"),
        ("What exactly are you asking?", "again"),
        ("Sorry, I lost my train of thought.", "again"),
        ("Sorry, my connection dropped there.", "again"),
        ("Users don't understand the question the bot asks.", None),
        ("Where were we on latency? We said 300 ms.", None),
        ("If my connection dropped, the client retries.", None),
        # Answers that say such words.
        ("We should speak up about the regression.", None),
        ("I would turn up the volume of training data.", None),
        ("The fan in that room is very loud.", None),
        ("I can't hear the difference between the two models.", None),
        ("Then I would turn it down to one region.", None),
        ("What do you mean by streaming here?", None),
        ("The model cut out words at the end.", None),
    ],
)
def test_a_request_about_how_the_interviewer_sounds_is_told_from_an_answer(text, asked):
    """ "Can you speak up?" was met with "Good question. Make the assumption...", and "I can't
    hear you.", "You're too loud." or "You're breaking up." were scored as the answer."""
    said = {
        "louder": asks_to_speak_up(text),
        "softer": asks_to_speak_softer(text),
        "again": asks_to_repeat(text),
    }
    # The first that fits is what the interviewer does: louder comes before again.
    assert ([k for k, v in said.items() if v] or [None])[0] == asked


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("Can we stop here?", True),
        ("Sorry, I have to go.", True),
        ("I've got to go, sorry.", True),
        ("Um, can we end the session here?", True),
        ("Okay, let's stop there for today.", True),
        ("Let's call it a day.", True),
        ("Could we continue this tomorrow?", True),
        ("Pause the interview, please.", True),
        ("And we stop here for today.", True),  # tiny.en's "Can we...", flite slt
        ("Let's call it today.", True),  # flite kal's "a day"
        # Ending an answer, not the exam.
        ("I'll stop there.", False),
        ("Let me stop there.", False),
        ("That's my answer, I'll stop here.", False),
        # Answers, and asking for time.
        ("Let's stop the rollout.", False),
        ("We stop the traffic now.", False),
        ("Then we stop the canary.", False),
        ("Stop.", False),
        ("I'd like to pause the rollout.", False),
        ("I have to go with the cascaded design.", False),
        ("Can we pause for a second?", False),
        ("Let's stop here and think about the latency budget first, then privacy.", False),
    ],
)
def test_a_request_to_stop_for_now_is_told_from_an_answer(text, stop):
    assert asks_to_stop(text) is stop


@pytest.mark.parametrize(
    ("said", "full_at", "reason", "after_s"),
    [
        # After the usual pause, with no floor held open (the conversation's part).
        ("Is this on the device or in the cloud?", 0, "question", 0.6),
        # The full transcript decides, and the turn waits a little for it.
        ("Is this on the device or in the cloud?", 35, "question", 0.8),
        ("Latency?", 0, "finished_sentence", 0.6),
        # The fast words left out the question mark: the full transcript still decides.
        ("Hello, can you hear me.", 35, "question", 0.8),
        ("Sorry, I have to go.", 35, "question", 0.8),
    ],
)
def test_a_clarifying_question_ends_the_turn_as_a_question(said, full_at, reason, after_s):
    taker = TurnTaker(POLICY)
    full = lambda k: said if k >= full_at else None  # noqa: E731
    ends = end_frames(drive(taker, "s" * 10 + "." * 40, text=said, full=full))
    assert ends and ends[0].reason == reason
    assert ends[0].t_decided - ends[0].t_speech_end == pytest.approx(after_s, abs=0.04)


def test_a_statement_heard_with_a_question_mark_is_not_a_question_that_ends_the_turn():
    """tiny.en ends "I start with who uses it, and where." with a "?" (festival ked). It was
    a question to the interviewer at the usual silence: a candidate going on after a 1 s
    pause had their answer scored on that one sentence, and the rest taken for the next."""
    taker = TurnTaker(POLICY)
    said = "I start with who uses it, and where?"
    full = lambda k: said if k >= 15 else None  # noqa: E731
    assert not end_frames(drive(taker, "s" * 10 + "." * 32 + "s" * 10, text=said, full=full))


def _kind_of_question(text: str) -> str | None:
    if asks_for_time(text):
        return "time to think"
    for kind, asks in (("time left", asks_about_time), ("hint", asks_for_a_hint)):
        if asks(text):
            return kind
    if asks_leave(text):
        return "leave"
    return "question" if asks_a_question(text) else None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How much time do I have left?", "time left"),
        ("Sorry, how long do I have?", "time left"),
        ("Am I running out of time?", "time left"),
        # tiny.en's "have", misheard in espeak's voice.
        ("How much time do I can for this one?", "time left"),
        ("How many minutes will I have for the coding one?", "time left"),
        ("How much time do we need per clip?", "question"),
        ("How much time does the model take?", "question"),
        ("How long should the latency budget be?", "question"),
        ("Can I have a minute?", "time to think"),
        ("Okay. Can I take a moment to think about it?", "time to think"),
        ("Do you mind if I think for a second?", "time to think"),
        ("Can I take a few seconds of audio?", "leave"),
        ("Can you give me a hint?", "hint"),
        ("Can you give me a hand?", "hint"),  # also how tiny.en can hear "a hint"
        ("Can I start with the requirements?", "leave"),
        ("Should I assume one region?", "leave"),
        ("Should I focus on latency or on cost?", "question"),
        ("Which part should I start with?", "question"),
        ("Is this on the device?", "question"),
    ],
)
def test_what_the_candidate_asks_for_decides_the_reply(text, kind):
    """Time to think ("Take your time."), the time left (in minutes), a hint (none), leave to go
    about it a way ("Sure, go ahead."), or facts that are theirs to assume."""
    assert _kind_of_question(text) == kind


@pytest.mark.parametrize(
    ("remaining_s", "said"),
    [
        (430.0, "About 7 minutes left for this question."),
        (75.0, "About a minute left for this question."),
        (20.0, "Less than a minute left for this question."),
        (-5.0, "Time is up for this question; finish your thought."),
    ],
)
def test_the_time_left_is_said_in_minutes(remaining_s, said):
    from agent.clarify import time_left_phrase

    assert time_left_phrase(remaining_s) == said


def test_a_cut_in_is_judged_an_interjection_on_the_full_transcript_not_the_fast_words():
    """The fast words of a lone "Right." can be "5.": the turn waits for the full transcript
    (a run on a file holds for it), then ends as an interjection."""
    taker = TurnTaker(POLICY)
    ends = []
    events = drive(taker, "ssss", bot=True, text="5.")
    taker.cut_in_question = True
    for k, ch in enumerate("s" * 6 + "." * 18):
        t = (4 + k) * FRAME_S
        events += [(t, f) for f in taker.on_frame(t, ch == "s", False, TranscriptView("5."))]
    ends = end_frames(events)
    assert not ends and taker.awaiting_full_text
    t = 28 * FRAME_S
    frames = taker.on_frame(t, False, False, TranscriptView("5.", True, "Right."))
    assert [f.reason for f in frames if isinstance(f, EndOfTurnFrame)] == ["interjection"]


def test_after_an_answer_so_yeah_closes_it_and_is_not_waited_on():
    """While the last answer is scored, "So, yeah." is the end of it, not someone about to
    answer: the reply is not held back five seconds for it."""
    taker = TurnTaker(POLICY)
    taker.thinking_aloud = False
    ends = end_frames(drive(taker, "s" * 20 + "." * 30, text="So, yeah."))
    assert ends and ends[0].reason == "finished_sentence"


def test_speech_over_the_interviewer_pauses_it_then_interrupts():
    taker = TurnTaker(POLICY)
    events = drive(taker, "..sss", bot=True)
    assert isinstance(events[0][1], PausePlaybackFrame) and events[0][0] == round(2 * FRAME_S, 3)
    interrupt = [f for _, f in events if isinstance(f, InterruptionFrame)]
    assert interrupt and interrupt[0].onset_t == pytest.approx(2 * FRAME_S)
    assert isinstance(events[-1][1], TurnStartedFrame)


def test_a_backchannel_shorter_than_the_minimum_does_not_interrupt():
    taker = TurnTaker(POLICY)
    events = drive(taker, "ss" + "." * 10, bot=True)
    assert kinds(events) == ["PausePlaybackFrame", "ResumePlaybackFrame"]
    assert not taker.in_turn


def test_a_word_the_vad_doubts_after_a_gap_keeps_the_interviewer_paused():
    """flite's kal voice over the interviewer: "In" (one speech frame), five quiet frames, then
    "the" standing clear of the room though Silero scored it 0.15, then speech. The interviewer
    stays paused and the barge-in counts from "In": resumed, it played 60 ms over the candidate
    and stopped 350 ms after their onset."""
    taker = TurnTaker(POLICY)
    events = drive(taker, "s" + "." * 5 + "n" + "sss", bot=True)
    assert kinds(events) == ["PausePlaybackFrame", "InterruptionFrame", "TurnStartedFrame"]
    assert events[1][1].onset_t == 0.0


def test_a_noise_after_a_backchannel_holds_the_interviewer_only_a_moment():
    """A cough, then typing that stands clear of the room: the interviewer resumes within half
    a second of the cough, not when the typing stops; a quiet gap resumes it sooner."""
    taker = TurnTaker(POLICY)
    events = drive(taker, "ss" + "n" * 30, bot=True)
    assert kinds(events) == ["PausePlaybackFrame", "ResumePlaybackFrame"]
    assert events[1][0] <= 2 * FRAME_S + 0.48
    assert not taker.in_turn
    quiet = drive(TurnTaker(POLICY), "ss" + "." * 6 + "n" * 3, bot=True)
    assert kinds(quiet) == ["PausePlaybackFrame", "ResumePlaybackFrame"]
    assert quiet[1][0] == round(7 * FRAME_S, 3)


def test_end_phrases_and_unfinished_endings():
    assert find_end_phrase("So that is it. That's my answer.", ["that's my answer"])
    assert not find_end_phrase("that's my answer to the first part and", ["that's my answer"])
    # Said or heard without the contraction, either way round.
    assert find_end_phrase("...for the end, and that is my answer.", ["that's my answer"])
    assert find_end_phrase("Thats my answer", ["that's my answer"])
    assert find_end_phrase("That's it.", ["that is it"])
    assert not find_end_phrase("That is my concern.", ["that's my answer"])
    assert not find_end_phrase("What is my answer worth?", ["that's my answer"])
    assert not find_end_phrase("It is all.", ["its all"])
    assert ends_unfinished("and then we ship it and")
    assert not ends_unfinished("Then we ship it.")


@pytest.mark.parametrize(
    "text, unfinished",
    [
        ("That's how I would approach this.", False),
        ("It depends on what we can fall back on.", False),
        ("I would roll back first and page the owner then.", False),
        ("Is that something we can afford?", False),
        ("First I would compare the slices and then.", True),
        ("I would check that", True),
        ("I would check that,", True),
        ("I think the answer is so.", True),
        ("We start with the.", True),
    ],
)
def test_a_word_that_may_trail_off_ends_the_turn_after_a_full_stop(text, unfinished):
    assert ends_unfinished(text) is unfinished


@pytest.mark.parametrize(
    ("fast", "trails_off"),
    [
        ("The offline evaluation runs on its own cluster, and", True),
        ("...because", True),
        ("...runs on its own cluster in.", True),  # the fast pass's "and"
        ("...runs on its own cluster.", False),
        # A comma or an ellipsis alone: the fast words end finished sentences so.
        ("...runs on its own cluster,", False),
        ("...runs on its own cluster...", False),
    ],
)
def test_a_pause_is_not_learned_where_the_fast_words_trail_off_in_a_word(fast, trails_off):
    """What says a pause the candidate went on after was in a sentence, not between two."""
    assert trails_off_in_words(fast) is trails_off


@pytest.mark.parametrize(
    ("text", "thinking"),
    [
        ("HMM, good question.", True),
        ("Okay. Let me think about that.", True),
        ("Yeah, so.", True),
        ("Sure, one second.", True),
        # Backchannels, in the spellings Whisper gives them.
        ("Uh-huh.", True),
        ("MMHMM.", True),
        ("M-M-H-M.", True),
        ("Mhm.", True),
        # Thanks, or a moment asked for, before the answer: scored as the answer before.
        ("Thank you.", True),
        ("Okay, thanks for the question.", True),
        ("Got it.", True),
        ("Hold on.", True),
        ("Let me think about that for a second.", True),
        ("Wow, that's a big one.", True),
        ("", False),
        ("Thanks, so first I would roll back.", False),
        ("Hold on to the old model for a bit.", False),
        ("For a second model we would need more data.", False),
        ("Yes.", False),
        ("Okay, I would roll back first.", False),
        ("So first, freeze it.", False),
        ("A canary.", False),
    ],
)
def test_thinking_words_are_told_from_an_answer(text, thinking):
    assert only_thinking(text) is thinking


def test_the_stored_transcript_spells_small_numbers_as_they_were_said():
    # Whisper writes "8 bits" and "5%"; the candidate said "eight bits" and "five percent".
    assert (
        spoken_form("Quantize to 8 bits in 2 regions.") == "Quantize to eight bits in two regions."
    )
    assert spoken_form("WER improved by 5% overall") == "WER improved by 5 percent overall"
    # Figures that are names or measurements stay as written.
    kept = "p95 of 1,800 ms, a 2.5x speed-up, $5, k=3, v2, 10 users, 1100"
    assert spoken_form(kept) == kept


@pytest.mark.parametrize("heard", ["M-M-H-M-M", "MMHMM.", "M-M-H-M.", "Mhm."])
def test_the_stored_transcript_writes_mm_hmm_as_it_was_said(heard):
    """tiny.en spells a "Mm-hmm" out letter by letter; the transcript says what was said."""
    assert spoken_form(heard).rstrip(".") == "Mm-hmm"
    assert spoken_form("M&M, the MHMM model") == "M&M, the MHMM model"


def test_the_stored_transcript_writes_a_thinking_sound_as_a_word_not_in_capitals():
    assert spoken_form("HMM, can I have a minute?") == "Hmm, can I have a minute?"
    assert spoken_form("An HMM aligner, HMMs and GMM-HMM.") == "An HMM aligner, HMMs and GMM-HMM."


def test_a_long_first_sentence_is_split_at_a_clause_so_audio_starts_early():
    pieces = speech_pieces(
        "A TTS release keeps MOS steady but p95 first audio byte jumps from 320 ms to 1100 ms, "
        "increasing barge-in failures. Diagnose it."
    )
    assert len(pieces) == 3
    assert pieces[0].endswith("1100 milliseconds,") and pieces[-1] == "Diagnose it."


def test_units_are_said_in_full_not_read_as_letters_or_other_words():
    """Piper read "10 min" as "ten men", "300 ms" as "M S" and "16 kHz" as "KHC"."""
    pieces = speech_pieces(
        "Warm-up (1 prompt, 10 min). Answer within 1.5 s; p95 was 300 ms, 4x the budget at "
        "16 kHz, 1 s at most. The 1990s, a v2.5 model, 3 x 4."
    )
    assert pieces == [
        "Warm-up (1 prompt, 10 minutes).",
        "Answer within 1.5 seconds; p95 was 300 milliseconds, 4 times the budget at 16 "
        "kilohertz, 1 second at most.",
        "The 1990s, a v2.5 model, 3 x 4.",
    ]


def test_the_debriefs_ids_are_shown_not_read_aloud():
    """The debrief's points end with "(r3.sliding_window, window_invariant)" for a reader; Piper
    read them as "r three dot sliding window, window invariant". Other asides are kept."""
    pieces = speech_pieces(
        "Three things to practise next:\n1. Keeps a running count of failures, updated as records "
        "enter and leave. (r3.sliding_window, running_failure_count)\n2. Splits latency by stage "
        "(queue, model, vocoder) at a threshold (0.5). (r2.tts_first_byte, split_latency_by_stage)"
    )
    said = " ".join(pieces)
    assert "r3" not in said and "sliding" not in said and "tts first byte" not in said
    assert "(queue, model, vocoder)" in said and "(0.5)" in said
    assert said.endswith("at a threshold (0.5).")


def test_a_coding_prompts_signature_is_said_as_words():
    """ "Could you write def max_window_error_rate(records, window_seconds)" was read with "def"
    as "deaf" and the parameters run into the name."""
    pieces = speech_pieces(
        "Let's see it in code. Could you write def max_window_error_rate(records, window_seconds) "
        "and tell me how you would test it? Then write top_k_regressed_slices(baseline, "
        "candidate, k)."
    )
    assert pieces == [
        "Let's see it in code.",
        "Could you write max window error rate, taking records and window seconds, and tell me "
        "how you would test it?",
        "Then write top k regressed slices, taking baseline, candidate and k.",
    ]


def test_file_device_output_is_sample_aligned_with_the_input(tmp_path):
    rate = 22050  # not the pipeline rate: OUT must still match IN sample for sample
    n = int(rate * 2.0)
    write_wav(tmp_path / "in.wav", np.zeros(n, dtype=np.float32), rate)
    port = FileAudioPort(tmp_path / "in.wav", tmp_path / "out.wav", realtime=False)
    for _ in range(15):  # 0.48 s
        assert port.read_frame() is not None
    tone = 0.5 * np.ones(PIPELINE_RATE // 2, dtype=np.float32)
    assert port.play(tone, "tone") == pytest.approx(15 * FRAME_SAMPLES / PIPELINE_RATE)
    for _ in range(5):
        port.read_frame()
    unplayed = port.stop_playback()
    assert unplayed and unplayed[0].started
    port.close()
    out, out_rate = read_wav(tmp_path / "out.wav")
    assert out_rate == rate and out.size == n
    loud = np.flatnonzero(np.abs(out) > 0.25) / rate
    assert loud[0] == pytest.approx(0.48, abs=0.005)
    assert loud[-1] == pytest.approx(0.64, abs=0.005)  # cut when stop_playback was called


@pytest.mark.parametrize(
    ("name", "fmt", "subtype", "rate"),
    [
        ("phone.wav", "WAV", "ULAW", 8000),  # a phone line: "Unknown wave file format: MULAW"
        ("phone.wav", "WAV", "ALAW", 8000),
        ("in.flac", "FLAC", "PCM_24", 44100),
        ("in.mp3", "MP3", None, 22050),
    ],
)
def test_a_mic_file_in_any_common_encoding_is_heard_and_answered_at_its_own_rate(
    tmp_path, name, fmt, subtype, rate
):
    import soundfile

    n = rate  # one second of a 440 Hz tone at -10 dBFS peak
    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / rate)
    soundfile.write(tmp_path / name, tone, rate, format=fmt, subtype=subtype)
    port = FileAudioPort(tmp_path / name, tmp_path / "out.wav", realtime=False)
    heard = []
    while (frame := port.read_frame()) is not None:
        heard.append(frame)
    port.close()
    pipeline = np.concatenate(heard)
    assert pipeline.size >= PIPELINE_RATE - FRAME_SAMPLES
    # The tone reaches the pipeline at its level (an unread encoding would be noise or silence).
    level = np.sqrt(np.mean(pipeline[2000:14000] ** 2))
    assert level == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
    out, out_rate = read_wav(tmp_path / "out.wav")
    assert out_rate == rate and out.size == read_wav(tmp_path / name)[0].size


@pytest.mark.parametrize(
    ("name", "fmt"), [("out.flac", "FLAC"), ("out.ogg", "OGG"), ("out", "WAV")]
)
def test_the_recorded_output_is_in_the_format_its_name_asks_for(tmp_path, name, fmt):
    import soundfile

    rate = 22050
    write_wav(tmp_path / "in.wav", np.zeros(rate, dtype=np.float32), rate)
    port = FileAudioPort(tmp_path / "in.wav", tmp_path / name, realtime=False)
    port.read_frame()
    port.play(0.5 * np.ones(PIPELINE_RATE // 4, dtype=np.float32), "tone")
    while port.read_frame() is not None:
        pass
    port.close()
    info = soundfile.info(tmp_path / name)
    assert (info.format, info.samplerate, info.channels) == (fmt, rate, 1)
    out, _ = read_wav(tmp_path / name)
    assert out.size == rate and np.abs(out).max() > 0.25


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("not audio at all"), "cannot read audio"),
        (lambda p: p.mkdir(), "not a file"),
        (lambda p: None, "no such file"),
        (lambda p: write_wav(p, np.zeros(0, dtype=np.float32), PIPELINE_RATE), "no audio in it"),
    ],
)
def test_a_mic_file_that_cannot_be_heard_is_refused_in_one_line(tmp_path, capsys, make, says):
    from agent.cli import main

    path = tmp_path / "in.wav"
    make(path)
    assert main(["voice", "--mic-file", str(path), "--record-output", str(tmp_path / "o.wav")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"interviewer: {path}: {says}"] or (
        len(err) == 1 and err[0].startswith(f"interviewer: {path}: {says} (")
    )
    assert main(["sessions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # no exam was started


def test_an_output_file_that_cannot_be_written_is_refused_before_the_exam(tmp_path, capsys):
    from agent.cli import main

    write_wav(tmp_path / "in.wav", np.zeros(PIPELINE_RATE, dtype=np.float32), PIPELINE_RATE)
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    out = tmp_path / "notes.txt" / "out.wav"
    assert main(["voice", "--mic-file", str(tmp_path / "in.wav"), "--record-output", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"interviewer: {out}: cannot write")
    assert main(["sessions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # no exam was started


def test_an_output_file_that_fails_at_the_end_says_so_in_one_line(tmp_path):
    write_wav(tmp_path / "in.wav", np.zeros(PIPELINE_RATE, dtype=np.float32), PIPELINE_RATE)
    port = FileAudioPort(tmp_path / "in.wav", tmp_path / "out.wav")
    (tmp_path / "out.wav").unlink()
    (tmp_path / "out.wav").mkdir()  # as a full disk would, the write fails after the exam
    with pytest.raises(AudioFileError, match=r"out\.wav: cannot write"):
        port.close()


def test_realtime_file_device_runs_on_the_injected_clock(tmp_path):
    write_wav(tmp_path / "in.wav", np.zeros(PIPELINE_RATE, dtype=np.float32), PIPELINE_RATE)
    clock = ManualClock()
    port = FileAudioPort(tmp_path / "in.wav", realtime=True, clock=clock)
    port.read_frame()
    assert clock.now() == pytest.approx(FRAME_S)
    clock.advance(0.2)  # the pipeline was busy: playback starts where the playhead is now
    assert port.play(np.ones(100, dtype=np.float32)) == pytest.approx(FRAME_S + 0.2, abs=1e-3)


def test_measuring_tool_reads_barge_in_response_and_overlap():
    rate = PIPELINE_RATE
    mic = np.zeros(rate * 6, dtype=np.float32)
    out = np.zeros_like(mic)
    out[int(0.5 * rate) : int(2.1 * rate)] = 0.3  # interviewer, cut 100 ms after onset at 2.0
    out[int(4.0 * rate) : int(5.0 * rate)] = 0.3  # reply 800 ms after the candidate stops
    figs = measure(
        mic, out, regions=[(2.0, 3.2)], transcript="hello there", reference="hello there"
    )
    assert figs.barge_in_ms == [pytest.approx(100, abs=10)]
    assert figs.response_ms == [pytest.approx(800, abs=10)]
    assert figs.overlap_ms == 0 and figs.wer == 0


def test_word_error_rate():
    assert word_error_rate("roll back the model", "roll back a model") == pytest.approx(0.25)
    assert word_error_rate("A, b.", "a b") == 0
    assert word_error_rate("under 1800 ms", "Under 1,800 ms.") == 0
    assert word_error_rate("one, two", "one two") == 0
    assert word_error_rate("p95 at 1,800 ms, 2 regions", "p95 at 1800 ms, 2 regions") == 0


def test_a_short_window_loop_is_cut_to_one_finished_sentence():
    from voice.whisper_text import drop_repeats

    looped = "Then compare the slices, then compare the slices, then compare the slices, then"
    assert drop_repeats(looped) == "Then compare the slices."
    assert drop_repeats("Yes. Yes. Yes. Yes") == "Yes."
    # Said three times, then the sentence's last words (tiny.en on festival's slt, N6): the
    # fall-back to the full window for it held the end of the turn 1.1 s.
    sentence = "Then I would compare task success with the old system before going wider."
    assert drop_repeats(f"{sentence} {sentence} {sentence} Before going wider.") == sentence
    assert drop_repeats(f"{sentence} {sentence} System before.") == sentence
    # Cut by the length cap inside a word (flite's slt, the end of a 41 s answer, N12).
    said = "Only after the slices match the old model do we resume the rollout, slowly."
    assert drop_repeats(f"{said} {said} Only after the slices match the old m") == said
    # Ordinary speech, a doubled word included, is left alone.
    assert drop_repeats("I think we should, we should roll back.") == (
        "I think we should, we should roll back."
    )
    assert drop_repeats("no no") == "no no"
    said = "We roll back. We roll back. Then we page the owner."
    assert drop_repeats(said) == said


def test_a_sentence_cut_between_two_windows_reads_as_one():
    """A long answer is stored in parts cut at pauses; Whisper ends a part with a full stop
    even inside a sentence ("...the blast radius. and rollback status" in the stored transcript,
    espeak's gb voice, S2). A next part in lower case went on with the sentence."""
    from voice.whisper_text import join_windows

    assert join_windows("Then communicate the blast radius.", "and rollback status.") == (
        "Then communicate the blast radius, and rollback status."
    )
    # A new sentence, an initialism, a number, an ellipsis or a question stay as they are.
    assert join_windows("Roll back.", "Then check.") == "Roll back. Then check."
    assert (
        join_windows("Shorter reads, e.g.", "the greeting.") == "Shorter reads, e.g. the greeting."
    )
    assert join_windows("Keep p95 under 1.8.", "seconds") == "Keep p95 under 1.8. seconds"
    assert join_windows("And then...", "we wait.") == "And then... we wait."
    assert join_windows("Why?", "because") == "Why? because"
    assert join_windows("", "and so on.", "") == "and so on."


def test_a_full_window_that_loops_on_digits_is_heard_again():
    """Few words, many characters: "...go back to article 1,2,3,2, 3,4,1,3,..." (espeak over a
    hiss, seed 7) was stored as the answer."""
    from voice.whisper_text import loops

    digits = "And I would go back to article 1,2,3,2, 3,4,1,3,4,3,5," + "4,3,3," * 40
    assert loops(digits, 8.0)
    said = (
        "The serving path is streaming ASR, retrieval over the policy documents, a language "
        "model, and streaming TTS. Barge-in cancels the TTS stream as soon as the user speaks."
    )
    assert not loops(said, 9.0)


def test_a_short_window_that_says_its_sentence_twice_says_it_once():
    """Said twice, the short window's words looked like a loop and were heard again on the full
    window (1.1 s on two cores, while the end of the turn waited for them)."""
    from voice.whisper_text import one_copy

    assert one_copy("You have to say it again. You have to say it again.") == (
        "You have to say it again."
    )
    assert one_copy("Roll back? Roll back?") == "Roll back?"
    assert one_copy("Roll back. Then page the owner.") == "Roll back. Then page the owner."
    assert one_copy("no no") == "no no"


def test_the_asr_prompt_carries_the_exam_terms_and_the_question():
    from voice.asr import glossary_prompt

    prompt = glossary_prompt("What do you do about p95 first audio byte?", "")
    assert "canary" in prompt and "KV cache" in prompt
    assert prompt.endswith("What do you do about p95 first audio byte?")


def test_the_asr_is_told_each_point_of_the_answer_as_a_sentence_of_its_phrases():
    from question_bank import load_bank
    from voice.asr import answer_hint

    points = [
        ["Split latency into request queue", "text normalization", "vocoder."],
        ["failures += 1", "window_seconds"],  # code: not speech, and nothing left of the point
        ["cold versus warm paths"],
    ]
    assert answer_hint(points) == (
        "Split latency into request queue, text normalization, vocoder. Cold versus warm paths."
    )
    # Whole sentences, within the room the prompt has for them.
    long = [[f"point number {n} of the strong answer"] for n in range(20)]
    hint = answer_hint(long, limit=120)
    assert hint.endswith("answer.") and len(hint) <= 120 and hint.count(".") == 3
    assert answer_hint([]) == ""
    # A cue written as a paragraph has no room, and does not cost the points after it.
    assert answer_hint([["a cue " * 90], ["roll back"]]) == "Roll back."
    for prompt in load_bank().prompts:
        hint = answer_hint(c.cues for c in prompt.criteria)
        assert 0 < len(hint) <= 300 and "_" not in hint and "+=" not in hint, prompt.id


def test_the_next_questions_points_follow_in_the_room_this_ones_leave():
    """Candidates answer ahead (a follow-up on the warm-up, answered with the architecture):
    the next question's points follow, in what is left of 450 characters."""
    from voice.asr import exam_hint

    short = [["traffic shape", "latency budget"]]
    ahead = [["continuous batching with deadlines"], ["smaller rerankers"], ["warm pools"]]
    assert exam_hint(short, ahead) == (
        "Traffic shape, latency budget. Continuous batching with deadlines. Smaller rerankers. "
        "Warm pools."
    )
    many = [[f"point number {n} of this answer"] for n in range(20)]
    hint = exam_hint(many, ahead)
    assert hint.count("Point number") == 9  # its 300 characters
    assert "Continuous batching with deadlines. Smaller rerankers." in hint
    assert len(hint) <= 450
    assert exam_hint([], ahead).startswith("Continuous batching")
    assert exam_hint(short) == "Traffic shape, latency budget."


@pytest.mark.parametrize(
    ("heard", "asked", "about"),
    [
        # Fast words (beam 1, no hint) of answers run ahead, misheard as they come.
        (
            "I will split the latency into TTS norm elimination, the acoustic model, the roll "
            "cover, and the network. Then compare cold starts with warm ones.",
            "r1.cost_latency",
            "r2.tts_first_byte",
        ),
        (
            "For each slice in the candidate, I look up the baseline and skip it if it is "
            "missing. The delta is candidate minus baseline.",
            "r2.tts_first_byte",
            "r3.top_k_regressed",
        ),
        # Under their own question: the hint stays.
        (
            "Before touching the models I would measure latency by stage and by tenant, then "
            "try continuous batching with deadlines.",
            "r1.cost_latency",
            None,
        ),
        # Another question's words in an answer to this one: they weigh more than its own
        # ("traffic"), but not by the margin (without it, the rollback question's lead).
        (
            "I'd ask who uses it and how much traffic, and whether a regression on one accent "
            "slice would block the release.",
            "warmup.constraints",
            None,
        ),
        ("Okay.", "r1.architecture", None),
        ("", "r1.architecture", None),
    ],
)
def test_an_answer_about_another_question_leads_the_hint_with_that_questions_points(
    heard, asked, about
):
    """Answers run ahead, past the next question: the words heard so far say which question
    they answer, weighted by how few questions use each (a margin keeps an answer that borrows
    a word where it was asked)."""
    from agent.commands.voice import _bank_topics
    from question_bank import load_bank
    from voice.topics import TopicRouter

    bank = load_bank()
    topics = _bank_topics(bank)
    ids = [p.id for p in bank.prompts]
    router = TopicRouter(topics)
    lead = router.lead(heard, topics[ids.index(asked)])
    assert lead == (None if about is None else topics[ids.index(about)])


def test_the_topic_router_needs_topics_and_words():
    from voice.topics import TopicRouter

    assert TopicRouter([]).lead("the vocoder and the acoustic model", [["vocoder"]]) is None
    router = TopicRouter([[["vocoder", "acoustic model"]], [["canary rollout"]]], margin=0.0)
    assert router.lead("a canary rollout", [["vocoder", "acoustic model"]]) == [["canary rollout"]]
    assert router.lead("the vocoder", [["vocoder", "acoustic model"]]) is None


def test_a_follow_ups_quote_of_the_candidate_is_not_the_recognizers_context():
    """A follow-up quotes the candidate's words as heard ("...the latency budget version in
    the traffic shape"), mishearings and all: told them, tiny.en heard the answer to the probe
    worse (WER 0.127 -> 0.136 on 60). Its question is the context; a bank's question with a
    quote in it ("*") stays whole."""
    from agent.followups import bank_follow_up
    from question_bank import load_bank
    from voice.asr import question_context

    bank = load_bank()
    criterion = bank.prompt("warmup.constraints").criteria[-2]
    heard = "I would pin down the latency budget version in the traffic shape."
    for deepen in (False, True):
        asked = bank_follow_up(criterion, heard, deepen=deepen)
        assert '"' in asked  # it quotes them
        expected = criterion.deepen if deepen and criterion.deepen else criterion.probe
        assert question_context(asked) == expected
    related = bank_follow_up(criterion, "We would measure success after launch with surveys.")
    assert question_context(related) == criterion.probe
    coding = bank.prompt("r3.rollback_target").text
    assert '"*"' in coding and question_context(coding) == coding
    assert question_context('You mentioned "slice gates".') == 'You mentioned "slice gates".'


def test_a_follow_up_on_a_point_puts_its_words_first_in_the_recognizers_hint():
    """r1.architecture's hint has no room for its last criterion: a probe on its rollback
    ("...how do you roll back, and how long does it take?") was heard without the words of
    the point it asks about."""
    from types import SimpleNamespace

    from agent.commands.voice import _answer_points
    from question_bank import load_bank
    from voice.asr import answer_hint

    bank = load_bank()
    points = _answer_points(bank)
    question = SimpleNamespace(prompt_id="r1.architecture", kind="prompt", criterion=None)
    probe = SimpleNamespace(prompt_id=question.prompt_id, criterion="rollout_and_rollback")
    now, ahead = points(question)
    assert "Rollback time." not in answer_hint(now)
    assert answer_hint(points(probe)[0]).startswith("Rollback time. Cascaded VAD")
    # And the next question's, in the exam's order (or the order the session was given).
    assert ahead == [list(c.cues) for c in bank.prompt("r1.cost_latency").criteria]
    chosen = _answer_points(bank, ["r1.architecture", "r2.tts_first_byte"])
    assert chosen(question)[1] == [list(c.cues) for c in bank.prompt("r2.tts_first_byte").criteria]
    last = SimpleNamespace(prompt_id=bank.prompts[-1].id, criterion=None)
    assert points(last)[0] and points(last)[1] == []
    assert points(SimpleNamespace(prompt_id="no.such_prompt", criterion=None)) == ([], [])


def test_a_frame_no_louder_than_the_room_is_told_apart_while_silero_still_says_speech():
    """Silero's probability falls over a few frames after the last word: those frames sit at the
    room's level, and the end of the candidate's speech is where they begin."""
    from voice.vad import SpeechGate

    gate = SpeechGate()
    for _ in range(32):
        gate.update(0.02, -50.0)
    assert gate.update(0.99, -30.0) and not gate.at_room  # a word
    assert gate.update(0.9, -44.0) and not gate.at_room  # its soft end, 6 dB over the room
    assert gate.update(0.8, -49.0) and gate.at_room  # Silero's memory: the room alone
    assert not gate.update(0.1, -50.5) and gate.at_room
    assert gate.update(0.9, -52.0, lenient=False) and gate.at_room  # quieter than the room
    # No level (a frame blanked as the loudspeaker's echo) or no room heard yet: not told.
    gate.update(0.9, None)
    assert not gate.at_room
    fresh = SpeechGate()
    fresh.update(0.0, -50.0)
    assert not fresh.at_room


def test_a_quiet_voice_clear_of_the_rooms_noise_starts_speech_before_silero_is_sure():
    """Silero's probability climbs over frames, slowly for a quiet voice; a frame 10 dB or more
    over the room's quiet moments starts speech at 0.2, not 0.5. The room alone never does, and
    nor does such a frame where the caller says the room may hold other voices."""
    from voice.vad import SpeechGate

    def heard_room(gate: SpeechGate, level_db: float) -> None:
        for _ in range(32):
            assert not gate.update(0.02, level_db)

    gate = SpeechGate()
    heard_room(gate, -62.0)
    assert not gate.update(0.25, -55.0)  # 7 dB over the room: Silero must be sure
    assert gate.update(0.25, -48.0)  # 14 dB over it: the onset
    assert not gate.sure  # the ASR's windows still start where Silero is sure
    assert gate.update(0.4, -47.0)  # and it holds while Silero climbs
    assert gate.update(0.6, -45.0) and gate.sure
    assert not gate.update(0.3, -60.0) and not gate.sure  # the end is judged as before
    assert not gate.update(0.25, -48.0, lenient=False)
    assert gate.update(0.6, -48.0, lenient=False)
    # A frame Silero doubts is still told apart as standing clear of the room (what keeps an
    # interviewer paused), but not where the room may hold other voices.
    assert not gate.update(0.1, -48.0) and gate.clear
    assert not gate.update(0.1, -58.0) and not gate.clear
    assert not gate.update(0.1, -48.0, lenient=False) and not gate.clear
    # A steady room, however loud, is its own quiet level: it starts nothing.
    loud = SpeechGate()
    heard_room(loud, -30.0)
    assert not loud.update(0.3, -29.0)
    # Before the room is heard, only Silero's threshold counts.
    assert not SpeechGate().update(0.3, -40.0)


def test_the_echo_gate_tells_the_interviewers_voice_from_the_candidates():
    from voice.echo import EchoGate

    rng = np.random.default_rng(5)
    played = (rng.standard_normal(PIPELINE_RATE) * 0.2).astype(np.float32)
    gate = EchoGate()
    delay, at = 2 * FRAME_SAMPLES, 8000
    reference = played[at - gate.max_delay : at + FRAME_SAMPLES]
    hiss = (rng.standard_normal(FRAME_SAMPLES) * 0.003).astype(np.float32)
    echo = 0.5 * played[at - delay : at - delay + FRAME_SAMPLES] + hiss
    candidate = (rng.standard_normal(FRAME_SAMPLES) * 0.1).astype(np.float32)
    assert gate.is_echo(echo, reference)
    # A quiet gap in the echo, where room noise drowns the correlation, is no barge-in either.
    assert gate.is_echo(hiss, reference)
    assert not gate.is_echo(candidate, reference)
    assert not gate.is_echo(candidate + echo, reference)
    # Nothing playing: everything is the candidate's.
    assert not gate.is_echo(echo, np.zeros_like(reference))


def test_a_late_bluetooth_echo_is_caught_once_the_echo_delay_setting_is_raised(tmp_path):
    from agent.settings import load_settings
    from voice.echo import EchoGate

    rng = np.random.default_rng(6)
    played = (rng.standard_normal(2 * PIPELINE_RATE) * 0.2).astype(np.float32)
    at, delay = 16000, int(0.45 * PIPELINE_RATE)  # a Bluetooth speaker: 450 ms late
    echo = 0.5 * played[at - delay : at - delay + FRAME_SAMPLES]

    def heard_as_echo(gate: EchoGate) -> bool:
        return gate.is_echo(echo, played[at - gate.max_delay : at + FRAME_SAMPLES])

    assert not heard_as_echo(EchoGate(load_settings().voice.echo_max_delay_ms))
    config = tmp_path / "config.toml"
    config.write_text("[voice]\necho_max_delay_ms = 600\n")
    assert heard_as_echo(EchoGate(load_settings(config).voice.echo_max_delay_ms))


def test_a_candidate_who_pauses_longer_between_sentences_is_not_cut_off_at_the_next_stop():
    taker = TurnTaker(POLICY)
    # 0.58 s after a finished sentence, then more: not the end, and now known to be their pause.
    events = drive(taker, "s" * 20 + "." * 18 + "s" * 20, text="First I freeze the rollout.")
    assert not end_frames(events)
    assert taker.finished_silence_ms == pytest.approx(576 + 150)
    # A 0.67 s pause would have ended the turn at 0.6 s before; now the candidate goes on.
    events = drive(taker, "." * 21 + "s" * 20, text="Then I compare the slices.", t0=58 * FRAME_S)
    assert not end_frames(events)
    # Their real end still comes a little after their longest pause.
    events = drive(taker, "." * 40, text="That covers it.", t0=99 * FRAME_S)
    (frame,) = end_frames(events)[:1]
    assert frame.reason == "finished_sentence"
    assert 0.8 <= frame.t_decided - frame.t_speech_end < 0.9


def test_learned_pauses_stop_at_the_ceiling_and_skip_pauses_after_an_unfinished_sentence():
    taker = TurnTaker(POLICY)
    # A 1.5 s pause after "and" is a thinking pause, not a habit between sentences.
    drive(taker, "s" * 20 + "." * 47 + "s" * 10, text="I would check the slices and")
    assert taker.finished_silence_ms == POLICY.end_of_turn_silence_ms
    taker.note_pause(3000)
    taker.reset()  # a new turn keeps what was learned
    assert taker.finished_silence_ms == POLICY.max_end_of_turn_silence_ms
    events = drive(taker, "s" * 20 + "." * 40, text="I would roll back first.")
    (frame,) = end_frames(events)[:1]
    ceiling = POLICY.max_end_of_turn_silence_ms / 1000
    assert ceiling <= frame.t_decided - frame.t_speech_end < ceiling + 0.1


def feed_gate(gate, frames, *, in_turn=False, echo=False, floor_free=False):
    """frames: (level dB, VAD speech) per 32 ms frame; returns the gate's verdicts."""
    return [
        gate.update(lv, sp, in_turn=in_turn, echo=echo, floor_free=floor_free) for lv, sp in frames
    ]


def talkers(n, level=-36.0):
    """Other voices in the room: speech to the VAD, levels wobbling around `level`."""
    return [(level + 4.0 * np.sin(k), True) for k in range(n)]


def test_voices_across_the_room_neither_take_nor_keep_the_floor():
    gate = NearTalkerGate()
    # From the first quarter second on, voices no louder than the room are the room's, even
    # before the VAD calls them speech.
    assert not any(feed_gate(gate, talkers(64)))
    assert not any(feed_gate(gate, talkers(100)))
    assert gate.busy and gate.room_db is not None
    # The candidate, clearly louder, takes the floor at once.
    assert feed_gate(gate, [(-24.0, True)]) == [True]
    # In their turn, their weaker words count; the room's own level does not (past a short
    # hangover after their last loud frame), so the turn can end while the others talk on.
    room = gate.room_db
    assert feed_gate(gate, [(room + 3.0, True)], in_turn=True) == [True]
    after = feed_gate(gate, talkers(20), in_turn=True)
    assert any(after[:6]) and not any(after[10:])


def test_voices_the_vad_hears_only_now_and_then_keep_the_room_busy():
    gate = NearTalkerGate()
    feed_gate(gate, talkers(200))
    assert gate.busy
    # The same voices, but Silero calls one frame in a hundred speech: still the room's.
    sparse = [(lv, k % 100 == 0) for k, (lv, _) in enumerate(talkers(400))]
    assert not any(feed_gate(gate, sparse)) and gate.busy
    # They leave: a whole window with no speech in it and the VAD alone judges again.
    feed_gate(gate, [(-50.0, False)] * 200)
    assert not gate.busy


def test_in_steady_noise_the_vad_alone_judges_the_turn():
    gate = NearTalkerGate()
    # A candidate who starts within the first second, over a quiet room, has the floor.
    feed_gate(gate, [(-60.0, False)] * 10)
    assert feed_gate(gate, [(-30.0, True)]) == [True]
    # A fan: loud, steady, never speech to the VAD.
    gate = NearTalkerGate()
    feed_gate(gate, [(-30.0 + 0.3 * np.sin(k), False) for k in range(200)])
    assert not gate.busy
    # Speech no louder than the fan (Silero's first frame of a word, before its energy rises)
    # takes the floor and keeps it.
    assert feed_gate(gate, [(-31.0, True)]) == [True]
    assert feed_gate(gate, [(-31.0, True)] * 20, in_turn=True) == [True] * 20


def candidate(n, level=-22.0):
    """The candidate at the microphone: speech with louder and softer syllables."""
    return [(level + 6.0 * np.sin(0.7 * k), True) for k in range(n)]


def gate_in_a_cafe(level):
    """A café at level (dB) from the start, heard as such, then the candidate's first answer
    over it, heard as theirs."""
    gate = NearTalkerGate()
    feed_gate(gate, talkers(200, level=level))
    assert gate.busy
    feed_gate(gate, candidate(1))
    assert sum(feed_gate(gate, candidate(300), in_turn=True)) >= 290
    return gate


def gate_after_a_first_answer():
    """A quiet room, and the candidate's first answer (their level known), then a silence."""
    gate = NearTalkerGate()
    feed_gate(gate, [(-60.0, False)] * 100)
    feed_gate(gate, candidate(1))
    feed_gate(gate, candidate(200), in_turn=True)
    feed_gate(gate, [(-60.0, False)] * 30)
    return gate


def test_a_candidate_who_talks_before_anyone_has_the_floor_is_not_taken_for_the_room():
    gate = NearTalkerGate()
    feed_gate(gate, [(-50.0, False)] * 10)  # a third of a second of the room's noise
    # They start at once: 17-25 dB over the room's quiet moments, pauses between sentences.
    said = candidate(40, level=-24.0) + [(-50.0, False)] * 10 + candidate(40, level=-24.0)
    heard = feed_gate(gate, said)
    assert heard == [sp for _, sp in said]
    assert not gate.busy  # nor do they make the room one that holds voices
    # Voices across the room, with gaps between their words: a few dB over the gaps, however
    # early they come, are the room's.
    gate = NearTalkerGate()
    room = [(-41.0, False) if k % 5 == 0 else frame for k, frame in enumerate(talkers(200))]
    assert not any(feed_gate(gate, room)) and gate.busy


@pytest.mark.parametrize("gap_db", [-45.0, -46.0])
def test_a_cafes_peaks_over_its_deep_gaps_do_not_cut_in_before_the_candidate_has_spoken(gap_db):
    """Where a café's voices pause together the gaps fall to the hiss under them, and their
    peaks stand 12-13 dB over it: as far as a candidate at the microphone, by the gaps alone.
    Once the room is heard to hold voices, someone at the microphone stands over the voices."""
    gate = NearTalkerGate()
    room = [(gap_db, False) if k % 5 == 0 else frame for k, frame in enumerate(talkers(60))]
    assert not any(feed_gate(gate, room)) and gate.busy and gate.voice_db is None
    bar = gate.room_db + gate.rules.margin_db
    assert bar - 1.0 >= gap_db + gate.rules.near_contrast_db  # over the gaps' bar
    # A peak of theirs, two frames of it, then their usual level: not the candidate.
    peak = [(bar - 1.0, True), (bar - 2.0, True)] + talkers(8)
    assert not any(feed_gate(gate, peak))
    # The candidate, over the voices, has the floor from their first frame.
    feed_gate(gate, [(gap_db, False)] * 3)
    assert feed_gate(gate, candidate(3, level=bar + 4.0)) == [True, True, True]


def test_a_candidate_talking_from_the_first_moment_is_heard_not_taken_for_the_room():
    """A recording that starts with the answer leaves no quiet moments to measure the room by:
    the lowest of everything heard stands in for them (one voice at the microphone dips to the
    room's hiss between its words; a café's voices fill each other's gaps, see above)."""

    def speaking(n):  # to the VAD all speech: no pause long enough to be anything else
        return [(-46.0 if k % 9 == 8 else -22.0 + 6.0 * np.sin(0.7 * k), True) for k in range(n)]

    gate = NearTalkerGate()
    heard = feed_gate(gate, [(-46.0, False)] * 2 + speaking(14))
    # Theirs from the gate's first judgement (the interviewer's first words wait for it).
    assert True in heard and heard.index(True) <= 9
    answer = feed_gate(gate, speaking(150), in_turn=True)
    assert sum(answer) >= 145 and gate.voice_db is not None
    assert not gate.busy
    # A pause after the answer; they take the floor again at once.
    feed_gate(gate, [(-46.0, False)] * 30)
    assert feed_gate(gate, speaking(3)) == [True, True, True]


def test_a_cafe_filling_up_after_a_quiet_start_neither_takes_nor_keeps_the_floor():
    gate = NearTalkerGate()
    feed_gate(gate, [(-60.0, False)] * 100)
    assert feed_gate(gate, candidate(1)) == [True]
    # A first answer teaches the gate the candidate's level, soft words and all.
    assert all(feed_gate(gate, candidate(200), in_turn=True))
    assert gate.voice_db is not None and not gate.busy
    feed_gate(gate, [(-60.0, False)] * 30)  # the turn ends on a silence
    # Voices start up across the room while the interviewer asks the next question: far under
    # the candidate's, they do not cut in (their first two frames pause it for a moment, as
    # any onset does; a barge-in needs three), and the room is soon heard to hold them.
    voices = feed_gate(gate, talkers(60, level=-35.0))
    assert not any(voices[gate.rules.onset_grace_frames :])
    assert gate.busy
    # The candidate answers over them, with their soft words between the loud ones.
    assert feed_gate(gate, candidate(1)) == [True]
    answer = feed_gate(gate, candidate(100), in_turn=True)
    assert sum(answer) >= 90
    # When they stop, the voices do not keep the turn going.
    assert not any(feed_gate(gate, talkers(60, level=-35.0), in_turn=True)[10:])


def test_a_cafe_filling_up_during_an_answer_does_not_keep_it_going():
    gate = NearTalkerGate()
    feed_gate(gate, [(-60.0, False)] * 100)
    assert all(feed_gate(gate, candidate(200), in_turn=True))
    feed_gate(gate, [(-60.0, False)] * 50)
    # The voices start while the candidate talks; the candidate keeps the floor throughout.
    pairs = zip(candidate(100), talkers(100, -35.0), strict=True)
    mixed = [(max(c, t), True) for (c, _), (t, _) in pairs]
    assert all(feed_gate(gate, mixed, in_turn=True))
    # They stop; the voices' speech counts as theirs only for a moment (a soft last word), then
    # is heard as the room's, so the turn ends and the room holds voices.
    after = feed_gate(gate, talkers(150, level=-35.0), in_turn=True)
    assert not any(after[gate.rules.near_recency_frames + 1 :])
    assert gate.busy


def test_what_the_interviewer_says_on_a_loudspeaker_is_not_taken_for_the_room():
    gate = NearTalkerGate()
    # Its own voice, loud in the mic with no break since the start (the echo gate knows it
    # for its own, so the VAD was told it is no speech), is not learned as the room's level:
    # past a few seconds, a candidate speaking up over it still cuts in.
    feed_gate(gate, [(-20.0, False)] * 100, echo=True)
    assert gate.room_db is None and feed_gate(gate, [(-24.0, True)]) == [False]
    feed_gate(gate, [(-20.0, False)] * 200, echo=True)
    assert gate.room_db is None and feed_gate(gate, [(-24.0, True)]) == [True]
    # On headphones nothing echoes: voices in the room are learned while it talks.
    gate = NearTalkerGate()
    feed_gate(gate, talkers(300))
    assert gate.busy and feed_gate(gate, [(-36.0, True)]) == [False]


def _band_db(audio, lo, hi):
    spec = np.abs(np.fft.rfft(audio)) ** 2
    freqs = np.fft.rfftfreq(audio.size, 1 / PIPELINE_RATE)
    return 10 * np.log10(spec[(freqs >= lo) & (freqs < hi)].mean() + 1e-20)


def _hiss_then_voice():
    rng = np.random.default_rng(3)
    answer = (rng.standard_normal(PIPELINE_RATE * 2) * 0.02).astype(np.float32)
    t = np.arange(PIPELINE_RATE) / PIPELINE_RATE
    answer[PIPELINE_RATE:] += (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return answer


def test_steady_hiss_is_lowered_for_the_transcript_and_the_voice_over_it_is_kept():
    from voice.denoise import lower_steady_noise

    answer = _hiss_then_voice()
    out = lower_steady_noise(answer)
    hiss, voice = slice(0, PIPELINE_RATE), slice(PIPELINE_RATE, None)
    assert out.size == answer.size
    assert _band_db(out[hiss], 1000, 7000) < _band_db(answer[hiss], 1000, 7000) - 0.5
    assert abs(_band_db(out[voice], 430, 450) - _band_db(answer[voice], 430, 450)) < 0.1
    # Frames blanked as the interviewer's echo (digital silence) do not hide the room's hiss.
    blanked = np.concatenate([np.zeros(PIPELINE_RATE, np.float32), answer])
    out = lower_steady_noise(blanked)[PIPELINE_RATE:]
    assert _band_db(out[hiss], 1000, 7000) < _band_db(answer[hiss], 1000, 7000) - 0.5


def test_a_quiet_room_leaves_the_answer_as_it_was():
    from voice.denoise import lower_steady_noise

    answer = _hiss_then_voice()
    answer[:PIPELINE_RATE] *= 1e-4  # a quiet room: the pauses are near silent
    out = lower_steady_noise(answer)
    assert np.max(np.abs(out[PIPELINE_RATE:] - answer[PIPELINE_RATE:])) < 1e-3
    short = answer[:1000]
    assert np.array_equal(lower_steady_noise(short), short)


def test_an_answer_spoken_well_under_the_last_one_is_still_the_candidates_to_its_end():
    gate = NearTalkerGate()
    feed_gate(gate, [(-60.0, False)] * 100)
    feed_gate(gate, candidate(200), in_turn=True)  # the first answer: about -16 dBFS at its peaks
    feed_gate(gate, [(-60.0, False)] * 30)
    # The candidate sits back (or another voice reads the next answer): 14 dB down, every
    # frame of it far under the level learned from the first answer.
    quieter = candidate(300, level=-36.0)
    assert max(lv for lv, _ in quieter) < gate.voice_db - gate.rules.far_db
    # Once the answer has a second of speech its own level is the bar: none of it is taken
    # for the room (else its turn ended after 1.5 s and the interviewer talked over the rest).
    assert all(feed_gate(gate, quieter, in_turn=True))
    assert not gate.busy
    # The next answer, at the first one's level again, still keeps voices 14 dB under it out.
    feed_gate(gate, [(-60.0, False)] * 30)
    feed_gate(gate, candidate(60), in_turn=True)
    after = feed_gate(gate, talkers(150, level=-36.0), in_turn=True)
    assert not any(after[gate.rules.near_recency_frames + 1 :])


def test_an_answer_begun_sitting_back_is_theirs_whatever_came_since_the_last_one():
    gate = NearTalkerGate()
    feed_gate(gate, [(-60.0, False)] * 100)
    feed_gate(gate, candidate(200), in_turn=True)
    # The first answer trails off: a breath, a soft "so, yeah", far under its level.
    feed_gate(gate, [(-44.0, True)] * 16, in_turn=True)
    feed_gate(gate, [(-60.0, False)] * 30)

    def sat_back(n, level):  # the VAD still on in the gaps between words, at the room's level
        return [
            (-61.0, True) if k % 3 == 2 else (level + 5.0 * np.sin(0.7 * k), True) for k in range(n)
        ]

    # The next answer, 16 dB down, once the question is over: every word of it theirs (its own
    # level was learned too late, and it was taken for someone farther off 1.5 s in).
    quieter = sat_back(300, -38.0)
    heard = feed_gate(gate, quieter, in_turn=True)
    assert all(h for h, (lv, _) in zip(heard, quieter, strict=True) if lv > -50.0)
    assert not gate.busy


def peaky_talkers(n, room_db, every=12):
    """Voices across the room as the VAD hears them: speech throughout, a peak 2-3 dB over the
    room's level (its 90th percentile) every `every` frames."""
    return [(room_db + 2.5 if k % every == 0 else room_db - 4.0, True) for k in range(n)]


def test_a_candidate_talking_on_over_the_interviewer_is_not_taken_for_the_room():
    # A loud café cut an answer short, and the interviewer speaks while the candidate talks on
    # (live: 8 s of follow-ups over them). Their words near their level are not the room's:
    # learned as its level, it rose to theirs, and not one word of theirs took the floor again.
    gate = gate_in_a_cafe(-36.0)
    voice = gate.voice_db
    for _ in range(4):
        assert all(feed_gate(gate, candidate(125)))
    assert gate.room_db <= voice - RoomRules().theirs_db
    assert feed_gate(gate, candidate(3), floor_free=True) == [True] * 3
    # A café filling up (6 dB louder) is still heard as the room: its peaks take nothing for long.
    gate = gate_in_a_cafe(-36.0)
    room = gate.room_db
    louder = feed_gate(gate, talkers(400, level=-30.0))
    assert not any(louder[200:])
    assert gate.room_db > room + 4.0


def test_voices_crossing_the_rooms_bar_do_not_hold_the_floor_after_the_answer():
    gate = gate_in_a_cafe(-38.0)  # a café from the start, 16 dB under the candidate
    room = gate.room_db
    # The candidate stops; the talkers go on, a peak over the room's bar every 0.4 s. Each used
    # to count as the candidate's (with its hangover) for 1.5 s after their last loud word: the
    # turn ran on, and the talkers' words made it look unfinished (a 2.9 s wait to reply).
    after = feed_gate(gate, peaky_talkers(60, room), in_turn=True)
    assert not any(after[gate.rules.busy_recency_frames + 1 :])
    # Nor within that short tail once their soft syllables are over: a peak 2.5 dB over the
    # room is no word of theirs (it ran one answer in a café on by 0.3 s).
    feed_gate(gate, candidate(40), in_turn=True)
    tail = feed_gate(gate, peaky_talkers(16, gate.room_db, every=9)[1:], in_turn=True)
    assert not any(tail[gate.rules.hangover_frames :])


def test_a_loud_cafes_peaks_near_the_candidates_voice_do_not_run_the_answer_on():
    gate = gate_in_a_cafe(-31.0)  # a loud café, about 9 dB under the candidate
    room = gate.room_db
    # Their peaks come within far_db of the candidate's voice, though not over the room's bar.
    # Each was taken for a word of the candidate's, with its hangover, so after the answer the
    # café ran the turn on (2.8 s to reply, with "I can draw. I can't do it." in the answer).
    # Past a short tail (the candidate's soft last words), they are not.
    peak = room + 3.5
    assert gate.voice_db - gate.rules.far_db <= peak < room + gate.rules.margin_db
    tail = gate.rules.busy_recency_frames
    voices = [(peak if k % 20 == tail + 2 else room - 4.0, True) for k in range(80)]
    after = feed_gate(gate, voices, in_turn=True)
    assert not any(after[tail + 1 :])
    # The candidate over them, soft syllables and all, still has the floor, and so do their
    # soft words straight after loud ones, though no louder than the voices' peaks.
    feed_gate(gate, [(-60.0, False)] * 3)
    assert sum(feed_gate(gate, candidate(100), in_turn=True)) >= 95
    trailing_off = [(peak if k % 4 else room - 2.0, True) for k in range(25)]
    assert all(feed_gate(gate, trailing_off, in_turn=True))


def test_a_cafes_voices_a_second_after_the_answer_are_not_taken_for_its_soft_tail():
    gate = gate_in_a_cafe(-38.0)  # a café, 16 dB under the candidate
    room = gate.room_db
    soft = room + (gate.rules.keep_margin_db + gate.rules.margin_db) / 2
    # The answer ends; 1.2 s later the café's voices come back over the room's level. Counted in
    # speech frames only, the candidate had been near a moment ago, so these passed for their
    # soft last syllables, and ran the turn on by 1.5 s (2.2-3.6 s to reply).
    feed_gate(gate, [(-60.0, False)] * 38, in_turn=True)
    assert not any(feed_gate(gate, [(soft, True)] * 12, in_turn=True))
    # A pause inside the answer is no such gap: soft words after it are still theirs (from
    # their second frame: a lone one may be a peak of the café's).
    feed_gate(gate, candidate(60) + [(gate.voice_db, True)], in_turn=True)
    feed_gate(gate, [(-60.0, False)] * 8, in_turn=True)
    assert all(feed_gate(gate, [(soft, True)] * 4, in_turn=True)[1:])


def test_a_lone_peak_of_a_cafe_after_the_answer_does_not_run_it_on():
    gate = gate_in_a_cafe(-31.0)  # a loud café, about 9 dB under the candidate
    feed_gate(gate, [(gate.voice_db, True)], in_turn=True)
    room = gate.room_db
    # One frame of the café within far_db of the candidate's voice and just over the room's
    # level, 0.3 s after their last word (an espeak voice's "That's my answer." in a café).
    # With its hangover it ran the turn on by 0.55 s, and the reply came 1.3-1.75 s after the
    # answer.
    peak = room + 3.5
    assert gate.voice_db - gate.rules.far_db <= peak < room + gate.rules.margin_db
    gap = [(room - 4.0, True)] * 3 + [(room - 6.0, False)] * 6
    feed_gate(gate, gap, in_turn=True)
    after = feed_gate(gate, [(peak, True)] + [(room - 4.0, True)] * 12, in_turn=True)
    assert not any(after)
    # The candidate going on after such a pause, as softly: theirs from the second frame.
    feed_gate(gate, candidate(60) + [(gate.voice_db, True)], in_turn=True)
    feed_gate(gate, gap, in_turn=True)
    assert feed_gate(gate, [(peak, True)] * 4, in_turn=True) == [False, True, True, True]


def test_a_cafe_heard_only_a_moment_before_the_answer_does_not_run_it_on():
    gate = NearTalkerGate()
    # The candidate starts a second in: too little of the café to know it holds voices.
    feed_gate(gate, talkers(30, level=-38.0))
    assert not gate.busy and gate.room_db is not None
    assert sum(feed_gate(gate, candidate(300), in_turn=True)) >= 290
    room = gate.room_db
    # The answer ends on a loud word; the café talks on, under the room's level and then just
    # over it. Taken for the candidate's soft tail, it ran the turn on by 0.4-1 s (1.3-1.9 s to
    # reply when the candidate started 0.3-1 s in).
    feed_gate(gate, [(gate.voice_db, True)], in_turn=True)
    under = feed_gate(gate, [(room - 2.0, True)] * 14, in_turn=True)
    assert not any(under[gate.rules.hangover_frames :])
    feed_gate(gate, [(-60.0, False)] * 4, in_turn=True)
    assert not any(feed_gate(gate, [(room + 1.0, True)] * 8, in_turn=True))
    # Their own soft words just after a loud one, over the room's level, are still theirs.
    feed_gate(gate, [(gate.voice_db, True)], in_turn=True)
    assert all(feed_gate(gate, [(room + 1.0, True)] * gate.rules.hangover_frames, in_turn=True))


def test_voices_the_vad_calls_speech_at_the_rooms_level_do_not_hold_the_floor():
    gate = NearTalkerGate()
    # Far-off voices the VAD calls speech only now and then: the room is not taken to hold them.
    feed_gate(gate, [(-38.0 + 3.0 * np.sin(k), k % 40 == 0) for k in range(200)])
    assert not gate.busy
    feed_gate(gate, candidate(1))
    assert all(feed_gate(gate, candidate(300), in_turn=True))
    room = gate.room_db
    # After the answer the VAD hears them throughout: at the room's level they are not the
    # candidate's once past a short tail; louder speech still is for the usual 1.5 s.
    after = feed_gate(gate, [(room - 1.0, True)] * 40, in_turn=True)
    assert not any(after[gate.rules.busy_recency_frames + 1 :])
    feed_gate(gate, [(-60.0, False)] * 30)
    feed_gate(gate, candidate(60), in_turn=True)
    soft = feed_gate(gate, [(room + 6.0, True)] * 40, in_turn=True)
    assert all(soft)


def test_a_lone_peak_of_far_voices_does_not_cut_in_on_the_interviewer():
    gate = gate_after_a_first_answer()  # the candidate's level: about -16 dBFS
    bar = gate.voice_db - gate.rules.far_db
    # Three talkers start while the interviewer speaks (levels as replayed from a recording):
    # one frame just reaches the bar, the rest stay under it. No three frames in a row are theirs.
    onset = [bar - 2.3, bar + 0.1, bar - 2.5, bar - 4.3, bar - 5.5, bar - 5.3, bar - 4.6]
    heard = feed_gate(gate, [(lv, True) for lv in onset])
    assert heard[:3] != [True] * 3 and not any(heard[3:])
    # A candidate cutting in at their own level takes the floor at once, soft onset and all.
    feed_gate(gate, [(-60.0, False)] * 5)
    assert (
        feed_gate(gate, [(gate.voice_db - 14, True), (gate.voice_db - 8, True)] + candidate(4))
        == [True] * 6
    )


def test_far_voices_do_not_take_a_free_floor_between_the_pieces_of_a_reply():
    gate = gate_after_a_first_answer()  # the candidate's level: about -16 dBFS
    # The candidate sat back, 15 dB under their first answer, in a quiet room: heard from their
    # first frame once the interviewer is silent.
    sat_back = gate.voice_db - 15
    assert feed_gate(gate, candidate(1, level=sat_back), floor_free=True) == [True]
    assert all(feed_gate(gate, candidate(30, level=sat_back)[1:], in_turn=True))
    feed_gate(gate, [(-60.0, False)] * 30)
    # A café far across the room: the VAD calls one frame in ten of it speech, so the room is
    # not known to hold voices; its level is theirs.
    feed_gate(gate, [(-36.0 + 4.0 * np.sin(k), k % 10 == 0) for k in range(100)])
    assert not gate.busy and gate.room_db is not None
    # The interviewer has said "Thanks," and is still making the rest of its reply: no one has
    # the floor, and one frame heard as the candidate's would start a turn. The voices' onset,
    # at the room's level, is not theirs (over the interviewer its first frames pause it, as
    # any onset does, and a barge-in needs three).
    onset = [(gate.room_db - 1.0, True), (gate.room_db - 2.0, True), (gate.room_db + 1.0, True)]
    assert not any(feed_gate(gate, onset, floor_free=True))
    feed_gate(gate, [(-60.0, False)] * 10)
    assert feed_gate(gate, onset[:2]) == [True, True]
    feed_gate(gate, [(-60.0, False)] * 10)
    # The candidate at their own level takes the free floor at once.
    assert feed_gate(gate, candidate(1), floor_free=True) == [True]


# -- the stored transcript keeps every stretch said ---------------------------------------------
STRETCHES = [
    "I'd ask who the users are and what they need from it,",
    "what load to expect at the peak.",
    "I'd check whether we may store the recordings.",
    "Then I'd start sketching the pipeline.",
]


def test_a_last_sentence_the_whole_window_left_out_is_put_back():
    from voice.coverage import restore_dropped

    whole = (
        "I'd ask who the user and what they need from it, what load to expect at the peak. "
        "I'd check where that we may store the recordings."
    )
    assert restore_dropped(whole, STRETCHES) == f"{whole} Then I'd start sketching the pipeline."


def test_a_stretch_in_the_middle_with_no_word_in_common_is_not_added():
    from voice.coverage import restore_dropped

    # Whisper invents a phrase for a short unclear stretch; the whole window heard it right.
    parts = [STRETCHES[0], "I'm not going to do it.", STRETCHES[3]]
    whole = (
        "I'd ask who the users are and what they need from it, latency budget, failover. "
        "Then I'd start sketching the pipeline."
    )
    assert restore_dropped(whole, parts) == whole


def test_words_the_whole_window_heard_differently_are_not_said_twice():
    from voice.coverage import restore_dropped

    # Each stretch shares a word with the whole text: heard, not dropped.
    whole = (
        "I'd ask who the user and what they need from it, what loads to expect at the beak. "
        "I'd check where that we may store the recording. Then I start sketching a pipe line."
    )
    assert restore_dropped(whole, STRETCHES) == whole
    # A stretch of a word or three may be a stray the whole window rightly left out.
    assert restore_dropped("Step one, halt the rollout.", ["you", "Step one,"]) == (
        "Step one, halt the rollout."
    )
    # Nothing in common at all: the two heard different things, not fewer.
    assert restore_dropped("I built a streaming cascade.", ["I've built us dream in cus kid."]) == (
        "I built a streaming cascade."
    )
    # The whole text goes on past its last word in common: it heard the later stretch too.
    whole = "I'd check whether we may store the recordings. Post-launch metrics."
    assert restore_dropped(whole, [STRETCHES[2], "most unch matrix, both on-ch matrix,"]) == whole


def test_a_dropped_tail_is_told_by_the_stretch_it_starts_at():
    from voice.coverage import first_dropped

    whole = "I'd ask who the user and what they need from it, what load to expect at the peak."
    assert first_dropped(whole, STRETCHES) == 2
    assert first_dropped(" ".join(STRETCHES), STRETCHES) is None


def test_a_dropped_head_is_told_by_the_stretch_the_whole_text_starts_at():
    from voice.coverage import first_heard

    # The window after a kept part, begun mid-sentence: Whisper started at its third stretch.
    assert (
        first_heard("I'd check whether we may store the recordings. " + STRETCHES[3], STRETCHES)
        == 2
    )
    # A word of its own before the first it shares ("That's" heard before "region"): still so.
    assert first_heard("So I'd check whether we may store them. Then...", STRETCHES) == 2
    # Heard from the start, or the first stretch in other words that share some: not dropped.
    assert first_heard(" ".join(STRETCHES), STRETCHES) is None
    assert (
        first_heard(
            "Who are the users and what do they need, " + " ".join(STRETCHES[1:]), STRETCHES
        )
        is None
    )
    # The whole text has words of its own for the start (no word in common): it heard it, not
    # fewer; nor is a short first stretch ("So,") taken for a dropped head.
    assert first_heard("Users, needs, peak load. " + " ".join(STRETCHES[2:]), STRETCHES) is None
    assert first_heard(" ".join(STRETCHES[1:]), ["So,", *STRETCHES[1:]]) is None


@pytest.mark.parametrize(
    ("heard", "fast", "added"),
    [
        # The full beam heard again: its words, not the fast ones.
        (
            "Then continuous batching with deadlines, and a smaller reranker.",
            "They continue deadline, and the smaller",
            "Then continuous batching with deadlines, and a smaller reranker.",
        ),
        # Nothing heard (or a loop, cleared by the caller): the fast words stand.
        ("", "Then I'd start sketching the pipeline.", "Then I'd start sketching the pipeline."),
        # No word in common: two guesses at the room's talk, and nothing is added.
        ("That's all for me. Bye.", "So, I'm going to, I'm going to say.", ""),
        # Words in common, but none that carries meaning ("all", "for").
        ("That's all that we need for your mind.", "This is all a way. For you,", ""),
    ],
)
def test_a_dropped_tail_is_added_as_heard_again(heard, fast, added):
    from voice.coverage import dropped_words

    assert dropped_words(heard, fast) == added


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("Yes, please.", True),
        ("Yeah.", True),
        ("Sure, go ahead.", True),
        ("Yes, that would help, thanks.", True),
        ("Okay.", False),  # taking their time, as told
        ("No, thanks.", False),
        ("Yes, I would roll back first.", False),
        ("Sure, the first thing is latency.", False),
    ],
)
def test_a_bare_yes_is_told_from_an_answer_that_starts_with_one(text, yes):
    """After "If you'd like the question again, just ask.", a yes alone asks for it."""
    assert says_yes(text) is yes


RUNAWAY = "And the end of the end of the end, and roll back on the lathe and see your error."


@pytest.mark.parametrize(
    ("greedy", "no_repeat", "text", "tries"),
    [
        ("And roll back on the lathe.", "-", "And roll back on the lathe.", [0]),
        # 19 words in 2.8 s: more than anyone says. Heard again with no three words repeated.
        (
            RUNAWAY,
            "And the end, and roll back on the lathe.",
            "And the end, and roll back on the lathe.",
            [0, 3],
        ),
        # Still a runaway: the full window decides (None).
        (RUNAWAY, RUNAWAY, None, [0, 3]),
        # A sentence said again with words changed, white noise at 10 dB SNR (P1): the first.
        (
            "And roll a bank on the lake, and see your error, love. And roll a little bank on "
            "the lake, and see your error, love him.",
            "-",
            "And roll a bank on the lake, and see your error, love.",
            [0],
        ),
        (
            RUNAWAY,
            "And roll a bank on the lake, and see your error, love. And roll the bank on a lake, "
            "until you ever love him. And throw a",
            "And roll a bank on the lake, and see your error, love.",
            [0, 3],
        ),
    ],
)
def test_a_short_windows_loop_is_heard_again_on_the_short_window_first(
    greedy, no_repeat, text, tries
):
    """The full window, the fallback for a short stretch's loop, took 1.3 s on two busy cores,
    and the turn it ended waited for it past the 2 s silence: a second try on the short window
    (no three words repeated) comes first."""
    from voice.whisper_text import short_window_text

    asked: list[int] = []

    def decode(no_repeat_ngram_size: int) -> str:
        asked.append(no_repeat_ngram_size)
        return greedy if no_repeat_ngram_size == 0 else no_repeat

    assert short_window_text(decode, 2.8) == text
    assert asked == tries


def _judged(judge, taker, frames, *, in_turn=False, bot=False, t0=0.0):
    """(level dBFS, Silero's probability) frames through the gates and the turn taker: each
    frame's time, speech, and the turn taker's frame names."""
    out = []
    for k, (level, prob) in enumerate(frames):
        t = round(t0 + k * FRAME_S, 3)
        heard = judge.judge(prob, level, in_turn=in_turn)
        names = [
            type(f).__name__
            for f in taker.on_frame(t, heard.speech, bot, TranscriptView(), sound=heard.sound)
        ]
        out.append((t, heard.speech, names))
    return out


def _music(n):
    return [(-32.0 + 2.0 * np.sin(0.7 * k), 0.03) for k in range(n)]


def _at_the_mic(n):
    return [(-13.0 + 3.0 * np.sin(k), 0.95) for k in range(n)]


@pytest.mark.parametrize("softer_prob, resumes", [(0.9, False), (0.03, True)])
def test_under_music_a_paused_interviewer_waits_through_syllables_silero_hears(
    softer_prob, resumes
):
    """M1 (flite, music at -32 dBFS): "If" paused the interviewer in one frame; the next six
    ("complaints" beginning, -24 to -29 dBFS) Silero scored ~0.9, but they stood over 10 dB
    under the candidate's known level, so the near-talker gate set them aside. Counted as quiet,
    they resumed the interviewer over the candidate (barge-in 290 ms, 40 ms overlap). They are
    sound: the pause holds and the barge-in counts from "If". Frames Silero does not hear a
    voice in (a cough under the music) still resume it."""
    from voice.config import VoiceConfig
    from voice.conversation import policy_from
    from voice.hearing import FrameJudge

    config = VoiceConfig()
    judge = FrameJudge.for_config(config)
    taker = TurnTaker(policy_from(config))
    _judged(judge, taker, _music(100))
    _judged(judge, taker, _at_the_mic(150), in_turn=True)  # an earlier answer: their level
    taker.reset()
    _judged(judge, taker, _music(80), bot=True)
    softer = [(-24.0 - k, softer_prob) for k in range(6)]
    heard = _judged(judge, taker, [(-14.0, 0.9), *softer, *_at_the_mic(6)], bot=True, t0=10.0)
    assert heard[0][2] == ["PausePlaybackFrame"]
    assert not any(speech for _, speech, _ in heard[1:7])  # set aside: not the candidate's
    names = [name for _, _, frame_names in heard for name in frame_names]
    if resumes:
        assert "ResumePlaybackFrame" in names
    else:
        assert names == ["PausePlaybackFrame", "InterruptionFrame", "TurnStartedFrame"]


def _phrases(*spans: tuple[float, float]) -> np.ndarray:
    """A stand-in piece of speech: a tone over each (start_s, end_s), silence between."""
    t = np.arange(int(spans[-1][1] * PIPELINE_RATE) + PIPELINE_RATE // 10) / PIPELINE_RATE
    audio = np.zeros(t.size, dtype=np.float32)
    for a, b in spans:
        on = (t >= a) & (t < b)
        audio[on] = 0.3 * np.sin(2 * np.pi * 180 * t[on])
    return audio


@pytest.mark.parametrize(
    ("cut_s", "from_s"),
    [
        (0.8, 0.0),  # in the first phrase: the piece is said whole
        (1.35, 0.0),  # over a stop inside a word (80 ms): still the first phrase
        (1.95, 0.0),  # just into the comma's pause: its last word may have been covered
        (2.15, 2.17),  # well into the pause: from the next phrase
        (3.0, 2.17),  # in the second phrase: from its start, with 80 ms of the pause before it
        (4.4, 3.97),  # in the third
    ],
)
def test_a_piece_said_again_after_a_cough_goes_on_from_the_phrase_it_was_cut_in(cut_s, from_s):
    """Piper pauses 200-420 ms at a comma; phrase_start finds where the cut phrase began."""
    from voice.speaker import phrase_start

    # Leading silence, a stop inside the first phrase, then two commas' pauses.
    audio = _phrases((0.2, 1.3), (1.38, 1.9), (2.25, 3.7), (4.05, 5.0))
    assert phrase_start(audio, int(cut_s * PIPELINE_RATE)) / PIPELINE_RATE == pytest.approx(
        from_s, abs=0.011
    )


def _hum(n):
    return [(-33.7 + 0.3 * np.sin(1.3 * k), 0.02) for k in range(n)]


# B1 (flite, mains hum at -34 dBFS): the answer's last word, 9 frames of pause, then the
# candidate breathing out close to the microphone, 13-15 dB under their voice.
_LAST_WORD = [(-15.5, 1.0), (-17.3, 1.0), (-25.5, 1.0), (-29.9, 0.99), (-33.4, 0.98)]
_BREATH_OUT = [(-29.0, 0.46), (-28.7, 0.57), (-29.4, 0.62), (-30.1, 0.54), (-31.5, 0.36)]


@pytest.mark.parametrize(
    ("talked_s", "after_pause", "then", "speech_end_s"),
    [
        # A breath after a pause: not words, the end of speech stays at the last word.
        (2.0, 9, _BREATH_OUT, 10.048),
        # A first answer too short for the candidate's level to be known: as before.
        (1.0, 9, _BREATH_OUT, 9.504),
        # Straight after the last word (no pause to speak of): a soft syllable of it.
        (2.0, 4, _BREATH_OUT, 10.304),
        # A soft onset after a pause that rises to the voice: words.
        (2.0, 9, [(-30.0, 0.6), (-26.0, 0.9), (-16.0, 1.0), (-14.0, 1.0)], 10.464),
    ],
)
def test_a_breath_after_the_last_word_does_not_move_the_end_of_speech(
    talked_s, after_pause, then, speech_end_s
):
    """Close to the microphone, the breath out after an answer is speech to Silero (0.6) for a
    few frames: the end of speech moved 0.4 s on, and the "Okay." came 1240-1270 ms after the
    answer. After a pause in the turn, speech far under the candidate's own level waits for a
    frame near it before it counts."""
    from voice.config import VoiceConfig
    from voice.conversation import policy_from
    from voice.hearing import FrameJudge

    config = VoiceConfig()
    judge = FrameJudge.for_config(config)
    taker = TurnTaker(policy_from(config))
    _judged(judge, taker, _hum(100))
    answer = [*_at_the_mic(round(talked_s / FRAME_S) - 2), *_LAST_WORD]
    frames = [*answer, *_hum(after_pause - 1), *then, *_hum(20)]
    _judged(judge, taker, frames[:1], t0=8.0)  # the turn starts
    _judged(judge, taker, frames[1:], in_turn=True, t0=8.0 + FRAME_S)
    assert taker.last_speech_end == pytest.approx(speech_end_s, abs=0.001)


def test_asr_final_is_the_time_the_stored_transcript_took_after_the_turn_ended():
    from voice.conversation import asr_final_ms

    # After a finished sentence the transcript is made while "Okay." plays; once the floor
    # closes (1.5 s on) it is long in hand. The figure is the 0.8 s it took, not the wait left.
    assert asr_final_ms(ended_at=10.0, final_at=10.8, now=11.5) == 800.0
    # Waited for when the floor closed (an end phrase): counted to when it came.
    assert asr_final_ms(ended_at=10.0, final_at=10.35, now=10.35) == 350.0
    # In hand as the turn ended (decided on it), and never there (the fast words stand in).
    assert asr_final_ms(ended_at=10.0, final_at=9.9, now=10.2) == 0.0
    assert asr_final_ms(ended_at=10.0, final_at=None, now=10.25) == 250.0


def _loud_moments_db(audio: np.ndarray) -> float:
    """The 90th percentile of the 32 ms frames' levels."""
    frames = audio[: audio.size // 512 * 512].reshape(-1, 512).astype(np.float64)
    return float(np.percentile(10 * np.log10(np.mean(frames**2, axis=1) + 1e-12), 90))


def test_a_voice_is_given_to_the_recognizer_at_one_level_whatever_the_gain():
    """A quiet answer's loud moments reach the recognizer within 3 dB of the speaking level,
    and 6 to 18 dB quieter still it is bit for bit the same audio; a voice already that loud,
    and a quiet room with no one in it, are left as they are."""
    from voice.levels import SPEAKING_LEVEL_DB, at_speaking_level
    from voice.recordings import noise

    rng = np.random.default_rng(5)
    # Bursts of "speech" (loud noise, about half the time) in a room's hiss.
    voice = noise(PIPELINE_RATE * 4, -45.0, seed=1)
    for start in rng.integers(0, voice.size - 4000, 12):
        voice[start : start + 4000] += noise(4000, -9.0, seed=int(start))
    assert at_speaking_level(voice) is voice  # loud moments over the level
    voice = (voice * np.float32(2.0**-3)).astype(np.float32)  # loud moments at -24.5 dBFS
    raised = at_speaking_level(voice)
    assert abs(_loud_moments_db(raised) - SPEAKING_LEVEL_DB) <= 3.1
    for down in (2.0**-1, 2.0**-2, 2.0**-3):
        assert np.array_equal(at_speaking_level((voice * down).astype(np.float32)), raised)
    room = noise(PIPELINE_RATE * 4, -75.0, seed=2)
    assert at_speaking_level(room) is room


def test_typing_is_told_from_a_voices_own_plosives():
    """An answer typed over, each key at -30 dBFS (quieter than the voice), sounds like typing;
    the same answer without keys does not, in a room's hiss or digitally clean, in four voices.
    Clean, festival's kal gives two plosives that stand out as a click would: one or two are
    not typing."""
    from voice.clicks import key_clicks, sounds_like_typing
    from voice.recordings import VoiceBank, noise, typing

    sentences = (
        "I would want the top ten reasons people call before designing anything.",
        "I would also read a sample of transcripts each week.",
        "Cold starts would eat the whole budget.",
    )
    gap = np.zeros(PIPELINE_RATE // 2, dtype=np.float32)
    bank = VoiceBank()
    for voice in ("festival-kal", "espeak-us-f", "espeak-gb-m", "flite-slt"):
        clean = np.concatenate(
            [gap] + [np.concatenate([bank.speak(voice, s), gap]) for s in sentences]
        )
        in_room = clean + noise(clean.size, -50.0)
        assert not sounds_like_typing(clean), voice
        assert not sounds_like_typing(in_room), voice
        assert sounds_like_typing(in_room + typing(clean.size, -30.0)), voice
        if voice == "festival-kal":
            assert key_clicks(clean) == 2
