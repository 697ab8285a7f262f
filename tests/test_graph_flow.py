"""The examiner graph through ExamSession: real graph, real SQLite checkpointer, real scorer."""

from __future__ import annotations

import pytest
from test_graph_support import *  # noqa: F403
from test_graph_support import (
    FOLLOW_UP_ANSWER,
    SPOKEN,
    SPOKEN_2,
    WEAK_ANSWER,
    kinds,
)

from agent.session import ExamSession, SessionError
from question_bank import load_bank


def test_opening_introduces_exam_and_timers_then_asks_first_question(settings, clock):
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    reply = session.opening()
    assert kinds(reply)[0] == "intro"
    assert "warn you at 80%" in reply.utterances[0].text
    assert kinds(reply)[-1] == "prompt"
    assert "first hour" in reply.utterances[-1].text
    assert reply.pending.prompt_id == SPOKEN and reply.pending.kind == "prompt"
    # 60 minutes shared by the two incident prompts of Round 2.
    assert reply.pending.budget_s == 30 * 60
    # Asking again changes nothing: no new question, no turn stored.
    assert [u.text for u in session.opening().utterances] == [u.text for u in reply.utterances]
    assert session.transcript().turns == []


def test_the_welcome_said_aloud_is_short_and_the_screen_keeps_the_parts(settings, clock):
    """Read aloud, the list of parts with their budgets was 23 s of talk before the first
    question ("Warm-up (1 prompt, 10 min); Round 1: ..."). The voice face says a shorter form:
    the number of prompts and parts, the time in all, the rules in brief."""
    session = ExamSession.start(settings, None, clock=clock)
    welcome = session.opening().utterances[0]
    spoken = welcome.data["spoken"]
    assert "Round 1: Speech-To-Speech Enterprise Assistant (2 prompts, 70 min)" in welcome.text
    assert "8 prompts in 4 parts, about 4 hours in all" in spoken
    assert "warn you at 80%" in spoken and "min)" not in spoken
    assert len(spoken.split()) < len(welcome.text.split()) * 0.7


def test_weak_answer_is_acknowledged_then_probed_on_a_missed_point(settings, clock):
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    reply = session.submit(WEAK_ANSWER)
    assert kinds(reply) == ["ack", "follow_up"]
    # A short acknowledgement: the follow-up itself reads the candidate's words back, once.
    assert reply.utterances[0].text in ("Okay.", "Thanks.", "Got it.", "Right.")
    probe = reply.utterances[1]
    # Phrased against what the candidate said, and never reveals the strong answer.
    assert probe.text.startswith(("You mentioned", "You focused on"))
    quoted = probe.text.split('"')[1].rstrip(".")
    assert quoted and quoted in WEAK_ANSWER
    assert "reveal" not in kinds(reply)
    assert reply.pending.kind == "follow_up" and reply.pending.follow_up_index == 1
    bank = load_bank()
    missed = probe.data["criterion"]
    assert probe.text.endswith(bank.prompt(SPOKEN).criterion(missed).probe)
    # The answer to come is about that point (the spoken exam's recognizer listens for it).
    assert reply.pending.criterion == missed


@pytest.mark.parametrize(
    "said_first",
    [
        "Mm-hmm. Okay, let me think.",
        "And I'm up. Right.",
        "Sorry, could you repeat the question?",
        "Is this for the help desk's own staff or for customers?",
        # Not said over the question, but no more to read back.
        "Wait, actually, let me start over.",
        "Sorry, let me rephrase that.",
    ],
)
def test_a_probe_quotes_the_answer_not_the_words_said_over_the_question(said_first):
    """A spoken answer carries in front what was said before it ("Mm-hmm.", "Okay, let me
    think.", "Could you repeat the question?", a clarifying question). Where no sentence touches
    the missed point, the follow-up and the acknowledgement read back the answer, not those (it
    used to probe 'You focused on "Mm-hmm"', or a misheard 'You focused on "And I'm up"')."""
    from agent.followups import acknowledge, bank_follow_up

    answer = "I would roll back to the old model first and tell the on-call team."
    criterion = load_bank().prompt(SPOKEN).criterion("privacy_safe_aggregate_metrics")
    probe = bank_follow_up(criterion, f"{said_first} {answer}")
    assert probe.startswith('You focused on "I would roll back to the old model'), probe
    thanks = acknowledge(f"{said_first} {answer}", None, follow_up=False)
    assert thanks.startswith('Thanks. I heard "I would roll back'), thanks


