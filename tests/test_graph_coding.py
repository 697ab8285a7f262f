"""Coding prompts: invariant and code in, the runner's results read back, one follow-up, close."""

from __future__ import annotations

from test_graph_support import *  # noqa: F403
from test_graph_support import BUGGY_CODE, CODING, GOOD_CODE, INVARIANT, kinds

from agent.graph import CODING_RUBRIC_WEIGHT, CODING_TEST_WEIGHT
from agent.session import ExamSession

CARD_KEYS = {
    "prompt_id",
    "score",
    "verdict",
    "criteria",
    "red_flags",
    "feedback",
    "scorer",
    "versions",
}


def test_failed_case_is_read_back_and_named_in_the_follow_up(settings, clock):
    session = ExamSession.start(settings, [CODING], clock=clock)
    opening = session.opening()
    assert opening.pending.is_coding and opening.pending.signature.startswith(
        "def max_window_error_rate"
    )
    reply = session.submit(INVARIANT, code=BUGGY_CODE)
    assert kinds(reply) == ["ack", "code_result", "follow_up"]
    result = reply.utterances[1]
    run = result.data
    assert run["status"] == "fail" and run["failed"] >= 1
    total = run["passed"] + run["failed"]
    assert f"{run['passed']} of {total} hidden tests pass" in result.text
    assert "window_slides_past_burst" in result.text
    assert "window_slides_past_burst" in reply.utterances[2].text

    # The candidate fixes it on the follow-up: the code runs again and the prompt closes.
    reply = session.submit(
        "The boundary is inclusive, so evict only when strictly older.", code=GOOD_CODE
    )
    assert kinds(reply)[:2] == ["ack", "code_result"]
    assert reply.utterances[1].text.startswith("All ")
    assert "hidden tests pass" in reply.utterances[1].text
    assert "scales" in reply.utterances[1].text
    assert "follow_up" not in kinds(reply)
    card = next(u for u in reply.utterances if u.kind == "feedback").data
    assert set(card) >= CARD_KEYS
    assert card["components"]["tests"] == 100.0
    expected = round(
        CODING_TEST_WEIGHT * 100 + CODING_RUBRIC_WEIGHT * card["components"]["invariant"]
    )
    assert card["score"] == expected
    turns = session.transcript().turns
    assert [t.code for t in turns] == [BUGGY_CODE, GOOD_CODE]
    assert "run_code_ms" in turns[0].timing
    assert turns[-1].scorecard == card


def test_passing_code_gets_one_edge_case_follow_up(settings, clock):
    session = ExamSession.start(settings, [CODING], clock=clock)
    session.opening()
    reply = session.submit("I keep a deque of the records inside the window.", code=GOOD_CODE)
    assert kinds(reply) == ["ack", "code_result", "follow_up"]
    assert reply.utterances[2].text.startswith("All hidden tests pass")
    reply = session.submit("For an empty list it returns 0.0.")
    assert "follow_up" not in kinds(reply) and reply.finished


def test_no_code_is_asked_for_and_scores_no_tests(settings, clock):
    session = ExamSession.start(settings, [CODING], clock=clock)
    session.opening()
    reply = session.submit(INVARIANT)
    assert kinds(reply) == ["ack", "follow_up"]
    assert "write def max_window_error_rate" in reply.utterances[1].text
    reply = session.submit("")
    card = next(u for u in reply.utterances if u.kind == "feedback").data
    assert card["components"]["tests"] == 0.0
    assert card["feedback"].startswith("No code was submitted.")


def test_run_code_checks_without_submitting(settings, clock):
    session = ExamSession.start(settings, [CODING], clock=clock)
    session.opening()
    result = session.run_code(BUGGY_CODE)
    assert result.status == "fail"
    assert session.pending.kind == "prompt" and session.transcript().turns == []