@pytest.mark.parametrize(
    "answer", ["I don't know.", "Sorry, I'm not sure.", "No idea, honestly.", "Pass."]
)
def test_a_probe_after_i_dont_know_asks_plainly_without_reading_it_back(answer):
    """ "I don't know." drew 'You focused on "I don't know". What latency target would you
    set...?': a sentence that only declines is nothing to read back."""
    from agent.followups import bank_follow_up

    criterion = load_bank().prompt(SPOKEN).criterion("privacy_safe_aggregate_metrics")
    assert bank_follow_up(criterion, answer) == criterion.probe


def test_a_probe_reads_back_what_follows_i_am_not_sure():
    from agent.followups import acknowledge, bank_follow_up

    answer = "I'm not sure. I would roll back to the old model first and tell the on-call team."
    criterion = load_bank().prompt(SPOKEN).criterion("privacy_safe_aggregate_metrics")
    probe = bank_follow_up(criterion, answer)
    assert probe.startswith('You focused on "I would roll back to the old model'), probe
    thanks = acknowledge(answer, None, follow_up=False)
    assert thanks.startswith('Thanks. I heard "I would roll back'), thanks


# A spoken answer as the ASR writes it: one long sentence of commas.
RUN_ON = (
    "Before drawing any boxes, I pin down the constraints, who are the users, which languages "
    "and accents, and is it streaming or batch, then the latency budget, the accuracy target on "
    "the slices that matter, privacy, and the cost ceiling, those decide the architecture."
)
UNPUNCTUATED = (
    "So um the first thing I'd want to know is who the users are and what they're actually "
    "trying to do with it because that drives everything else like whether we need streaming "
    "and what latency is acceptable and then I'd ask about accents and noise conditions"
)
# Commas where the speaker paused, one after a clause that leads on (tiny.en, festival's kal).
COMMA_PAUSED = (
    "Right, the first thing I'd ask is, who is calling in, and from where, I want the peak load, "
    "the languages, and how long a call lasts."
)
# The same over an 8 kHz phone line: words lost, and a long clause cut before its "where".
OVER_THE_PHONE = (
    "Right, the first thing I'd ask you is calling in and from where I want the peak load, the "
    "languages, and how long it called last."
)


@pytest.mark.parametrize(
    ("answer", "criterion", "quote"),
    [
        (RUN_ON, "cost_ceiling", "the cost ceiling"),
        (RUN_ON, "privacy_limits", "privacy, and the cost ceiling"),
        (
            RUN_ON,
            "latency_budget",
            "the latency budget, the accuracy target on the slices that matter",
        ),
        (UNPUNCTUATED, "latency_budget", "what latency is acceptable"),
        (
            UNPUNCTUATED,
            "product_constraints",
            "the first thing I'd want to know is who the users are",
        ),
        (COMMA_PAUSED, "product_constraints", "the first thing I'd ask is, who is calling in"),
        (COMMA_PAUSED, "traffic_shape", "I want the peak load"),
        (OVER_THE_PHONE, "product_constraints", "the first thing I'd ask you is calling in"),
    ],
)
def test_a_probe_on_a_run_on_answer_reads_back_the_clause_on_the_point(answer, criterion, quote):
    """Read aloud, a quote clipped at twelve words ended mid-phrase on a point the probe is not
    about ('You mentioned "Before drawing any boxes, I pin down the constraints, who are the...".
    What would you ask about budget...'). It now opens on the clause that touches the point and
    ends where a clause does (at "and", "because" where the ASR wrote no comma), without a
    leading "So um", and not on a word that leads on ('You mentioned "the first thing I'd ask
    is".', "...calling in and from")."""
    from agent.followups import bank_follow_up

    crit = load_bank().prompt("warmup.constraints").criterion(criterion)
    probe = bank_follow_up(crit, answer)
    quoted = probe.split('"')[1]
    assert probe.startswith("You mentioned"), probe
    assert quoted == quote and quoted in answer, probe


def test_a_probe_is_tied_to_the_words_on_its_point_not_to_words_any_answer_says():
    """'add' and 'before' tied the correction-rate probe to the sentence about the evaluation
    set; the sentence that names the corrections is the one read back."""
    from agent.followups import bank_follow_up

    answer = (
        "First, I would check whether the rise in corrections is real. I would slice the errors "
        "by region and accent, and compare with the old model. Then I add those accents to the "
        "evaluation set before the next release."
    )
    crit = load_bank().prompt("r2.accent_regression").criterion("canary_on_correction_rate")
    probe = bank_follow_up(crit, answer)
    assert probe.startswith('You mentioned "First, I would check whether the rise in corrections')


@pytest.mark.parametrize("criterion", ["traffic_shape", "update_frequency"])
def test_a_probe_on_a_point_not_touched_reads_back_the_answers_opening_clauses(criterion):
    """Nothing said touches the point: the probe names what the answer focused on, not a clause
    that shares only a question word with it ('You mentioned "who are the users". How often do
    you expect the models to change?')."""
    from agent.followups import acknowledge, bank_follow_up

    crit = load_bank().prompt("warmup.constraints").criterion(criterion)
    probe = bank_follow_up(crit, RUN_ON)
    assert probe.startswith(
        'You focused on "Before drawing any boxes, I pin down the constraints".'
    )
    thanks = acknowledge(RUN_ON, None, follow_up=False)
    assert thanks == 'Thanks. I heard "Before drawing any boxes, I pin down the constraints".'


@pytest.mark.parametrize(
    ("said", "phrase"),
    [
        ("So, um, I would cache the prompts, and", "I would cache the prompts"),
        ("It works well and it scales.", "It works well and it scales"),
        # How a spoken answer ends, not what it says (it was read back: "You focused on
        # \"the latency they expect, that's my answer\"").
        ("I want the latency they expect, that's my answer.", "I want the latency they expect"),
        ("I would roll back first. That's it.", "I would roll back first"),
        ("That is all handled by the cache.", "That is all handled by the cache"),
        # ...and in the answer so far, when another turn followed it.
        (
            "I want the latency they expect, that's my answer. Is it on device?",
            "I want the latency they expect",
        ),
    ],
)
def test_a_quote_does_not_start_or_end_on_a_filler(said, phrase):
    """ "So, um," in front and a dangling "and" behind are not read back; "well" ending a
    phrase of its own is, and "that's my answer" ending the answer is not."""
    from agent.followups import candidate_phrase

    assert candidate_phrase(said) == phrase


@pytest.mark.parametrize(
    ("said", "thanks"),
    [
        # A spoken answer's opening clause, too long to read back with the next one: its
        # setting alone was read back ('Thanks, that helps: "In production".').
        (
            "In production, I would first check the dashboards for the error rate by region "
            "and by device type. Then I would roll back.",
            'Thanks, that helps: "I would first check the dashboards for the error rate by '
            'region".',
        ),
        (
            "For the streaming speech system, I would start with the voice activity detector "
            "on short frames, then a streaming recognizer that commits text at pauses.",
            'Thanks, that helps: "I would start with the voice activity detector on short frames".',
        ),
        # Short enough to go with the clause after it: read back together, as before.
        (
            "Before drawing any boxes, I would clarify the constraints.",
            'Thanks, that helps: "Before drawing any boxes, I would clarify the constraints".',
        ),
    ],
)
def test_the_thanks_reads_back_what_they_would_do_not_only_where(said, thanks):
    from agent.followups import acknowledge

    assert acknowledge(said, None, follow_up=True) == thanks


def test_a_probe_still_quotes_the_setting_that_touches_its_point():
    """The clause on the probe's point is read back, though it is only a setting: not the
    clause after it, as if the point were missed ('You focused on "I would keep...".')."""
    from agent.followups import bank_follow_up

    crit = load_bank().prompt("warmup.constraints").criterion("privacy_limits")
    said = (
        "For privacy, I would keep the audio on the device for seven days and then delete it "
        "for good. In production, I would first check the dashboards by region."
    )
    assert bank_follow_up(crit, said).startswith('You mentioned "For privacy".')


@pytest.mark.parametrize("said", ["Yeah.", "Mm-hmm. Okay."])
def test_a_probe_after_only_a_backchannel_asks_without_quoting_it(said):
    """Nothing said to read back: the probe alone, not 'You focused on "Yeah".'"""
    from agent.followups import bank_follow_up

    crit = load_bank().prompt("warmup.constraints").criterion("traffic_shape")
    assert bank_follow_up(crit, said) == crit.probe


def test_the_thanks_reads_back_the_evidence_to_a_clause_end():
    """The scorer's evidence for a point met is read back up to where a clause ends, not cut
    at fourteen words ("... on the slices that matter, privacy, and the...")."""
    from agent.followups import acknowledge

    evidence = (
        "Then the latency budget, the accuracy target on the slices that matter, privacy, "
        "and the cost ceiling."
    )
    card = {"criteria": [{"status": "met", "evidence": evidence}]}
    thanks = acknowledge(f"Before drawing any boxes. {evidence}", card, follow_up=True)
    assert thanks == (
        'Thanks, that helps: "the latency budget, the accuracy target on the slices that '
        'matter, privacy".'
    )


def test_a_long_clause_is_clipped_on_a_word_of_its_own():
    """No comma to end on: the quote is clipped, but not on "the" or "and"."""
    from agent.followups import candidate_phrase

    said = (
        "I would compare the new model against the old model on the same slices of traffic "
        "that we saw in the incident report"
    )
    phrase = candidate_phrase(said)
    assert phrase == "I would compare the new model against the old model..."


@pytest.mark.parametrize(
    "declined", ["I don't know.", "Hmm. Nothing to add, sorry.", "Let's move on."]
)
def test_a_follow_up_answered_with_nothing_to_add_moves_on_with_the_score_standing(
    settings, clock, declined
):
    """Said aloud, there is no empty answer: "I don't know." to a follow-up is the same as one.
    It used to be scored with the answer, thanked ('Thanks, that helps: "I don't know"') and
    probed again. The words stay in the transcript."""
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    session.opening()
    first = session.submit(WEAK_ANSWER)
    assert first.pending.kind == "follow_up"
    reply = session.submit(declined)
    assert kinds(reply)[:3] == ["ack", "feedback", "reveal"]
    assert reply.utterances[0].text == "That's fine."
    assert reply.pending.prompt_id == SPOKEN_2
    turns = session.transcript().turns
    assert [t.candidate for t in turns] == [WEAK_ANSWER, declined]
    # The score of the answer stands: what declined said was not scored with it.
    alone = ExamSession.start(settings, [SPOKEN], clock=clock)
    alone.opening()
    alone.submit(WEAK_ANSWER)
    assert reply.utterances[1].data["score"] == alone.submit("").utterances[1].data["score"]


@pytest.mark.parametrize(
    ("answer", "nothing"),
    [
        ("", True),
        ("Honestly, no idea.", True),
        ("No, that's all from me.", True),
        ("Sorry, that's all I have.", True),
        ("Honestly, that's it.", True),
        ("That's my answer.", True),
        ("That is all handled by the cache.", False),
        ("Can we skip this one?", True),
        ("Can we move on to the next question?", True),
        ("I don't know. Let's move on.", True),
        ("Next.", True),
        ("Next one, please.", True),
        ("I don't know the exact number, but I would measure it per region.", False),
        ("The next step is a canary.", False),
        ("Nothing is logged by default.", False),
        ("I would pass the audio through a VAD first.", False),
        ("Not sure. Maybe a canary with a latency gate.", False),
    ],
)
def test_an_answer_that_only_declines_is_told_from_one_that_says_something(answer, nothing):
    from agent.followups import adds_nothing

    assert adds_nothing(answer) is nothing


@pytest.mark.parametrize(
    ("said", "moves_on"),
    [("Can we skip this one?", True), ("Pass.", True), ("Next.", True), ("I don't know.", False)],
)
def test_asking_to_skip_a_question_moves_on_and_i_dont_know_is_probed(
    settings, clock, said, moves_on
):
    """ "Can we skip this one?" to a main question: no answer, score 0, on to the next prompt
    (it used to be scored as an answer and probed). "I don't know." still draws a follow-up,
    which may find what the candidate does know."""
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    session.opening()
    reply = session.submit(said)
    assert reply.utterances[0].text == "Okay, no problem."
    if moves_on:
        assert kinds(reply)[:3] == ["ack", "feedback", "reveal"]
        assert reply.utterances[1].data["score"] == 0
        assert reply.pending.prompt_id == SPOKEN_2
    else:
        assert reply.pending.kind == "follow_up" and reply.pending.prompt_id == SPOKEN
    assert [t.candidate for t in session.transcript().turns] == [said]


def test_prompt_closes_with_feedback_and_reveal_only_after_answers(settings, clock):
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    session.opening()
    session.submit(WEAK_ANSWER)
    session.submit(FOLLOW_UP_ANSWER)
    reply = session.submit("")  # nothing to add on the second follow-up
    assert kinds(reply)[:3] == ["ack", "feedback", "reveal"]
    card = reply.utterances[1].data
    assert set(card) >= {
        "prompt_id",
        "score",
        "verdict",
        "criteria",
        "red_flags",
        "feedback",
        "scorer",
    }
    assert card["scorer"] == "offline"
    # The next prompt follows, in the same reply.
    assert reply.utterances[-1].kind == "prompt" and reply.pending.prompt_id == SPOKEN_2
    turns = session.transcript().turns
    assert [t.kind for t in turns] == ["prompt", "follow_up", "follow_up"]
    assert [t.candidate for t in turns] == [WEAK_ANSWER, FOLLOW_UP_ANSWER, ""]
    assert turns[-1].scorecard == card and turns[0].scorecard is None


def test_follow_ups_never_exceed_the_setting(settings, clock):
    settings.exam.max_follow_ups = 1
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    session.submit(WEAK_ANSWER)
    reply = session.submit("I am not sure.")
    assert "follow_up" not in kinds(reply)
    assert reply.finished and kinds(reply)[-1] == "debrief"


def test_strong_answer_gets_one_harder_question_not_a_probe(settings, clock):
    bank = load_bank()
    strong = bank.prompt(SPOKEN).strong_answer
    # "Strong" is the setting's call; a low bar keeps this about routing, not scorer accuracy.
    settings.exam.strong_score = 30
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    reply = session.submit(strong)
    assert kinds(reply) == ["ack", "follow_up"]
    follow = reply.utterances[1]
    assert follow.data["deepen"] is True
    assert follow.text.endswith(bank.prompt(SPOKEN).criterion(follow.data["criterion"]).deepen)
    reply = session.submit("About ten minutes, by the on-call lead.")
    assert "follow_up" not in kinds(reply)
    assert reply.finished


def test_empty_answer_is_scored_as_no_answer(settings, clock):
    settings.exam.max_follow_ups = 0
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    reply = session.submit("   ")
    assert reply.utterances[0].kind == "ack" and "didn't get an answer" in reply.utterances[0].text
    card = next(u for u in reply.utterances if u.kind == "feedback").data
    assert card["score"] == 0 and card["verdict"] == "failing"
    assert all(c["status"] == "missed" for c in card["criteria"])
    assert reply.finished


def test_timer_warns_then_time_up_closes_the_prompt(settings, clock):
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    session.opening()
    assert session.time_status() == (0.0, 1800.0, "ok")
    clock.advance(0.85 * 1800)
    assert session.time_status()[2] == "warn"
    clock.advance(0.2 * 1800)
    assert session.time_status()[2] == "over"
    reply = session.time_up()
    assert kinds(reply)[:3] == ["time", "feedback", "reveal"]
    assert reply.utterances[0].text == "Time is up on this one; let's move on."
    assert reply.pending.prompt_id == SPOKEN_2
    turn = session.transcript().turns[0]
    assert turn.candidate == "" and turn.scorecard["score"] == 0
    assert turn.timing["prompt_ms"] == pytest.approx(1.05 * 1800 * 1000)


def test_time_per_prompt_comes_from_the_injected_clock(settings, clock):
    settings.exam.max_follow_ups = 0
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    session.opening()
    clock.advance(125)
    session.submit(WEAK_ANSWER)
    turn = session.transcript().turns[0]
    assert turn.timing["answer_ms"] == 125_000
    assert turn.timing["prompt_ms"] == 125_000


def test_debrief_scores_each_signal_and_ties_practice_to_criteria(settings, clock):
    settings.exam.max_follow_ups = 0
    session = ExamSession.start(settings, [SPOKEN, "warmup.constraints"], clock=clock)
    session.opening()
    session.submit("I would start by asking about latency targets and the budget.")
    reply = session.submit(
        "We only look at aggregate WER; it improved, so ship it to everyone and keep going."
    )
    assert reply.finished and reply.utterances[-1].kind == "debrief"
    debrief = session.debrief()
    by_signal = {s.signal: s.score for s in debrief.signals}
    assert by_signal["rnd_judgment"] is not None and by_signal["production_operations"] is not None
    assert by_signal["system_design"] is None and by_signal["coding"] is None
    assert len(debrief.practise) == 3
    bank = load_bank()
    for item in debrief.practise:
        bank.prompt(item.prompt_id).criterion(item.criterion_id)  # a real criterion
    flagged = {f.id for f in debrief.red_flags}
    assert flagged & {"aggregate_only_metrics", "no_rollback", "no_slice_analysis"}
    assert all(f.evidence for f in debrief.red_flags)
    transcript = session.transcript()
    assert transcript.status == "finished" and transcript.finished
    assert transcript.debrief == debrief.model_dump(mode="json")


def test_resumed_session_restates_the_question_and_repeats_no_turn(settings, clock):
    session = ExamSession.start(settings, [SPOKEN, SPOKEN_2], clock=clock)
    session.opening()
    session.submit(WEAK_ANSWER)
    pending = session.pending
    sid = session.session_id
    session.close()

    again = ExamSession.resume(sid, settings, clock=clock)
    first = again.opening()
    second = again.opening()
    assert [u.text for u in first.utterances] == [u.text for u in second.utterances]
    assert first.utterances[-1].text == pending.text
    assert again.pending.kind == "follow_up"
    assert len(again.transcript().turns) == 1
    again.submit(FOLLOW_UP_ANSWER)
    turns = again.transcript().turns
    assert [t.candidate for t in turns] == [WEAK_ANSWER, FOLLOW_UP_ANSWER]


def test_resume_of_unknown_or_finished_session_is_a_clear_error(settings, clock):
    with pytest.raises(SessionError, match="unknown session"):
        ExamSession.resume("nope", settings, clock=clock)
    settings.exam.max_follow_ups = 0
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    session.submit(WEAK_ANSWER)
    assert session.finished
    with pytest.raises(SessionError, match="finished"):
        ExamSession.resume(session.session_id, settings, clock=clock)


def test_coach_override_is_kept_beside_the_original_scorecard(settings, clock):
    from agent.store import TranscriptStore

    settings.exam.max_follow_ups = 0
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    session.submit(WEAK_ANSWER)
    original = session.transcript().turns[0].scorecard
    store = TranscriptStore()
    store.add_override(session.session_id, 0, {"criterion": "freeze_promotion", "status": "met"})
    turn = store.load(session.session_id).turns[0]
    assert turn.scorecard == original
    assert turn.overrides == [{"criterion": "freeze_promotion", "status": "met"}]
    [summary] = store.list_sessions()
    assert summary.session_id == session.session_id and summary.status == "finished"
    assert summary.score == original["score"]


def test_words_added_after_the_last_answer_are_kept_at_its_end(settings, clock):
    settings.exam.max_follow_ups = 0
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    session.submit(WEAK_ANSWER)
    original = session.transcript().turns[0]
    assert session.add_to_last_answer("  and then I would page the owner ") == 0
    turn = session.transcript().turns[0]
    assert turn.candidate == f"{original.candidate} and then I would page the owner"
    assert turn.scorecard == original.scorecard
    assert session.add_to_last_answer("   ") is None  # nothing to add: nothing changes
    assert session.transcript().turns[0].candidate == turn.candidate


def test_timer_skips_the_time_a_paused_session_sat_on_disk(settings, clock):
    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    clock.advance(30)
    session.pause()
    sid = session.session_id
    session.close()

    clock.advance(6 * 3600)  # the candidate comes back after lunch
    again = ExamSession.resume(sid, settings, clock=clock)
    again.opening()
    elapsed, budget, level = again.time_status()
    assert elapsed == pytest.approx(30, abs=1)
    assert level == "ok" and budget > 60


def test_a_killed_session_is_listed_as_paused_not_active(settings, clock):
    import subprocess
    import sys

    from agent.store import TranscriptStore

    session = ExamSession.start(settings, [SPOKEN], clock=clock)
    session.opening()
    sid = session.session_id
    session.close()
    # Another process takes the session over and dies without a word (SIGKILL, power cut).
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from agent.store import TranscriptStore;"
            f" TranscriptStore().claim({sid!r}, 0.0)",
        ],
        check=True,
    )
    listed = {s.session_id: s.status for s in TranscriptStore().list_sessions()}
    assert listed[sid] == "paused"


@pytest.mark.parametrize(
    ("answer", "follow_up", "quote", "thanks"),
    [
        (
            "I would roll back the model first. Does that make sense?",
            False,
            True,
            'Yes, I follow. I heard "I would roll back the model first".',
        ),
        (
            "Then I page the owner. Is that clear so far?",
            True,
            True,
            'Yes, I follow. That helps: "I page the owner".',
        ),
        ("I would roll back the model first. Make sense?", True, False, "Yes, I follow."),
        # Heard joined to the answer: what is read back stops before it.
        (
            "I would roll back the model first, doesn't that make sense?",
            False,
            True,
            'Yes, I follow. I heard "I would roll back the model first".',
        ),
        # Not a check that it was followed: whether it was right is the score's to say.
        (
            "I would roll back the model first. Does that sound right?",
            False,
            True,
            'Thanks. I heard "I would roll back the model first".',
        ),
    ],
)
def test_an_answer_that_asks_if_it_was_followed_is_told_so_first(answer, follow_up, quote, thanks):
    """ "...Does that make sense?" ending an answer is a question: it is answered, and only
    that the interviewer followed (not "Thanks." as if nothing was asked)."""
    from agent.followups import acknowledge

    assert acknowledge(answer, None, follow_up=follow_up, quote=quote) == thanks
